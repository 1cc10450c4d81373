/**
 * The Tuning tab's IOThreads, per-device block I/O limits and sVirt labels against the private
 * system-mode libvirtd, on a running tiny guest: each change applied through `tuning.apply` /
 * `tuning.setSecurity`, read back from libvirt and verified where the kernel shows it — the IOThread's
 * Cpus_allowed_list in /proc/<qemu>/task/*\/status, the blkio cgroup's throttle files. Bad input is
 * refused before libvirt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainAffect, DomainXMLFlags, type DomainRef } from '../../electron/libvirt/index.js';
import { DomainXml, readDomainTuningMore } from '../../electron/libvirt-xml/index.js';
import type { RemoteError } from '../../shared/contract/index.js';
import type { TuningApplyOutput, TuningChange, TuningGetOutput } from '../../shared/contract/tuning.js';
import type { SecurityView } from '../../shared/contract/tuning-security.js';
import { guestCgroup, hostLacksDiskWeights, qemuPid, readTrimmed, threadCpus } from '../support/qemu-proc.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';

const sys = systemTestEnv();

/** A host block device the blkio cgroup can limit (its path and major:minor). */
const hostDisk = ((): { path: string; majMin: string } | null => {
  for (const name of ['vda', 'sda', 'nvme0n1', 'xvda']) {
    const dev = `/sys/class/block/${name}/dev`;
    if (fs.existsSync(dev) && fs.existsSync(`/dev/${name}`))
      return { path: `/dev/${name}`, majMin: fs.readFileSync(dev, 'utf8').trim() };
  }
  return null;
})();

