/**
 * The Tuning tab's calls against the private system-mode libvirtd (cgroups need a privileged daemon):
 * each setting applied through `tuning.apply` on a running tiny guest, read back from libvirt (running
 * VM and next-boot config) and verified where the kernel shows it — each vCPU thread's Cpus_allowed_list
 * in /proc/<qemu>/task/*\/status, the emulator thread's, and the guest's cgroup files for CPU shares and
 * quota, the memory limit and the block I/O weight. Bad input is refused before libvirt, VM unchanged.
 *
 * The disk throttle is also felt: dd inside the guest reads its disk at about 1 MiB/s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainAffect,
  DomainXMLFlags,
  paramsToRecord,
  type DomainRef,
} from '../../electron/libvirt/index.js';
import type { RemoteError } from '../../shared/contract/index.js';
import type { TuningApplyOutput, TuningChange, TuningGetOutput } from '../../shared/contract/tuning.js';
import {
  guestBlkioWeightFile,
  guestCgroup,
  hostLacksDiskWeights,
  qemuPid,
  readTrimmed,
  threadCpus,
} from '../support/qemu-proc.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv, systemTestEnv } from '../support/env.js';
import { TuningService } from '../../electron/tuning/service.js';
import { guestShell } from '../support/guest-shell.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';

const sys = systemTestEnv();
const noDiskWeights = hostLacksDiskWeights();
const NO_WEIGHTS = 'this host’s disk I/O scheduler takes no weights (neither BFQ nor CFQ)';

describe.skipIf(!sys.available)(
  `tuning on the private system libvirtd${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let f: CoreFixture;
    let dom: DomainRef;
    const name = uniqueGuestName('tune');
    let uuid = '';

    const apply = (change: TuningChange) =>
      f.call<TuningApplyOutput>('tuning.apply', { connectionId: f.connectionId, uuid, change });
    const refused = async (change: TuningChange): Promise<RemoteError> => {
      try {
        await apply(change);
      } catch (e) {
        return (e as { remote: RemoteError }).remote;
      }
      throw new Error(`${change.kind} was not refused`);
    };

    beforeAll(async () => {
      if (!sys.available) return;
      f = await startCore(sys.uri);
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-tuning');
      const disk = path.join(sys.scratchDir, `${name}.img`);
      fs.writeFileSync(disk, Buffer.alloc(8 * 1024 * 1024));
      const xml = tinyGuestXml({ name, virtType: testEnv().virtType, kernel, initrd, vcpus: 2, disk });
      dom = await f.client.domainDefineXML(xml);
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

    it('reads the host map and the VM’s vCPUs with where their threads run', async () => {
      const t = await f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
      const hostCpus = t.host.cells.flatMap((c) => c.cpus.map((p) => p.id));
      expect(hostCpus.length).toBe((await f.client.nodeGetInfo()).cpus);
      expect(t.config.vcpus).toBe(2);
      expect(t.live?.disks.map((d) => d.target)).toEqual(['vda']);
      expect(t.actual?.map((a) => a.vcpu)).toEqual([0, 1]);
    });

    it('pins each vCPU live and for the next boot; each vCPU thread’s allowed CPUs follow', async () => {
      const host = (await f.client.nodeGetInfo()).cpus;
      const last = host - 1;
      expect(await apply({ kind: 'vcpupin', vcpu: 0, cpus: [last] })).toMatchObject({
        live: 'applied',
        config: 'applied',
        timing: 'both',
      });
      await apply({ kind: 'vcpupin', vcpu: 1, cpus: [0] });
      expect(await f.client.domainGetVcpuPinInfo(dom, DomainAffect.LIVE)).toEqual([[last], [0]]);
      expect(await f.client.domainGetVcpuPinInfo(dom, DomainAffect.CONFIG)).toEqual([[last], [0]]);
      const threads = threadCpus(qemuPid(name));
      const vcpu = (n: number) => [...threads].find(([k]) => k.startsWith(`CPU ${n}/`))?.[1];
      expect(vcpu(0)).toBe(String(last));
      expect(vcpu(1)).toBe('0');
      const t = await f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
      expect(t.actual?.map((a) => a.affinity)).toEqual([[last], [0]]);
      expect(t.config.vcpuPins).toEqual([
        { vcpu: 0, cpus: [last] },
        { vcpu: 1, cpus: [0] },
      ]);
    });

    it('pins the emulator threads', async () => {
      await apply({ kind: 'emulatorpin', cpus: [0] });
      expect(await f.client.domainGetEmulatorPinInfo(dom, DomainAffect.LIVE)).toEqual([0]);
      expect(threadCpus(qemuPid(name)).get('main')).toBe('0');
      const t = await f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
      expect(t.config.emulatorPin).toEqual([0]);
      expect(t.emulatorActual).toEqual([0]);
    });

    it('sets CPU shares and the vCPU quota; the cgroup files show them', async () => {
      await apply({ kind: 'sched', shares: 333, period: 100000, quota: 50000 });
      const sched = paramsToRecord(await f.client.domainGetSchedulerParameters(dom, DomainAffect.LIVE));
      expect(sched).toMatchObject({ cpu_shares: 333, vcpu_period: 100000, vcpu_quota: 50000 });
      const cpu = guestCgroup('cpu', name);
      expect(readTrimmed(path.join(cpu, 'cpu.shares'))).toBe('333');
      expect(readTrimmed(path.join(cpu, 'vcpu0', 'cpu.cfs_quota_us'))).toBe('50000');
      const t = await f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
      expect([t.config.shares, t.config.quota]).toEqual([333, 50000]);
      expect([t.effective.shares, t.effective.period, t.effective.quota]).toEqual([333, 100000, 50000]);
    });

    it('sets the emulator threads period and quota; their cgroup shows the quota', async () => {
      await apply({ kind: 'sched', emulatorPeriod: 100000, emulatorQuota: 20000 });
      const sched = paramsToRecord(await f.client.domainGetSchedulerParameters(dom, DomainAffect.LIVE));
      expect(sched).toMatchObject({ emulator_period: 100000, emulator_quota: 20000 });
      expect(readTrimmed(path.join(guestCgroup('cpu', name), 'emulator', 'cpu.cfs_quota_us'))).toBe('20000');
      const t = await f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
      expect([t.config.emulatorPeriod, t.config.emulatorQuota]).toEqual([100000, 20000]);
    });

    it('sets a memory hard limit; memory.limit_in_bytes shows it', async () => {
      await apply({ kind: 'memtune', hardLimitKiB: 768 * 1024 });
      const mem = paramsToRecord(await f.client.domainGetMemoryParameters(dom, DomainAffect.LIVE));
      expect(mem.hard_limit).toBe(768 * 1024);
      expect(readTrimmed(path.join(guestCgroup('memory', name), 'memory.limit_in_bytes'))).toBe(
        String(768 * 1024 * 1024),
      );
      const t = await f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
      expect(t.effective.hardLimitKiB).toBe(768 * 1024);
      const cfg = paramsToRecord(await f.client.domainGetMemoryParameters(dom, DomainAffect.CONFIG));
      expect(cfg.hard_limit).toBe(768 * 1024);
    });

    it.skipIf(noDiskWeights)(
      `sets the block I/O weight; the blkio cgroup shows it${noDiskWeights ? ` (skipped: ${NO_WEIGHTS})` : ''}`,
      async () => {
        await apply({ kind: 'blkio', weight: 321 });
        expect(paramsToRecord(await f.client.domainGetBlkioParameters(dom, DomainAffect.LIVE)).weight).toBe(
          321,
        );
        const file = guestBlkioWeightFile(name);
        expect(file, 'a blkio weight file').toBeDefined();
        expect(readTrimmed(file!)).toMatch(/(^|\s)321$/);
      },
    );

    it.runIf(noDiskWeights)(
      `refuses a disk weight where ${NO_WEIGHTS}, and the VM keeps starting`,
      async () => {
        const before = await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
        const e = await refused({ kind: 'blkio', weight: 321 });
        expect(e.code).toBe('invalid-input');
        expect(e.message).toBe(
          `This host’s disk I/O scheduler takes no weights (neither BFQ nor CFQ): libvirt would refuse a disk weight for ${name}, and the VM would not start with one.`,
        );
        expect(await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).toBe(before);
        // What the refusal spares the user: libvirt itself takes the weight into the definition, and a VM
        // defined with one does not start.
        const other = uniqueGuestName('tune-weight');
        const { kernel, initrd } = stageTinyGuest(sys.available ? sys.scratchDir : '', 'tiny-guest-tuning');
        const xml = tinyGuestXml({ name: other, virtType: testEnv().virtType, kernel, initrd }).replace(
          '</memory>',
          '</memory><blkiotune><weight>321</weight></blkiotune>',
        );
        const weighted = await f.client.domainDefineXML(xml);
        try {
          await expect(f.client.domainCreate(weighted)).rejects.toThrow(
            /valid only for bfq or cfq scheduler/,
          );
        } finally {
          await f.client.domainDestroy(weighted).catch(() => {});
          await f.client.domainUndefineFlags(weighted);
        }
      },
    );

    it('throttles a disk to 1 MiB/s, live and for the next boot', async () => {
      const iotune = {
        totalBytesSec: 1048576,
        readBytesSec: 0,
        writeBytesSec: 0,
        totalIopsSec: 0,
        readIopsSec: 0,
        writeIopsSec: 0,
      };
      expect(await apply({ kind: 'iotune', disk: 'vda', iotune })).toMatchObject({ live: 'applied' });
      const live = paramsToRecord(await f.client.domainGetBlockIoTune(dom, 'vda', DomainAffect.LIVE));
      expect(live.total_bytes_sec).toBe(1048576);
      const t = await f.call<TuningGetOutput>('tuning.get', { connectionId: f.connectionId, uuid });
      expect(t.live?.disks[0]?.iotune.totalBytesSec).toBe(1048576);
      expect(t.config.disks[0]?.iotune.totalBytesSec).toBe(1048576);
    });

    it.runIf(noDiskWeights)(
      `where the host cannot be read first (a remote one), libvirt’s refusal of a weight puts the definition back`,
      async () => {
        // The same service with the host's cgroups unreadable, as for a remote connection: the weight
        // reaches libvirt, which keeps it in the definition and refuses it for the running VM.
        const connections = {
          getClient: () => f.client,
          entry: () => ({ uri: sys.available ? sys.uri : '' }),
        };
        const blind = new TuningService(connections, () => null);
        const before = await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
        const r = await blind.apply({
          connectionId: f.connectionId,
          uuid,
          change: { kind: 'blkio', weight: 321 },
        });
        expect(r).toMatchObject({ live: 'unchanged', config: 'failed' });
        expect(r.message).toMatch(
          /the host’s disk I\/O scheduler takes no weights, .* Nothing was changed\.$/,
        );
        expect(r.detail).toMatch(/valid only for bfq or cfq scheduler/);
        expect(await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).toBe(before);
      },
    );

    it('reads the throttled disk at about 1 MiB/s with dd inside the guest', async () => {
      // The shell answers first (the guest has booted), then 3 MiB are read past the guest's page cache.
      await guestShell(f.client, dom, 'echo READY$((6*7))', /READY42/, 90_000);
      const started = Date.now();
      await guestShell(
        f.client,
        dom,
        'dd if=/dev/vda of=/dev/null bs=65536 count=48 iflag=direct 2>/dev/null; echo DD$((6*7))DONE',
        /DD42DONE/,
        60_000,
        60_000,
      );
      const seconds = (Date.now() - started) / 1000;
      // 3 MiB at 1 MiB/s: about 3 s (QEMU lets a burst of a tenth through); unthrottled it takes < 0.5 s.
      expect(seconds).toBeGreaterThan(2.2);
      expect(seconds).toBeLessThan(8);
    }, 180_000);

    it('refuses bad input before libvirt, in words, and leaves the VM as it was', async () => {
      const before = await f.client.domainGetXMLDesc(dom, 0);
      const host = (await f.client.nodeGetInfo()).cpus;
      const e1 = await refused({ kind: 'vcpupin', vcpu: 0, cpus: [host + 5] });
      expect(e1.code).toBe('invalid-input');
      expect(e1.message).toMatch(new RegExp(`This host has no CPU ${host + 5}`));
      const e2 = await refused({ kind: 'memtune', hardLimitKiB: 16 * 1024 });
      expect(e2.message).toMatch(/16 MiB is below the 128 MiB this VM has/);
      const e3 = await refused({ kind: 'numatune', mode: 'strict', nodeset: [] });
      expect(e3.message).toBe('Choose at least one NUMA node.');
      expect(await f.client.domainGetXMLDesc(dom, 0)).toBe(before);
    });

    it('gives libvirt’s own words when libvirt refuses', async () => {
      // Changing the NUMA mode of a running VM is something only libvirt knows it refuses.
      const r = await apply({ kind: 'numatune', mode: 'interleave', nodeset: [0] });
      if (r.live === 'failed') {
        expect(r.message).toMatch(/Saved for the next boot/);
        expect(r.detail).toBeTruthy();
      } else expect(r.live).toBe('applied');
      await until('the config to hold the NUMA mode', 5000, async () =>
        (await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).includes("mode='interleave'"),
      );
    });
  },
);
