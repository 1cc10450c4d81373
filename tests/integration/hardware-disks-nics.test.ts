/**
 * The hardware editor's disk and NIC changes (electron/hardware/devices) against the real QEMU session
 * daemon and the running tiny guest: every change read back from libvirt's live and persistent XML, and
 * the live ones checked from inside the guest (a disk by its serial, its size after a resize, a NIC's
 * carrier). Refusals happen before libvirt is called and leave the VM and the pool as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/base/errors.js';
import { addDisk, changeMedia, removeDisk, resizeDisk } from '../../electron/hardware/devices/disks.js';
import { addNic, removeNic, setNicLink } from '../../electron/hardware/devices/nics.js';
import {
  DomainXMLFlags,
  LibvirtError,
  openConnection,
  type DomainEvent,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { diskDetails, DomainXml, nicDetails } from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';
import { createTestPool, type TestPool } from '../support/pool.js';

const MiB = 1024 * 1024;

describe('hardware editor: disks and NICs on the QEMU session daemon', () => {
  const env = testEnv();
  const name = uniqueGuestName('hwdev');
  const stoppedName = uniqueGuestName('hwdev-off');
  const mediaPath = path.join(env.scratchDir, `${name}.media.iso`);
  let client: LibvirtClient;
  let dom: DomainRef;
  let pool: TestPool;

  const liveXml = async () => DomainXml.parse(await client.domainGetXMLDesc(dom, 0));
  const configXml = async (d = dom) =>
    DomainXml.parse(await client.domainGetXMLDesc(d, DomainXMLFlags.INACTIVE));
  /** The disk with `serial` in a description, or undefined. */
  const bySerial = (x: DomainXml, serial: string) => diskDetails(x).find((d) => d.serial === serial);

  /** Sectors of the guest's disk with this serial as its kernel sees it, or 'none'. */
  const guestSectors = async (serial: string): Promise<string> => {
    const m = await guestShell(
      client,
      dom,
      `n=-1; for d in /sys/block/*; do [ "$(cat $d/serial 2>/dev/null)" = ${serial} ] && n=$(cat $d/size); done; echo sect-$((n+0))-end`,
      /sect-(-?\d+)-end/,
    );
    return m[1] === '-1' ? 'none' : (m[1] as string);
  };
  /** The carrier (0/1) of the guest's interface with this MAC, brought up first; 'none' when absent. */
  const guestCarrier = async (mac: string): Promise<string> => {
    const m = await guestShell(
      client,
      dom,
      `c=none; for i in /sys/class/net/*; do [ "$(cat $i/address)" = ${mac} ] && ip link set \${i##*/} up && c=$(cat $i/carrier); done; echo carrier-$c-$((6*7))`,
      /carrier-(\w+)-42/,
    );
    return m[1] as string;
  };
  /** Runs `f`, expects a CoreError refusal naming `field`, and returns its message. */
  const refusal = async (f: () => Promise<unknown>, field: string): Promise<string> => {
    const err = await f().then(
      () => new Error('not refused'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('invalid-input');
    expect((err as CoreError).issues?.[0]?.path.join('.')).toBe(field);
    return (err as CoreError).message;
  };

  beforeAll(async () => {
    fs.writeFileSync(mediaPath, Buffer.alloc(2 * MiB, 0x41));
    client = await openConnection(env.qemuUri);
    await client.subscribeDomainEvents();
    client.on('domainEvent', (_e: DomainEvent) => undefined);
    pool = await createTestPool(client, `${name}-pool`);
    ({ dom } = await bootTinyGuest(client, name, {
      // An IDE CD-ROM drive (IDE cannot be hot-plugged on the pc machine, so it is there from the start).
      edit: (xml: string) =>
        xml.replace(
          '</devices>',
          "  <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>\n  </devices>",
        ),
    }));
  }, 180_000);

  afterAll(async () => {
    await removeGuest([client], name);
    await removeGuest([client], stoppedName);
    await pool?.remove();
    await client?.close().catch(() => undefined);
    fs.rmSync(mediaPath, { force: true });
  });

  let newTarget = '';

  it('adds a new 16 MiB volume as a virtio disk: live and config, the guest sees it by its serial', async () => {
    const r = await addDisk(client, dom, {
      device: 'disk',
      source: {
        kind: 'new-volume',
        pool: pool.name,
        name: 'data.raw',
        capacityBytes: 16 * MiB,
        format: 'raw',
      },
      bus: 'virtio',
      serial: 'hw-data',
      cache: 'none',
      discard: 'unmap',
    });
    expect(r).toMatchObject({ live: 'applied', config: 'applied', message: null });
    newTarget = r.target;
    expect(newTarget).toBe('vda'); // the guest has no other virtio disk
    for (const x of [await liveXml(), await configXml()]) {
      expect(bySerial(x, 'hw-data')).toMatchObject({
        target: 'vda',
        bus: 'virtio',
        type: 'volume',
        pool: pool.name,
        volume: 'data.raw',
        format: 'raw',
        cache: 'none',
        discard: 'unmap',
      });
    }
    expect(await pool.volumeNames()).toEqual(['data.raw']);
    await until(
      'the guest to see the disk',
      30_000,
      async () => (await guestSectors('hw-data')) === String((16 * MiB) / 512),
    );
  }, 60_000);

  it('refuses a taken target, a bus the host does not offer, a pool too small — and changes nothing', async () => {
    const before = [(await liveXml()).toString(), (await configXml()).toString()];
    const base = { device: 'disk' as const, bus: 'virtio', serial: 'hw-refused' };
    const newVol = { kind: 'new-volume' as const, pool: pool.name, name: 'refused.raw', format: 'raw' };
    expect(
      await refusal(
        () => addDisk(client, dom, { ...base, target: newTarget, source: { ...newVol, capacityBytes: MiB } }),
        'target',
      ),
    ).toContain(`already has a disk ${newTarget}`);
    expect(
      await refusal(
        () => addDisk(client, dom, { ...base, target: 'sdb', source: { ...newVol, capacityBytes: MiB } }),
        'target',
      ),
    ).toContain('vda, vdb');
    expect(
      await refusal(
        () => addDisk(client, dom, { ...base, bus: 'xen', source: { ...newVol, capacityBytes: MiB } }),
        'bus',
      ),
    ).toMatch(/does not offer the xen bus.*virtio/);
    expect(
      await refusal(
        () => addDisk(client, dom, { ...base, source: { ...newVol, capacityBytes: 2 ** 50 } }),
        'source.capacityBytes',
      ),
    ).toMatch(/more than the .* free in the pool/);
    expect(await pool.volumeNames()).toEqual(['data.raw']);
    expect([(await liveXml()).toString(), (await configXml()).toString()]).toEqual(before);
  }, 60_000);

  it('deletes the new volume again when libvirt refuses the disk, and passes on libvirt’s words', async () => {
    const err = await addDisk(client, dom, {
      device: 'disk',
      source: { kind: 'new-volume', pool: pool.name, name: 'orphan.raw', capacityBytes: MiB, format: 'raw' },
      bus: 'virtio',
      serial: 'not/allowed', // libvirt allows no slash in a serial
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).message).toMatch(/serial/);
    expect(await pool.volumeNames()).toEqual(['data.raw']);
  }, 60_000);

  it('resizes the disk live: the guest sees the new size; shrinking and overfilling are refused', async () => {
    const r = await resizeDisk(client, dom, newTarget, 32 * MiB);
    expect(r).toMatchObject({ live: 'applied', config: 'applied' });
    await until(
      'the guest to see 32 MiB',
      30_000,
      async () => (await guestSectors('hw-data')) === String((32 * MiB) / 512),
    );
    expect(await refusal(() => resizeDisk(client, dom, newTarget, 8 * MiB), 'capacityBytes')).toMatch(
      /shrinking/,
    );
    expect(await refusal(() => resizeDisk(client, dom, newTarget, 2 ** 50), 'capacityBytes')).toMatch(
      /free in its pool/,
    );
    expect((await client.domainGetBlockInfo(dom, newTarget)).capacity).toBe(32 * MiB);
  }, 60_000);

  it('puts media into the CD-ROM and ejects it, live and in the config', async () => {
    const r = await changeMedia(client, dom, 'hdc', { kind: 'file', path: mediaPath });
    expect(r).toMatchObject({ live: 'applied', config: 'applied' });
    for (const x of [await liveXml(), await configXml()])
      expect(x.disks.find((d) => d.target === 'hdc')).toMatchObject({ device: 'cdrom', source: mediaPath });
    expect((await client.domainGetBlockInfo(dom, 'hdc')).capacity).toBe(2 * MiB);
    await changeMedia(client, dom, 'hdc', null);
    for (const x of [await liveXml(), await configXml()])
      expect(x.disks.find((d) => d.target === 'hdc')).toMatchObject({ device: 'cdrom', source: null });
    expect(await refusal(() => changeMedia(client, dom, newTarget, null), 'target')).toMatch(/not a CD-ROM/);
  }, 60_000);

  it('a CD-ROM on a bus without hotplug goes to the config only, and the result says so', async () => {
    const r = await addDisk(client, dom, {
      device: 'cdrom',
      source: { kind: 'file', path: mediaPath },
      bus: 'ide',
    });
    expect(r).toMatchObject({ live: 'not-possible', config: 'applied', target: 'hda' });
    expect(r.message).toBe(
      'A drive on the ide bus cannot be added to a running VM; it is added at next boot',
    );
    expect((await liveXml()).disks.find((d) => d.target === 'hda')).toBeUndefined();
    expect((await configXml()).disks.find((d) => d.target === 'hda')).toMatchObject({ source: mediaPath });
    // Ejecting and removing it touch the config only, and say the running VM does not have it.
    expect(await changeMedia(client, dom, 'hda', null)).toMatchObject({
      live: 'not-possible',
      config: 'applied',
    });
    expect((await configXml()).disks.find((d) => d.target === 'hda')?.source).toBeNull();
    expect(await removeDisk(client, dom, 'hda')).toMatchObject({ live: 'not-possible', config: 'applied' });
    expect((await configXml()).disks.find((d) => d.target === 'hda')).toBeUndefined();
  }, 60_000);

  it('removes the disk: gone from live and config XML and from the guest; the volume stays', async () => {
    const r = await removeDisk(client, dom, newTarget);
    expect(r).toMatchObject({ live: 'applied', config: 'applied', message: null });
    for (const x of [await liveXml(), await configXml()]) expect(bySerial(x, 'hw-data')).toBeUndefined();
    await until(
      'the disk to be gone in the guest',
      30_000,
      async () => (await guestSectors('hw-data')) === 'none',
    );
    expect(await pool.volumeNames()).toEqual(['data.raw']);
  }, 60_000);

  const mac = '52:54:00:7e:57:01';

  it('adds a user-mode virtio NIC with a given MAC: live and config, the guest has it with carrier', async () => {
    const r = await addNic(client, dom, {
      source: { type: 'user' },
      model: 'virtio',
      mac: '52-54-00-7E-57-01',
    });
    expect(r).toMatchObject({ live: 'applied', config: 'applied', mac });
    for (const x of [await liveXml(), await configXml()])
      expect(nicDetails(x).find((n) => n.mac === mac)).toMatchObject({
        type: 'user',
        model: 'virtio',
        linkState: 'up',
      });
    await until(
      'the guest to see the NIC with carrier',
      30_000,
      async () => (await guestCarrier(mac)) === '1',
    );
    expect(await refusal(() => addNic(client, dom, { source: { type: 'user' }, mac }), 'mac')).toMatch(
      /already has/,
    );
    expect(
      await refusal(() => addNic(client, dom, { source: { type: 'user' }, mac: '01:00:5e:00:00:01' }), 'mac'),
    ).toMatch(/not a unicast/);
  }, 60_000);

  it('sets the link down and up again: libvirt’s XML and the guest’s carrier agree', async () => {
    expect(await setNicLink(client, dom, mac, 'down')).toMatchObject({ live: 'applied', config: 'applied' });
    for (const x of [await liveXml(), await configXml()])
      expect(nicDetails(x).find((n) => n.mac === mac)?.linkState).toBe('down');
    await until('the guest to lose carrier', 30_000, async () => (await guestCarrier(mac)) === '0');
    await setNicLink(client, dom, mac, 'up');
    for (const x of [await liveXml(), await configXml()])
      expect(nicDetails(x).find((n) => n.mac === mac)?.linkState).toBe('up');
    await until('the guest to get carrier back', 30_000, async () => (await guestCarrier(mac)) === '1');
  }, 90_000);

  it('removes the NIC: gone from live and config XML and from the guest', async () => {
    expect(await removeNic(client, dom, mac)).toMatchObject({ live: 'applied', config: 'applied' });
    for (const x of [await liveXml(), await configXml()])
      expect(nicDetails(x).find((n) => n.mac === mac)).toBeUndefined();
    await until('the NIC to be gone in the guest', 30_000, async () => (await guestCarrier(mac)) === 'none');
  }, 60_000);

  it('on a VM that does not run: changes go to the config only and say so; a generated MAC is reported', async () => {
    const off = await client.domainDefineXML(
      tinyGuestXml({
        name: stoppedName,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
      }),
    );
    const d = await addDisk(client, off, {
      device: 'cdrom',
      source: { kind: 'none' },
      bus: 'sata',
    });
    expect(d).toMatchObject({ live: 'not-running', config: 'applied', target: 'sda' });
    const n = await addNic(client, off, { source: { type: 'user' }, model: 'e1000e' });
    expect(n).toMatchObject({ live: 'not-running', config: 'applied' });
    expect(n.mac).toMatch(/^52:54:00:/);
    const x = await configXml(off);
    expect(x.disks.find((k) => k.target === 'sda')).toMatchObject({
      device: 'cdrom',
      bus: 'sata',
      source: null,
      readonly: true,
    });
    expect(nicDetails(x).find((k) => k.mac === n.mac)).toMatchObject({ model: 'e1000e' });
    expect(await removeDisk(client, off, 'sda')).toMatchObject({ live: 'not-running', config: 'applied' });
    expect((await configXml(off)).disks.find((k) => k.target === 'sda')).toBeUndefined();
  }, 60_000);
});