describe.skipIf(!sys.available)(
  `IOThreads, per-device blkio and sVirt on the private system libvirtd${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let f: CoreFixture;
    let dom: DomainRef;
    const name = uniqueGuestName('tunemore');
    let uuid = '';

    const apply = (change: TuningChange) =>
      f.call<TuningApplyOutput>('tuning.apply', { connectionId: f.connectionId, uuid, change });
    const get = () => f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
    const security = () => f.call<SecurityView>('tuning.security', { connectionId: f.connectionId, uuid });
    const refused = async (call: () => Promise<unknown>): Promise<RemoteError> => {
      try {
        await call();
      } catch (e) {
        return (e as { remote: RemoteError }).remote;
      }
      throw new Error('not refused');
    };

    beforeAll(async () => {
      if (!sys.available) return;
      f = await startCore(sys.uri);
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-tuning-more');
      const disk = path.join(sys.scratchDir, `${name}.img`);
      fs.writeFileSync(disk, Buffer.alloc(8 * 1024 * 1024));
      dom = await f.client.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd, vcpus: 2, disk }));
      await f.client.domainCreate(dom);
      dom = await f.client.domainLookupByName(name);
      uuid = dom.uuid;
    }, 60_000);
    afterAll(async () => {
      if (!sys.available) return;
      await f.client.domainDestroy(dom).catch(() => {});
      await f.client.domainUndefineFlags(dom).catch(() => {});
      await f.stop();
    });

    it('adds two IOThreads to the running VM and its next boot', async () => {
      expect((await get()).config.iothreadIds).toEqual([]);
      expect(await apply({ kind: 'iothreads', count: 2 })).toMatchObject({
        live: 'applied',
        config: 'applied',
      });
      const live = await f.client.domainGetIOThreadInfo(dom, DomainAffect.LIVE);
      expect(live.map((t) => t.id).sort()).toEqual([1, 2]);
      const t = await get();
      expect(t.config.iothreadIds).toEqual([1, 2]);
      expect(t.iothreadsActual?.map((a) => a.id)).toEqual([1, 2]);
      // QEMU names each IOThread's host thread after its object, iothread1 and iothread2.
      const names = [...threadCpus(qemuPid(name)).keys()];
      expect(names.filter((n) => /iothread[12]$/.test(n))).toHaveLength(2);
    });

    it('pins IOThread 1; its host thread’s allowed CPUs follow', async () => {
      const last = (await f.client.nodeGetInfo()).cpus - 1;
      expect(await apply({ kind: 'iothreadpin', iothread: 1, cpus: [last] })).toMatchObject({
        live: 'applied',
        config: 'applied',
      });
      const live = await f.client.domainGetIOThreadInfo(dom, DomainAffect.LIVE);
      expect(live.find((t) => t.id === 1)?.cpus).toEqual([last]);
      const config = await f.client.domainGetIOThreadInfo(dom, DomainAffect.CONFIG);
      expect(config.find((t) => t.id === 1)?.cpus).toEqual([last]);
      const threads = threadCpus(qemuPid(name));
      const io1 = [...threads].find(([k]) => /iothread1$/.test(k));
      expect(io1?.[1]).toBe(String(last));
      const t = await get();
      expect(t.iothreadsActual?.find((a) => a.id === 1)?.cpus).toEqual([last]);
      expect(t.config.iothreadPins).toEqual([{ iothread: 1, cpus: [last] }]);
    });

    it('puts the disk on IOThread 1 for the next boot (no live call exists for it)', async () => {
      const r = await apply({ kind: 'disk-iothread', disk: 'vda', iothread: 1 });
      expect(r).toMatchObject({ timing: 'next-boot', live: 'unchanged', config: 'applied' });
      expect(r.message).toMatch(/changes when .* next starts/);
      expect(await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).toMatch(
        /<driver [^>]*iothread=["']1["']/,
      );
      expect((await get()).config.diskIothreads).toEqual([{ target: 'vda', bus: 'virtio', iothread: 1 }]);
    });

    it('refuses to drop an IOThread a disk uses, and unknown IOThreads, before libvirt', async () => {
      const before = await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
      const e1 = await refused(() => apply({ kind: 'iothreads', count: 0 }));
      expect(e1.code).toBe('invalid-input');
      expect(e1.message).toBe('IOThread 1 is used by disk vda; put that disk on another IOThread first.');
      const e2 = await refused(() => apply({ kind: 'iothreadpin', iothread: 9, cpus: [0] }));
      expect(e2.message).toBe('This VM has no IOThread 9 (its IOThreads: 1, 2).');
      const e3 = await refused(() => apply({ kind: 'disk-iothread', disk: 'vda', iothread: 5 }));
      expect(e3.message).toMatch(/^This VM has no IOThread 5/);
      expect(await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).toBe(before);
    });

    it('removes IOThread 2 live and for the next boot', async () => {
      expect(await apply({ kind: 'iothreads', count: 1 })).toMatchObject({
        live: 'applied',
        config: 'applied',
      });
      expect((await f.client.domainGetIOThreadInfo(dom, DomainAffect.LIVE)).map((t) => t.id)).toEqual([1]);
      expect((await get()).config.iothreadIds).toEqual([1]);
    });

    it.skipIf(!hostDisk)(
      'limits reads and write IOPS on a host block device; the blkio cgroup shows them',
      async () => {
        const device = {
          path: hostDisk!.path,
          weight: 0,
          readBytesSec: 1048576,
          writeBytesSec: 0,
          readIopsSec: 0,
          writeIopsSec: 100,
        };
        expect(await apply({ kind: 'blkiodevice', device })).toMatchObject({
          live: 'applied',
          config: 'applied',
        });
        // The running VM's definition (domainGetBlkioParameters fails on a running VM where the kernel
        // has no disk weights: libvirt reads the weight too).
        const live = readDomainTuningMore(DomainXml.parse(await f.client.domainGetXMLDesc(dom, 0)));
        expect(live.blkioDevices).toEqual([device]);
        const dir = guestCgroup('blkio', name);
        expect(readTrimmed(path.join(dir, 'blkio.throttle.read_bps_device'))).toContain(
          `${hostDisk!.majMin} 1048576`,
        );
        expect(readTrimmed(path.join(dir, 'blkio.throttle.write_iops_device'))).toContain(
          `${hostDisk!.majMin} 100`,
        );
        expect((await get()).config.blkioDevices).toEqual([device]);

        // All zero removes the limits again.
        await apply({ kind: 'blkiodevice', device: { ...device, readBytesSec: 0, writeIopsSec: 0 } });
        expect(readTrimmed(path.join(dir, 'blkio.throttle.read_bps_device'))).not.toContain(hostDisk!.majMin);
        expect((await get()).config.blkioDevices).toEqual([]);
        if (hostLacksDiskWeights()) {
          // A device weight where the kernel takes none: refused before libvirt, nothing changed.
          const w = await refused(() => apply({ kind: 'blkiodevice', device: { ...device, weight: 500 } }));
          expect(w.message).toMatch(
            /^This host’s disk I\/O scheduler takes no weights \(neither BFQ nor CFQ\)/,
          );
          expect((await get()).config.blkioDevices).toEqual([]);
        }
        const e = await refused(() => apply({ kind: 'blkiodevice', device: { ...device, path: 'vda' } }));
        expect(e.message).toBe('Give a host block device path, such as /dev/sda.');
      },
    );

    it('reads the security drivers, the labels and the DAC owner of the running VM', async () => {
      const s = await security();
      const models = s.hostDrivers.map((d) => d.model);
      expect(models).toContain('dac');
      expect(s.live?.some((l) => l.model === 'dac')).toBe(true);
      expect(s.dacOwner).toMatch(/^\+\d+:\+\d+$/);
      expect(s.processLabels?.length).toBeGreaterThan(0);
      // The DAC driver's label of the process is the owner libvirt runs QEMU as.
      const status = readTrimmed(`/proc/${qemuPid(name)}/status`);
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      expect(s.dacOwner?.startsWith(`+${uid}:`)).toBe(true);
    });

    it('sets a static DAC label for the next boot, then dynamic again; refuses a bad one', async () => {
      const set = (input: Record<string, unknown>) =>
        f.call<TuningApplyOutput>('tuning.setSecurity', { connectionId: f.connectionId, uuid, ...input });
      const r = await set({ model: 'dac', mode: 'static', label: '+0:+0', relabel: false });
      expect(r).toMatchObject({ timing: 'next-boot', live: 'unchanged', config: 'applied' });
      let s = await security();
      expect(s.config.find((l) => l.model === 'dac')).toMatchObject({
        type: 'static',
        label: '+0:+0',
        relabel: false,
      });
      const e1 = await refused(() => set({ model: 'dac', mode: 'static', label: '' }));
      expect(e1.message).toBe('A static label needs the label itself.');
      const e2 = await refused(() => set({ model: 'dac', mode: 'static', label: 'not a label' }));
      expect(e2.message).toBe('A dac label looks like +107:+107 or qemu:kvm.');
      const e3 = await refused(() => set({ model: 'selinux', mode: 'dynamic' }));
      if (!s.hostDrivers.some((d) => d.model === 'selinux'))
        expect(e3.message).toMatch(/^This host has no selinux security driver/);
      await set({ model: 'dac', mode: 'dynamic' });
      s = await security();
      expect(s.config.find((l) => l.model === 'dac')?.type).toBe('dynamic');
    });
  },
);
