/**
 * Core against a real QEMU guest on the private session daemon: overview details (disk sizes from
 * libvirt, NIC, OS metadata), the volumes offered by the delete dialog, lifecycle incl. managed save and
 * restore, and delete with its storage volume. Creates its own pool, volume and guest; removes them.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibvirtClient, StoragePoolRef } from '../../electron/libvirt/index.js';
import type { VmDetails, VmSummary, VmVolume } from '../../shared/model/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { tinyGuestXml } from '../support/guest.js';

const TAG = randomBytes(3).toString('hex');
const POOL = `vd-core-pool-${TAG}`;
const NAME = `vd-core-qemu-${TAG}`;
const CONN = 'qemu';
const MiB = 1024 * 1024;

let fx: CoreFixture;
let client: LibvirtClient;
let pool: StoragePoolRef | null = null;
let uuid = '';
let diskPath = '';

const call = <T>(name: string, input: unknown): Promise<T> => fx.call<T>(name, input);
const act = (action: string, extra: object = {}) =>
  call<VmSummary | null>('vms.action', { connectionId: CONN, uuid, action, ...extra });

beforeAll(async () => {
  const env = testEnv();
  fx = await startCore(env.qemuUri, { connectionId: CONN, name: 'QEMU' });
  client = fx.client;
  pool = await client.storagePoolDefineXML(
    `<pool type='dir'><name>${POOL}</name><target><path>${join(env.scratchDir, POOL)}</path></target></pool>`,
  );
  await client.storagePoolBuild(pool, 0);
  await client.storagePoolCreate(pool, 0);
  const vol = await client.storageVolCreateXML(
    pool,
    `<volume><name>disk.raw</name><capacity unit='bytes'>${16 * MiB}</capacity><target><format type='raw'/></target></volume>`,
  );
  diskPath = await client.storageVolGetPath(vol);
  const xml = tinyGuestXml({
    name: NAME,
    kernel: env.guestKernel,
    initrd: env.guestInitrd,
    virtType: env.virtType,
    disk: diskPath,
    nic: true,
    title: 'Tiny guest',
  }).replace(
    '<memory',
    `<metadata><libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://libosinfo.org/linux/2022"/></libosinfo:libosinfo></metadata>\n  <memory`,
  );
  uuid = (await client.domainDefineXML(xml)).uuid;
});

afterAll(async () => {
  try {
    if (client?.isOpen) {
      const dom = await client.domainLookupByName(NAME).catch(() => null);
      if (dom) {
        await client.domainDestroy(dom).catch(() => undefined);
        await client.domainUndefineFlags(dom, 1 | 2 | 4).catch(() => undefined);
      }
      if (pool) {
        for (const v of await client.storagePoolListAllVolumes(pool).catch(() => [])) {
          await client.storageVolDelete(v, 0).catch(() => undefined);
        }
        await client.storagePoolDestroy(pool).catch(() => undefined);
        await client.storagePoolDelete(pool, 0).catch(() => undefined);
        await client.storagePoolUndefine(pool).catch(() => undefined);
      }
    }
  } finally {
    await fx?.stop();
  }
});

describe('core with a real QEMU guest', () => {
  it('shows the overview of a stopped VM', async () => {
    const d = await call<VmDetails>('vms.details', { connectionId: CONN, uuid });
    expect(d).toMatchObject({
      name: NAME,
      state: 'shutoff',
      id: -1,
      title: 'Tiny guest',
      osId: 'http://libosinfo.org/linux/2022',
      osName: 'Generic Linux 2022',
      memory: 131072,
      maxMemory: 131072,
      vcpus: 1,
      arch: 'x86_64',
      firmware: 'bios',
    });
    expect(d.disks).toEqual([
      expect.objectContaining({
        target: 'vda',
        bus: 'virtio',
        type: 'file',
        source: diskPath,
        capacity: 16 * MiB,
      }),
    ]);
    expect(d.nics).toEqual([expect.objectContaining({ type: 'user', model: 'virtio', addresses: [] })]);
    expect(d.nics[0]!.mac).toMatch(/^52:54:00:/);
  });

  it('offers the pool volume in the delete dialog', async () => {
    const vols = await call<VmVolume[]>('vms.volumes', { connectionId: CONN, uuid });
    expect(vols).toEqual([
      expect.objectContaining({
        path: diskPath,
        pool: POOL,
        volume: 'disk.raw',
        capacity: 16 * MiB,
        suggested: true,
      }),
    ]);
  });

  it('runs the lifecycle: start, pause, resume, save, restore, force off', async () => {
    const started = await act('start');
    expect(started).toMatchObject({ state: 'running', reason: 'booted' });
    expect(started!.id).toBeGreaterThan(0);
    const running = await call<VmDetails>('vms.details', { connectionId: CONN, uuid });
    expect(running.id).toBeGreaterThan(0);
    // No guest agent channel on this guest: that source's error is reported, not thrown.
    expect(running.ipSourceErrors.some((e) => e.source === 'agent')).toBe(true);
    expect(await act('suspend')).toMatchObject({ state: 'paused', reason: 'user' });
    expect(await act('resume')).toMatchObject({ state: 'running' });
    expect(await act('managedSave')).toMatchObject({
      state: 'shutoff',
      reason: 'saved',
      hasManagedSave: true,
    });
    expect(await act('restore')).toMatchObject({
      state: 'running',
      reason: 'restored',
      hasManagedSave: false,
    });
    expect(await act('destroy')).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
    await expect(act('restore')).rejects.toMatchObject({
      remote: { message: expect.stringMatching(/no saved state/) },
    });
  });

  it('deletes the running VM together with its volume', async () => {
    await act('start');
    expect(await act('delete', { deleteVolumes: [diskPath] })).toBeNull();
    await expect(client.domainLookupByName(NAME)).rejects.toThrow();
    await expect(client.storageVolLookupByPath(diskPath)).rejects.toThrow();
    expect((await fx.core.vms.list(CONN)).some((v) => v.uuid === uuid)).toBe(false);
  });
});
