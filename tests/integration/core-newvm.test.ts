/**
 * Creating VMs through the core's contract (what the New VM dialog calls) on the private QEMU session
 * daemon, with the real osinfo-db: options of the connection, OS search, OS detection from an ISO's
 * volume label, creation with disk + install ISO + network (the VM runs), and the failure paths: a VM
 * libvirt refuses leaves no disk behind, one that cannot start stays defined with libvirt's message until
 * the user discards it (VM and disk), taken names are refused at the name before anything is made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput, RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { removeGuest } from '../support/guest-life.js';
import { writeFakeIso } from '../support/iso.js';

const TAG = randomBytes(3).toString('hex');
const POOL = `vd-newvm-pool-${TAG}`;
const MiB = 1024 * 1024;

describe.skipIf(!fs.existsSync('/usr/share/osinfo/os'))('creating VMs through the core', () => {
  const env = testEnv();
  const iso = path.join(env.scratchDir, `debian-${TAG}.iso`);
  // Short: the guest-agent socket path (under the daemon's deep temp folder) must fit a UNIX socket.
  const names = [`vdn-${TAG}`, `vdb-${TAG}`, `vdx-${TAG}`];
  let fx: CoreFixture;
  let pool: TestPool;

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    pool = await createTestPool(fx.client, POOL);
    writeFakeIso(iso, { volumeId: 'Debian 11.6.0 amd64 n' });
  });

  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], names[0]!);
      await removeGuest([fx.client], names[1]!);
      await removeGuest([fx.client], names[2]!);
      await pool?.remove();
      await fx.stop();
    }
    fs.rmSync(iso, { force: true });
  });

  const create = (name: string, extra: object = {}) =>
    fx.call<CallOutput<'newvm.create'>>('newvm.create', {
      connectionId: fx.connectionId,
      name,
      osId: 'http://debian.org/debian/11',
      memoryMiB: 256,
      vcpus: 1,
      disk: { pool: POOL, sizeGiB: 64 / 1024 },
      installMedia: iso,
      network: 'user',
      ...extra,
    });
  const volumeNames = () => pool.volumeNames();

  it('offers the pools, networks and virtualization of the connection', async () => {
    const o = await fx.call<CallOutput<'newvm.options'>>('newvm.options', { connectionId: fx.connectionId });
    expect(o.pools).toContainEqual({ name: POOL, active: true, path: path.join(env.scratchDir, POOL) });
    expect(o.session).toBe(true);
    expect(o.virtType).toBe(env.virtType);
    expect(o.osinfo).toBe(true);
    // What the dialog checks at its fields: the host's figures and the names in use.
    const node = await fx.client.nodeGetInfo();
    expect(o.host).toEqual({ memoryMiB: Math.floor(node.memory / 1024), cpus: node.cpus });
    expect(o.poolToCreate).toBeNull(); // a pool runs
  });

  it('suggests the ISO images of the running pools', async () => {
    const isoVol = await pool.volume(`install-${TAG}.iso`, 1, 'raw');
    const o = await fx.call<CallOutput<'newvm.options'>>('newvm.options', { connectionId: fx.connectionId });
    expect(o.isoVolumes).toContain(isoVol);
    expect(o.isoVolumes.every((p) => p.toLowerCase().endsWith('.iso'))).toBe(true);
  });

  it('finds operating systems in osinfo-db and detects one from an ISO label', async () => {
    const found = await fx.call<CallOutput<'newvm.searchOs'>>('newvm.searchOs', { query: 'debian 11' });
    expect(found[0]).toMatchObject({ id: 'http://debian.org/debian/11', shortId: 'debian11', virtio: true });
    expect(found[0]!.memoryMiB).toBeGreaterThanOrEqual(1024);
    const d = await fx.call<CallOutput<'newvm.detectOs'>>('newvm.detectOs', {
      connectionId: fx.connectionId,
      path: iso,
    });
    expect(d.volumeId).toBe('Debian 11.6.0 amd64 n');
    expect(d.os?.shortId).toBe('debian11');
    const notIso = await fx.call<CallOutput<'newvm.detectOs'>>('newvm.detectOs', {
      connectionId: fx.connectionId,
      path: env.guestKernel,
    });
    expect(notIso).toEqual({ volumeId: null, os: null });
  });

  it('creates the disk, defines the VM as asked and starts it', async () => {
    const r = await create(names[0]!);
    expect(r.started).toBe(true);
    expect(r.startError).toBeNull();
    const dom = await fx.client.domainLookupByUUID(r.uuid);
    expect((await fx.client.domainGetState(dom)).state).toBe(1);
    const xml = await fx.client.domainGetXMLDesc(dom, 0);
    const diskPath = path.join(env.scratchDir, POOL, `${names[0]}.qcow2`);
    expect(xml).toContain(`<source file='${diskPath}'`);
    expect(xml).toContain(`<source file='${iso}'`);
    expect(xml).toContain('libosinfo:os id="http://debian.org/debian/11"');
    expect(xml).toMatch(/<interface type='user'>/);
    expect(xml).toMatch(/<graphics type='vnc'/);
    const info = await fx.client.domainGetBlockInfo(dom, 'vda');
    expect(info.capacity).toBe(64 * MiB);
    // The VM list (fed by libvirt's events) shows it with its OS.
    const vm = await fx.call<{ osName: string | null; state: string }>('vms.details', {
      connectionId: fx.connectionId,
      uuid: r.uuid,
    });
    expect(vm.state).toBe('running');
  });

  it('a VM libvirt refuses leaves no disk behind, and the error is libvirt’s own', async () => {
    const before = await volumeNames();
    const err = await create(names[1]!, { vcpus: 512 }).catch(
      (e: { remote?: { code: string; message: string } }) => e,
    );
    expect((err as { remote?: { code: string } }).remote?.code).toBe('libvirt');
    expect((err as { remote?: { message: string } }).remote?.message).toMatch(/CPU|vcpu/i);
    expect(await volumeNames()).toEqual(before);
    await expect(fx.client.domainLookupByName(names[1]!)).rejects.toThrow();
  });

  it('a VM that cannot start stays defined and says why; discarding it removes the VM and its disk', async () => {
    // Readable by VirtDesk (root), not by the daemon's user: checked fine, refused by QEMU at start.
    const secret = path.join(env.scratchDir, `secret-${TAG}.iso`);
    writeFakeIso(secret, { volumeId: 'SECRET' });
    fs.chmodSync(secret, 0o600);
    try {
      const before = await volumeNames();
      const r = await create(names[2]!, { installMedia: secret });
      expect(r.started).toBe(false);
      expect(r.startError).toMatch(/secret-/);
      expect(r.startRemedy).toBeNull();
      const dom = await fx.client.domainLookupByUUID(r.uuid);
      expect((await fx.client.domainGetState(dom)).state).toBe(5);
      expect(await volumeNames()).toEqual([...before, `${names[2]}.qcow2`].sort());
      const d = await fx.call<CallOutput<'newvm.discard'>>('newvm.discard', {
        connectionId: fx.connectionId,
        uuid: r.uuid,
      });
      expect(d.deletedVolume).toBe(path.join(env.scratchDir, POOL, `${names[2]}.qcow2`));
      expect(await volumeNames()).toEqual(before);
      await expect(fx.client.domainLookupByName(names[2]!)).rejects.toThrow();
    } finally {
      fs.rmSync(secret, { force: true });
    }
  });

  it('refuses a taken name and a name its disk would clash with, before anything is made', async () => {
    const before = await volumeNames();
    const taken = await create(names[0]!).catch((e: { remote?: RemoteError }) => e.remote);
    expect(taken).toMatchObject({ code: 'invalid-input' });
    expect((taken as RemoteError).issues).toContainEqual({
      path: ['name'],
      message: `A VM named "${names[0]}" exists already`,
    });
    const clash = `vdc-${TAG}`;
    await pool.volume(`${clash}.qcow2`, 1);
    const disk = await create(clash).catch((e: { remote?: RemoteError }) => e.remote);
    expect((disk as RemoteError).issues?.[0]).toMatchObject({ path: ['name'] });
    expect((disk as RemoteError).issues?.[0]?.message).toMatch(/has a disk named/);
    await expect(fx.client.domainLookupByName(clash)).rejects.toThrow();
    expect(await volumeNames()).toEqual([...before, `${clash}.qcow2`].sort());
  });

  it('refuses bad names and sizes before touching libvirt', async () => {
    for (const bad of [
      { name: 'a/b' },
      { memoryMiB: 1 },
      { vcpus: 0 },
      { disk: { pool: POOL, sizeGiB: -1 } },
      { installMedia: 'relative.iso' },
    ])
      await expect(create(names[0]!, bad), JSON.stringify(bad)).rejects.toMatchObject({
        remote: { code: 'invalid-input' },
      });
  });
});
