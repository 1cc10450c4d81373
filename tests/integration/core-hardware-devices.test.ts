/**
 * Disks and NICs through the contract (`hardware.get` / `hardware.apply`) as the renderer uses it, on the
 * QEMU session daemon with the running tiny guest: the preview changes nothing, an apply is read back
 * through a second connection (live and config XML), refusals land on the change's fields and leave the
 * VM as it was, next-boot edits show up as pending.
 */
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DiskAdd,
  HardwareApplyOutput,
  HardwareChange,
  HardwareGetOutput,
} from '../../shared/contract/hardware.js';
import { DomainXMLFlags, openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { diskDetails, DomainXml, nicDetails } from '../../electron/libvirt-xml/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { createTestPool, type TestPool } from '../support/pool.js';

const MiB = 1024 * 1024;

describe('hardware.apply for disks and NICs through the core', () => {
  const env = testEnv();
  const name = uniqueGuestName('hwcore');
  const isoPath = path.join(env.scratchDir, `${name}.iso`);
  let fx: CoreFixture;
  let other: LibvirtClient; // a second connection: what libvirt has, not what the core says
  let uuid = '';
  let pool: TestPool;

  const get = () => fx.call<HardwareGetOutput>('hardware.get', { connectionId: fx.connectionId, uuid });
  const apply = (change: HardwareChange, preview = false) =>
    fx.call<HardwareApplyOutput>('hardware.apply', {
      connectionId: fx.connectionId,
      uuid,
      change,
      ...(preview ? { preview } : {}),
    });
  const xmls = async () => {
    const dom = await other.domainLookupByUUID(uuid);
    return {
      live: DomainXml.parse(await other.domainGetXMLDesc(dom, 0)),
      config: DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)),
    };
  };
  const snapshot = async () => {
    const x = await xmls();
    return [x.live.toString(), x.config.toString()];
  };
  /** The RemoteError of a refused call. */
  const refused = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('not refused');
      },
      (e: { remote?: { code?: string; message: string; issues?: { path: (string | number)[] }[] } }) => {
        if (!e.remote) throw e;
        return e.remote;
      },
    );

  beforeAll(async () => {
    fs.writeFileSync(isoPath, Buffer.alloc(MiB, 0x42));
    fx = await startCore(env.qemuUri);
    other = await openConnection(env.qemuUri);
    pool = await createTestPool(other, `${name}-pool`);
    const { dom } = await bootTinyGuest(fx.client, name);
    uuid = dom.uuid;
  }, 180_000);

  afterAll(async () => {
    await removeGuest([other], name);
    await pool?.remove();
    await other?.close().catch(() => undefined);
    await fx?.stop();
    fs.rmSync(isoPath, { force: true });
  });

  const add = (): DiskAdd => ({
    kind: 'disk.add',
    device: 'disk',
    source: {
      kind: 'new-volume',
      pool: pool.name,
      name: 'hw.qcow2',
      capacityBytes: 8 * MiB,
      format: 'qcow2',
    },
    bus: 'virtio',
    serial: 'core-hw',
  });

  it('hardware.get lists disks and NICs, with the host’s buses', async () => {
    const hw = await get();
    expect(hw.config.disk).toEqual([]);
    expect(hw.config.nic).toEqual([]);
    expect(hw.live?.disk).toEqual([]);
    expect(hw.limits.diskBuses).toContain('virtio');
  });

  it('the preview shows the new disk in the config XML and changes nothing', async () => {
    const before = await snapshot();
    const r = await apply(add(), true);
    expect(r).toMatchObject({ live: 'unchanged', config: 'unchanged', timing: 'both' });
    const after = DomainXml.parse(r.after!);
    expect(diskDetails(after).find((d) => d.serial === 'core-hw')).toMatchObject({
      target: 'vda',
      type: 'volume',
      pool: pool.name,
      volume: 'hw.qcow2',
      format: 'qcow2',
    });
    expect(DomainXml.parse(r.before!).disks).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(await pool.volumeNames()).toEqual([]);
  });

  it('adds the disk to the running VM: live and config, read through a second connection', async () => {
    expect(await apply(add())).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    const { live, config } = await xmls();
    for (const x of [live, config])
      expect(diskDetails(x).find((d) => d.serial === 'core-hw')).toMatchObject({
        target: 'vda',
        volume: 'hw.qcow2',
      });
    expect(await pool.volumeNames()).toEqual(['hw.qcow2']);
    expect((await get()).config.disk.map((d) => d.target)).toEqual(['vda']);
    // What the editors pick from and show: the pool with its volume, the disk's size.
    const choices = await fx.call<{
      pools: { name: string; active: boolean; volumes: { name: string }[] }[];
    }>('hardware.deviceChoices', { connectionId: fx.connectionId });
    expect(choices.pools.find((p) => p.name === pool.name)).toMatchObject({
      active: true,
      volumes: [expect.objectContaining({ name: 'hw.qcow2', capacityBytes: 8 * MiB, format: 'qcow2' })],
    });
    expect(
      await fx.call('hardware.diskSize', { connectionId: fx.connectionId, uuid, target: 'vda' }),
    ).toEqual({ capacityBytes: 8 * MiB });
  }, 60_000);

  it('refuses a taken target, a bus the host lacks, a volume larger than the pool: on the field, VM unchanged', async () => {
    const before = await snapshot();
    const taken = await refused(apply({ ...add(), target: 'vda', serial: 'x' }));
    expect(taken).toMatchObject({ code: 'invalid-input' });
    expect(taken.message).toContain('already has a disk vda');
    expect(taken.issues?.[0]?.path).toEqual(['change', 'target']);

    const tooBig = await refused(
      apply({
        ...add(),
        source: {
          kind: 'new-volume',
          pool: pool.name,
          name: 'big.raw',
          capacityBytes: 2 ** 50,
          format: 'raw',
        },
      }),
    );
    expect(tooBig.message).toMatch(/more than the .* free in the pool/);
    expect(tooBig.issues?.[0]?.path).toEqual(['change', 'source', 'capacityBytes']);

    const bus = await refused(apply({ ...add(), bus: 'ide', target: 'vdq' }));
    expect(bus.issues?.[0]?.path).toEqual(['change', 'target']);

    expect(await snapshot()).toEqual(before);
    expect(await pool.volumeNames()).toEqual(['hw.qcow2']);
  }, 60_000);

  it('libvirt’s own refusal: config failed, libvirt’s words, nothing changed, no volume left', async () => {
    const before = await snapshot();
    const r = await apply({
      ...add(),
      source: { kind: 'file', path: path.join(env.scratchDir, 'does-not-exist.img') },
      serial: 'missing',
    });
    expect(r).toMatchObject({ live: 'unchanged', config: 'failed' });
    expect(r.message).toContain('nothing was changed');
    expect(r.detail).toMatch(/does-not-exist\.img/);
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('next-boot disk options: config only, listed as pending; the running VM keeps its own', async () => {
    const r = await apply({ kind: 'disk.options', target: 'vda', cache: 'writethrough' });
    expect(r).toMatchObject({ live: 'unchanged', config: 'applied', timing: 'next-boot' });
    const { live, config } = await xmls();
    expect(diskDetails(config)[0]?.cache).toBe('writethrough');
    expect(diskDetails(live)[0]?.cache).toBeNull();
    const hw = await get();
    expect(hw.pending).toContainEqual(expect.objectContaining({ kind: 'disk', field: 'diskOptions' }));
  });

  it('grows the disk live; removes it live and from the config', async () => {
    expect(await apply({ kind: 'disk.resize', target: 'vda', capacityBytes: 16 * MiB })).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    const dom = await other.domainLookupByUUID(uuid);
    expect((await other.domainGetBlockInfo(dom, 'vda')).capacity).toBe(16 * MiB);
    expect(await apply({ kind: 'disk.remove', target: 'vda' })).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    const { live, config } = await xmls();
    expect(live.disks).toEqual([]);
    expect(config.disks).toEqual([]);
  }, 60_000);

  it('NICs: add with a generated MAC, link down, remove — each live and in the config', async () => {
    const r = await apply({ kind: 'nic.add', source: { type: 'user' }, model: 'virtio' });
    expect(r).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    const mac = (await get()).config.nic[0]?.mac;
    expect(mac).toMatch(/^52:54:00:/);
    expect((await get()).live?.nic[0]?.mac).toBe(mac);
    expect(await apply({ kind: 'nic.link', mac: mac!, state: 'down' })).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    for (const x of Object.values(await xmls())) expect(nicDetails(x)[0]?.linkState).toBe('down');
    const dup = await refused(apply({ kind: 'nic.add', source: { type: 'user' }, mac: mac! }));
    expect(dup.issues?.[0]?.path).toEqual(['change', 'mac']);
    expect(await apply({ kind: 'nic.remove', mac: mac! })).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    for (const x of Object.values(await xmls())) expect(x.interfaces).toEqual([]);
  }, 60_000);
});
