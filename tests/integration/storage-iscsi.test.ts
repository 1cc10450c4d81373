/**
 * iSCSI pools against a real target: Debian's userspace `tgt` (tests/support/iscsi-target.ts) inside the
 * private system daemon's namespaces, one LUN on a sparse file, on the namespace's loopback.
 *
 * - iSCSI-direct (libvirt talks iSCSI itself through libiscsi; no kernel initiator): the Create pool
 *   dialog's "Find targets on host…" call discovers the target's IQN; a pool created from exactly what
 *   discovery returned starts, lists the LUN with its capacity, stops and is deleted.
 * - iSCSI through the kernel initiator (iscsiadm + the iscsi_tcp module): discovery runs only where the
 *   running kernel has iscsi_tcp; otherwise the test says why it is skipped. Logging in is never tried:
 *   it would attach the LUN as a SCSI disk of the host's kernel, which no namespace contains.
 * - Bad input: a portal with nothing listening is a plain error with libvirt's reason, and nothing is
 *   defined (checked through a second connection).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import type { CallOutput, RemoteError } from '../../shared/contract/index.js';
import type { StoragePool, StorageVolume } from '../../shared/contract/storage.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv } from '../support/env.js';
import { iscsiTargetUnavailable, startIscsiTarget, type IscsiTarget } from '../support/iscsi-target.js';

const sys = systemTestEnv();
const skip = sys.available ? iscsiTargetUnavailable() : sys.skip;

/**
 * Why the kernel initiator cannot discover here, or null. iscsiadm refuses to do anything without the
 * iscsi_tcp transport, and a kernel without its module tree cannot load it.
 */
function kernelInitiatorUnavailable(): string | null {
  if (!fs.existsSync('/usr/bin/iscsiadm')) return 'iscsiadm (open-iscsi) is not installed';
  if (fs.existsSync('/sys/module/iscsi_tcp')) return null;
  const release = os.release();
  try {
    execFileSync('modprobe', ['-n', 'iscsi_tcp'], { stdio: 'ignore' });
    return null;
  } catch {
    return (
      `the running kernel (${release}) has no iscsi_tcp module (nothing in /lib/modules/${release}), so ` +
      "iscsiadm can neither discover nor log in ('iSCSI driver tcp is not loaded'); iSCSI-direct covers " +
      'discovery and the pool here'
    );
  }
}

const remoteOf = async (p: Promise<unknown>): Promise<RemoteError> => {
  const e = (await p.then(
    () => null,
    (x: { remote?: RemoteError }) => x,
  )) as { remote?: RemoteError } | null;
  expect(e, 'the call should have been refused').not.toBeNull();
  return e!.remote!;
};

