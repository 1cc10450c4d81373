/**
 * Cloning through the core's contract (the VM menu's Clone…) on the private QEMU session daemon: the
 * clone gets its own copy of the disk (same bytes, in the same pool), its own UUID and MAC, and boots;
 * a running source is refused, and a clone libvirt refuses leaves no disk copy behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../electron/libvirt/index.js';
import { DomainXml } from '../../electron/libvirt-xml/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { removeGuest, waitForGuestBoot } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';

const TAG = randomBytes(3).toString('hex');
const MARK = Buffer.from(`VIRTDESK-CLONE-MARK-${TAG}`);

describe('cloning through the core', () => {
  const env = testEnv();
  const name = uniqueGuestName('clone-src');
  const cloneName = `vdc-${TAG}`;
  const poolName = `vd-clone-pool-${TAG}`;
  let fx: CoreFixture;
  let pool: TestPool;
  let src: DomainRef;
  let diskPath = '';

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    pool = await createTestPool(fx.client, poolName);
    const volPath = await pool.volume(`${name}.img`, 8, 'raw');
    diskPath = volPath;
    const fd = fs.openSync(diskPath, 'r+');
    fs.writeSync(fd, MARK, 0, MARK.length, 0);
    fs.closeSync(fd);
    src = await fx.client.domainDefineXML(
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        disk: diskPath,
        nic: true,
        serialLog: path.join(env.scratchDir, `${cloneName}.serial.log`),
      }),
    );
  });

  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], cloneName);
      await removeGuest([fx.client], name);
      await pool?.remove();
      await fx.stop();
    }
  });

  const clone = (newName: string) =>
    fx.call<{ uuid: string }>('vms.clone', { connectionId: fx.connectionId, uuid: src.uuid, newName });
  const volumes = () => pool.volumeNames();

  it('copies the disk, gives the clone its own identity, and the clone boots', async () => {
    const { uuid } = await clone(cloneName);
    expect(uuid).not.toBe(src.uuid);
    const dom = await fx.client.domainLookupByUUID(uuid);
    const xml = await fx.client.domainGetXMLDesc(dom, 0);
    const copy = path.join(pool.dir, `${cloneName}.img`);
    expect(xml).toContain(`<source file='${copy}'/>`);
    expect(fs.readFileSync(copy).subarray(0, MARK.length)).toEqual(MARK);
    const mac = (x: string) => DomainXml.parse(x).interfaces[0]?.mac ?? undefined;
    expect(mac(xml)).toBeDefined();
    expect(mac(xml)).not.toBe(mac(await fx.client.domainGetXMLDesc(src, 0)));
    expect(await volumes()).toEqual([`${name}.img`, `${cloneName}.img`].sort());
    // It runs on its own disk.
    await fx.client.domainCreate(dom);
    await waitForGuestBoot(path.join(env.scratchDir, `${cloneName}.serial.log`));
    await guestShell(fx.client, dom, 'echo clone-$((20+22))', /clone-42/);
  }, 120_000);

  it('refuses a running source, and leaves nothing behind when libvirt refuses the clone', async () => {
    const before = await volumes();
    // (the running clone logs its serial port to the file the source's definition names: stop it first)
    await fx.client.domainDestroy(await fx.client.domainLookupByName(cloneName));
    await fx.client.domainCreate(src);
    await expect(clone(`vdd-${TAG}`)).rejects.toMatchObject({ remote: { code: 'invalid-input' } });
    await fx.client.domainDestroy(src);
    // The name of an existing VM: libvirt refuses the definition after the disk was copied.
    await expect(clone(cloneName)).rejects.toMatchObject({ remote: { code: 'libvirt' } });
    expect(await volumes()).toEqual(before);
  }, 60_000);

  describe('every kind of writable disk is copied or the clone refused (never shared)', () => {
    /** A shut-off VM with the given <disk> elements (the tiny guest's kernel; it is never started). */
    const defineWith = async (vm: string, disks: string): Promise<DomainRef> => {
      const base = DomainXml.parse(
        tinyGuestXml({ name: vm, kernel: env.guestKernel, initrd: env.guestInitrd, virtType: env.virtType }),
      ).toString();
      return fx.client.domainDefineXML(base.replace('</devices>', `${disks}</devices>`));
    };
    const cloneOf = (dom: DomainRef, newName: string) =>
      fx.call<{ uuid: string }>('vms.clone', { connectionId: fx.connectionId, uuid: dom.uuid, newName });
    const domainNames = async () => (await fx.client.connectListAllDomains(0)).map((d) => d.name).sort();

    it('copies a volume disk (<source pool volume>): the clone names its own volume, with the same bytes', async () => {
      const vm = uniqueGuestName('clone-vol');
      const volName = `${vm}.img`;
      const volPath = await pool.volume(volName, 4, 'raw');
      fs.writeFileSync(volPath, MARK, { flag: 'r+' });
      const dom = await defineWith(
        vm,
        `<disk type='volume' device='disk'><driver name='qemu' type='raw'/>` +
          `<source pool='${poolName}' volume='${volName}'/><target dev='vdb' bus='virtio'/></disk>`,
      );
      const copyName = `${vm}-copy`;
      try {
        const { uuid } = await cloneOf(dom, copyName);
        const disks = DomainXml.parse(
          await fx.client.domainGetXMLDesc(await fx.client.domainLookupByUUID(uuid), 0),
        ).disks;
        expect(disks.map((d) => [d.type, d.pool, d.volume])).toEqual([
          ['volume', poolName, `${copyName}.img`],
        ]);
        expect(fs.readFileSync(path.join(pool.dir, `${copyName}.img`)).subarray(0, MARK.length)).toEqual(
          MARK,
        );
      } finally {
        await removeGuest([fx.client], copyName);
        await removeGuest([fx.client], vm);
      }
    });

    for (const [kind, disk] of [
      [
        'a host block device outside every pool',
        `<disk type='block' device='disk'><source dev='/dev/null'/><target dev='vdb' bus='virtio'/></disk>`,
      ],
      [
        'a file outside every pool',
        `<disk type='file' device='disk'><source file='/etc/hostname'/><target dev='vdb' bus='virtio'/></disk>`,
      ],
      [
        'a network disk',
        `<disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='nbd' name='export'><host name='127.0.0.1' port='10809'/></source><target dev='vdb' bus='virtio'/></disk>`,
      ],
    ] as const) {
      it(`refuses ${kind} before anything is made, and says which disk`, async () => {
        const vm = uniqueGuestName('clone-ref');
        // A copyable disk first: the refusal must come before it is copied.
        const first = await pool.volume(`${vm}.img`, 4, 'raw');
        const dom = await defineWith(
          vm,
          `<disk type='file' device='disk'><source file='${first}'/><target dev='vda' bus='virtio'/></disk>${disk}`,
        );
        const volumesBefore = await volumes();
        const domainsBefore = await domainNames();
        try {
          const err = await cloneOf(dom, `${vm}-copy`).then(
            () => undefined,
            (e: unknown) => e as { remote?: { code: string; message: string } },
          );
          expect(err?.remote?.code).toBe('invalid-input');
          expect(err?.remote?.message).toContain(`its disk vdb`);
          expect(await volumes()).toEqual(volumesBefore);
          expect(await domainNames()).toEqual(domainsBefore);
        } finally {
          await removeGuest([fx.client], `${vm}-copy`);
          await removeGuest([fx.client], vm);
        }
      });
    }

    it('shares a shareable or read-only disk on purpose', async () => {
      const vm = uniqueGuestName('clone-shr');
      const dom = await defineWith(
        vm,
        `<disk type='block' device='disk'><source dev='/dev/null'/><target dev='vdb' bus='virtio'/><shareable/></disk>`,
      );
      try {
        const { uuid } = await cloneOf(dom, `${vm}-copy`);
        const disks = DomainXml.parse(
          await fx.client.domainGetXMLDesc(await fx.client.domainLookupByUUID(uuid), 0),
        ).disks;
        expect(disks.map((d) => d.source)).toEqual(['/dev/null']);
      } finally {
        await removeGuest([fx.client], `${vm}-copy`);
        await removeGuest([fx.client], vm);
      }
    });
  });
});
