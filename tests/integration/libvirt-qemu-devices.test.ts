/**
 * Device and block calls through VirtDesk's wire client against the real QEMU session daemon, checked
 * from inside the running tiny guest: live disk attach (device-added event, the guest sees the disk),
 * block info and live resize (the guest sees the new size), CD-ROM media change (update device), live
 * detach (device-removed event once the guest let go of it), reset (reboot event). Errors come back with
 * libvirt's own message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  constants,
  LibvirtError,
  openConnection,
  type DomainEvent,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';
import { guestShell } from '../support/guest-shell.js';
import { bootTinyGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';

const { DomainAffect, DomainBlockResizeFlags } = constants;
const MiB = 1024 * 1024;

describe('devices and block calls on a running QEMU guest', () => {
  const env = testEnv();
  const name = uniqueGuestName('devices');
  const serialLog = path.join(env.scratchDir, `${name}.serial.log`);
  const diskPath = path.join(env.scratchDir, `${name}.extra.raw`);
  const mediaPath = path.join(env.scratchDir, `${name}.media.iso`);
  const diskXml = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${diskPath}'/><target dev='vdb' bus='virtio'/><serial>vd-extra</serial><alias name='ua-extra'/></disk>`;
  let client: LibvirtClient;
  let dom: DomainRef;
  const events: DomainEvent[] = [];
  const eventFor = (kind: DomainEvent['kind'], test: (e: DomainEvent) => boolean = () => true) =>
    until(`a ${kind} event`, 30_000, () =>
      events.find((e) => e.kind === kind && e.dom.uuid === dom.uuid && test(e)),
    );
  /**
   * Sectors of the attached disk as the guest's kernel sees it ('none' when absent). Found by its serial:
   * the guest names disks in its own order (this one is its vda, libvirt's vdb).
   */
  const guestDiskSectors = async (): Promise<string> => {
    const m = await guestShell(
      client,
      dom,
      'n=-1; for d in /sys/block/vd*; do [ "$(cat $d/serial 2>/dev/null)" = vd-extra ] && n=$(cat $d/size); done; echo disk-$((n+0))-end',
      /disk-(-?\d+)-end/,
    );
    return m[1] === '-1' ? 'none' : (m[1] as string);
  };

  beforeAll(async () => {
    fs.writeFileSync(diskPath, Buffer.alloc(0));
    fs.truncateSync(diskPath, 16 * MiB);
    fs.writeFileSync(mediaPath, Buffer.alloc(2 * MiB, 0x41));
    fs.chmodSync(diskPath, 0o666);
    fs.chmodSync(mediaPath, 0o644);
    client = await openConnection(env.qemuUri);
    client.on('domainEvent', (e: DomainEvent) => events.push(e));
    await client.subscribeDomainEvents();
    ({ dom } = await bootTinyGuest(client, name, {
      edit: (xml: string) =>
        xml.replace(
          '</devices>',
          "  <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>\n  </devices>",
        ),
    }));
  }, 180_000);

  afterAll(async () => {
    if (client && dom) {
      await client.domainDestroy(dom).catch(() => undefined);
      await client.domainUndefineFlags(dom, 0).catch(() => undefined);
    }
    await client?.close().catch(() => undefined);
    for (const f of [serialLog, diskPath, mediaPath]) fs.rmSync(f, { force: true });
  });

  it('attaches a disk live: device-added event, the guest sees it, block info agrees', async () => {
    expect(await guestDiskSectors()).toBe('none');
    await client.domainAttachDeviceFlags(dom, diskXml, DomainAffect.LIVE);
    await eventFor('deviceAdded', (e) => e.kind === 'deviceAdded' && e.devAlias === 'ua-extra');
    expect(await client.domainGetXMLDesc(dom)).toContain(`<source file='${diskPath}'`);
    const info = await client.domainGetBlockInfo(dom, 'vdb');
    expect(info.capacity).toBe(16 * MiB);
    await until(
      'the guest to see the disk',
      30_000,
      async () => (await guestDiskSectors()) === String((16 * MiB) / 512),
    );
  }, 60_000);

  it('reads block and memory statistics of the running guest', async () => {
    // The guest's kernel read the attached disk's partition table, QEMU counted it.
    const block = await client.domainBlockStats(dom, 'vdb');
    expect(block.rd_req).toBeGreaterThan(0);
    expect(block.rd_bytes).toBeGreaterThan(0);
    const mem = await client.domainMemoryStats(dom);
    expect(mem.rss).toBeGreaterThan(0); // resident size of the QEMU process, in KiB
  });

  it('resizes the disk live and the guest sees the new size', async () => {
    await client.domainBlockResize(dom, 'vdb', 32 * MiB, DomainBlockResizeFlags.BYTES);
    expect((await client.domainGetBlockInfo(dom, 'vdb')).capacity).toBe(32 * MiB);
    expect(fs.statSync(diskPath).size).toBe(32 * MiB);
    await until(
      'the guest to see 32 MiB',
      30_000,
      async () => (await guestDiskSectors()) === String((32 * MiB) / 512),
    );
    // A disk the domain does not have: libvirt's own words, and nothing changes.
    const err = await client
      .domainBlockResize(dom, 'vdz', 8 * MiB, DomainBlockResizeFlags.BYTES)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).message).toMatch(/vdz/);
    expect((await client.domainGetBlockInfo(dom, 'vdb')).capacity).toBe(32 * MiB);
  }, 60_000);

  it('changes the CD-ROM media (update device) and ejects it again', async () => {
    const cdrom = (source: string) =>
      `<disk type='file' device='cdrom'>${source}<target dev='hdc' bus='ide'/><readonly/></disk>`;
    await client.domainUpdateDeviceFlags(dom, cdrom(`<source file='${mediaPath}'/>`), DomainAffect.LIVE);
    expect(await client.domainGetXMLDesc(dom)).toContain(`<source file='${mediaPath}'`);
    expect((await client.domainGetBlockInfo(dom, 'hdc')).capacity).toBe(2 * MiB);
    await client.domainUpdateDeviceFlags(dom, cdrom(''), DomainAffect.LIVE);
    expect(await client.domainGetXMLDesc(dom)).not.toContain(mediaPath);
  }, 60_000);

  it('detaches the disk live: device-removed event, the guest no longer has it', async () => {
    await client.domainDetachDeviceFlags(dom, diskXml, DomainAffect.LIVE);
    await eventFor('deviceRemoved', (e) => e.kind === 'deviceRemoved' && e.devAlias === 'ua-extra');
    expect(await client.domainGetXMLDesc(dom)).not.toContain(diskPath);
    await until(
      'the disk to be gone in the guest',
      30_000,
      async () => (await guestDiskSectors()) === 'none',
    );
    // A second detach: libvirt's own "not found" error.
    const err = await client
      .domainDetachDeviceFlags(dom, diskXml, DomainAffect.LIVE)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).message).toMatch(/vdb|not found|no target/i);
  }, 60_000);

  it('reset: the reboot event fires and the guest comes back', async () => {
    const before = events.length;
    await client.domainReset(dom, 0);
    await until('a reboot event', 30_000, () =>
      events.slice(before).some((e) => e.kind === 'reboot' && e.dom.uuid === dom.uuid),
    );
    await guestShell(client, dom, 'echo back-$((6*7))', /back-42/, 120_000);
  }, 150_000);
});