describe.skipIf(skip !== null)(`iSCSI pools against a tgt target${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const tag = randomBytes(3).toString('hex');
  const pool = `vdt-iscsi-${tag}`;
  const badPool = `vdt-iscsi-bad-${tag}`;
  let fx: CoreFixture;
  let other: LibvirtClient;
  let target: IscsiTarget;

  beforeAll(async () => {
    if (!sys.available) return;
    target = await startIscsiTarget({ nsPid: sys.nsPid, scratchDir: sys.scratchDir });
    fx = await startCore(sys.uri);
    other = await openConnection(sys.uri);
  }, 60_000);

  afterAll(async () => {
    for (const name of [pool, badPool]) {
      const p = await other?.storagePoolLookupByName(name).catch(() => null);
      if (!p) continue;
      await other.storagePoolDestroy(p).catch(() => undefined);
      await other.storagePoolUndefine(p).catch(() => undefined);
    }
    await other?.close();
    await fx?.stop();
    await target?.stop();
  });

  const call = <T>(name: string, input: Record<string, unknown>): Promise<T> =>
    fx.call<T>(name, { connectionId: fx.connectionId, ...input });
  const defined = async () => (await other.connectListAllStoragePools(0)).map((p) => p.name);

  it('finds the target with iSCSI-direct and makes a pool of exactly what was found', async () => {
    const { sources } = await call<CallOutput<'storage.findPoolSources'>>('storage.findPoolSources', {
      type: 'iscsi-direct',
      host: target.host,
      port: target.port,
    });
    expect(sources).toEqual([
      { host: target.host, port: target.port, device: target.iqn, dir: null, name: null, format: null },
    ]);
    const found = sources[0]!;
    const created = await call<StoragePool>('storage.createPool', {
      name: pool,
      type: 'iscsi-direct',
      sourceHost: found.host,
      sourcePort: found.port,
      sourceDevice: found.device,
      build: false,
      autostart: false,
    });
    expect(created).toMatchObject({ name: pool, type: 'iscsi-direct', active: true, state: 'running' });
    expect(created.source).toMatchObject({ host: target.host, devices: [target.iqn] });
    const definition = await other.storagePoolGetXMLDesc(await other.storagePoolLookupByName(pool));
    expect(definition).toContain(`<host name='${target.host}' port='${target.port}'/>`);

    const { volumes } = await call<{ volumes: StorageVolume[] }>('storage.volumes', { pool });
    // LUN 0 is tgt's controller (no storage); LUN 1 is the file.
    const lun = volumes.find((v) => v.name.endsWith(':1'));
    expect(lun, JSON.stringify(volumes)).toBeDefined();
    expect(lun!.type).toBe('network');
    expect(lun!.path).toContain(target.iqn);
    // libvirt 9's iSCSI-direct backend takes READ CAPACITY's last block address as the block count, so it
    // reports one block (512 bytes) less than the LUN has.
    expect(lun!.capacity).toBeGreaterThanOrEqual(target.lunBytes - 512);
    expect(lun!.capacity).toBeLessThanOrEqual(target.lunBytes);

    await call('storage.poolAction', { pool, action: 'stop' });
    const stopped = (await call<{ pools: StoragePool[] }>('storage.pools', {})).pools.find(
      (p) => p.name === pool,
    );
    expect(stopped).toMatchObject({ active: false, volumeCount: null });
    await call('storage.poolAction', { pool, action: 'undefine' });
    expect(await defined()).not.toContain(pool);
  });

  it('says plainly when a portal has no target, and defines nothing', async () => {
    const none = await remoteOf(
      call('storage.findPoolSources', { type: 'iscsi-direct', host: target.host, port: 3261 }),
    );
    expect(none.code).toBe('libvirt');
    expect(none.message).toMatch(
      new RegExp(`^No iscsi-direct pool sources were found on ${target.host}:3261\\. \\(libvirt: .+\\)$`),
    );
    const refused = await remoteOf(
      call('storage.createPool', {
        name: badPool,
        type: 'iscsi-direct',
        sourceHost: target.host,
        sourcePort: 3261,
        sourceDevice: target.iqn,
        build: false,
        autostart: false,
      }),
    );
    expect(refused.message).toMatch(
      new RegExp(`^Could not create the storage pool '${badPool}'\\. \\(libvirt: `),
    );
    expect(await defined()).not.toContain(badPool);
    const notIqn = await remoteOf(
      call('storage.createPool', {
        name: badPool,
        type: 'iscsi-direct',
        sourceHost: 'h',
        sourceDevice: '/dev/sda',
      }),
    );
    expect(notIqn.code).toBe('invalid-input');
    expect(notIqn.issues).toEqual([
      { path: ['sourceDevice'], message: 'An iSCSI target name looks like iqn.2024-01.com.example:disk1' },
    ]);
  });

  const kernelWhy = kernelInitiatorUnavailable();
  it.skipIf(kernelWhy !== null)(
    `finds the target through the kernel initiator (iscsiadm)${kernelWhy ? ` (skipped: ${kernelWhy})` : ''}`,
    async () => {
      const { sources } = await call<CallOutput<'storage.findPoolSources'>>('storage.findPoolSources', {
        type: 'iscsi',
        host: target.host,
        port: target.port,
      });
      expect(sources.map((s) => s.device)).toContain(target.iqn);
    },
  );
});
