/**
 * The Tuning tab's realtime section and profiles against the private system-mode libvirtd: each change
 * proposed by `tuning.propose`, defined through the XML tab's path (`domainxml.define` with the
 * proposal's base), the guest restarted, and verified where the kernel shows it — each vCPU thread's
 * scheduler policy in /proc/<qemu>/task/<tid>/sched, the guest's CPU and blkio cgroups, the IOThread.
 * What this host lacks (realtime CPU time for VMs, a locked-memory allowance) is read from the same files
 * the test reads, and a VM asking for it is refused by libvirt at start exactly as the notes say.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef } from '../../electron/libvirt/index.js';
import { parseCpuList } from '../../electron/libvirt-xml/index.js';
import type { Proposal, ProposalRequest, TuningRealtimeOutput } from '../../shared/contract/tuning-plans.js';
import {
  guestBlkioWeightFile,
  guestCgroup,
  hostLacksDiskWeights,
  qemuPid,
  readTrimmed,
  threadCpus,
} from '../support/qemu-proc.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';

const sys = systemTestEnv();
/** Throughput sets no disk weight where the host takes none. */
const noDiskWeights = hostLacksDiskWeights();

/** Thread name → scheduler policy (0 other, 1 FIFO, 2 RR, 3 batch, 5 idle) of each thread of a process. */
function threadPolicies(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    const sched = fs.readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8');
    const policy = /^policy\s*:\s*(\d+)/m.exec(sched)?.[1];
    out.set(comm, Number(policy));
  }
  return out;
}

describe.skipIf(!sys.available)(
  `tuning profiles and realtime on the private system libvirtd${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let f: CoreFixture;
    let dom: DomainRef;
    const name = uniqueGuestName('tuneplan');
    let uuid = '';
    let guestDir = '';

    const ref = () => ({ connectionId: f.connectionId, uuid });
    const propose = (request: ProposalRequest) => f.call<Proposal>('tuning.propose', { ...ref(), request });
    /** Defines a proposal through the XML tab's path, then restarts the guest so it takes effect. */
    const defineAndRestart = async (p: Proposal): Promise<void> => {
      expect(p.refusal).toBeNull();
      await f.call('domainxml.define', { ...ref(), xml: p.proposedXml, expectedXml: p.currentXml });
      await f.client.domainDestroy(dom).catch(() => {});
      await f.client.domainCreate(dom);
      dom = await f.client.domainLookupByName(name);
    };
    const startRefusal = async (): Promise<string> => {
      await f.client.domainDestroy(dom).catch(() => {});
      try {
        await f.client.domainCreate(dom);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('the VM started');
    };
    const realtime = () => f.call<TuningRealtimeOutput>('tuning.realtime', ref());

    beforeAll(async () => {
      if (!sys.available) return;
      f = await startCore(sys.uri);
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-tuning-plans');
      guestDir = path.dirname(kernel);
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

    it('reads what this host offers for realtime from its own files', async () => {
      const r = await realtime();
      expect(r.maxVcpus).toBe(2);
      expect(r.config).toEqual({ vcpusched: [], locked: false });
      expect(r.live).toEqual({ vcpusched: [], locked: false });
      expect(r.host.where).toBe('local');
      expect(r.host.isolatedCpus).toEqual(
        parseCpuList(readTrimmed('/sys/devices/system/cpu/isolated') || '') ?? [],
      );
      const enforced = readTrimmed('/proc/sys/kernel/sched_rt_runtime_us') !== '-1';
      const groups = fs.existsSync('/sys/fs/cgroup/cpu/cpu.rt_runtime_us');
      expect(r.host.realtimeBudget).toBe(!(enforced && groups));
      const memlock = /^Max locked memory\s+\S+\s+(\S+)/m.exec(readTrimmed('/proc/self/limits'))?.[1];
      const capBnd = BigInt(`0x${/^CapBnd:\s*(\S+)/m.exec(readTrimmed('/proc/self/status'))![1]}`);
      expect(r.host.memoryLock).toBe(memlock === 'unlimited' || ((capBnd >> 24n) & 1n) === 1n);
      expect(r.host.lacks.length).toBeGreaterThan(0);
    });

    it('sets batch and idle vCPU policies; each vCPU thread runs with its policy', async () => {
      const p = await propose({
        kind: 'realtime',
        settings: {
          locked: false,
          vcpusched: [
            { vcpus: [0], scheduler: 'batch', priority: null },
            { vcpus: [1], scheduler: 'idle', priority: null },
          ],
        },
      });
      expect(p.running).toBe(true);
      expect(p.proposedXml).toContain('<vcpusched vcpus="0" scheduler="batch"/>');
      expect(p.beforeXml).not.toContain('vcpusched');
      await defineAndRestart(p);
      const policies = threadPolicies(qemuPid(name));
      const vcpu = (n: number) => [...policies].find(([k]) => k.startsWith(`CPU ${n}/`))?.[1];
      expect(vcpu(0)).toBe(3); // SCHED_BATCH
      expect(vcpu(1)).toBe(5); // SCHED_IDLE
      expect(policies.get('qemu-system-x86')).toBe(0);
      const r = await realtime();
      expect(r.live?.vcpusched).toEqual([
        { vcpus: [0], scheduler: 'batch', priority: null },
        { vcpus: [1], scheduler: 'idle', priority: null },
      ]);
    }, 60_000);

    it('FIFO vCPUs: said beforehand when the host gives VMs no realtime time, and libvirt then refuses the start', async () => {
      const host = (await realtime()).host;
      const p = await propose({
        kind: 'realtime',
        settings: { locked: false, vcpusched: [{ vcpus: [0, 1], scheduler: 'fifo', priority: 1 }] },
      });
      expect(p.proposedXml).toContain('<vcpusched vcpus="0-1" scheduler="fifo" priority="1"/>');
      if (host.realtimeBudget === false) {
        expect(p.notes.join(' ')).toMatch(/FIFO\/RR vCPUs are refused and the VM will not start/);
        await f.call('domainxml.define', { ...ref(), xml: p.proposedXml, expectedXml: p.currentXml });
        expect(await startRefusal()).toMatch(/Cannot set scheduler parameters .*Operation not permitted/);
      } else {
        expect(p.notes).toEqual([]);
        await defineAndRestart(p);
        const policies = threadPolicies(qemuPid(name));
        expect([...policies].filter(([k]) => k.startsWith('CPU ')).map(([, v]) => v)).toEqual([1, 1]);
      }
    }, 60_000);

    it('locked memory: said beforehand when the host caps it, and libvirt then refuses the start', async () => {
      const host = (await realtime()).host;
      const p = await propose({ kind: 'realtime', settings: { locked: true, vcpusched: [] } });
      expect(p.proposedXml).toMatch(/<memoryBacking>\s*<locked\/>\s*<\/memoryBacking>/);
      expect(p.proposedXml).not.toContain('vcpusched');
      if (host.memoryLock === false) {
        expect(p.notes.join(' ')).toMatch(/a VM with locked memory will not start/);
        await f.call('domainxml.define', { ...ref(), xml: p.proposedXml, expectedXml: p.currentXml });
        expect(await startRefusal()).toMatch(/locked memory/);
      } else {
        await defineAndRestart(p);
        expect(readTrimmed(`/proc/${qemuPid(name)}/limits`)).toMatch(/Max locked memory\s+unlimited/);
      }
    }, 60_000);

    it('refuses realtime settings the VM cannot take, in words, before anything changes', async () => {
      const before = await f.client.domainGetXMLDesc(dom, 0);
      try {
        await propose({
          kind: 'realtime',
          settings: { locked: false, vcpusched: [{ vcpus: [5], scheduler: 'rr', priority: 3 }] },
        });
        throw new Error('not refused');
      } catch (e) {
        const remote = (e as { remote?: { code: string; message: string } }).remote;
        expect(remote?.code).toBe('invalid-input');
        expect(remote?.message).toBe('This VM has 2 vCPUs (0–1); there is no vCPU 5.');
      }
      expect(await f.client.domainGetXMLDesc(dom, 0)).toBe(before);
    });

    it('Low latency is refused on this host when it has too few cores, with the reason', async () => {
      const cores = (await f.client.nodeGetInfo()).cpus;
      const p = await propose({ kind: 'profile', profile: 'low-latency' });
      if (cores < 3) {
        expect(p.proposedXml).toBeNull();
        expect(p.refusal).toMatch(/Low latency needs one NUMA node with at least 3 cores .* has \d cores?\./);
      } else expect(p.proposedXml).toContain('<vcpupin');
    });

    it(`Throughput: twice the CPU shares, ${noDiskWeights ? 'no disk weight (this host’s I/O scheduler takes none)' : 'a high disk weight'} and an IOThread, seen in the cgroups and QEMU`, async () => {
      const p = await propose({ kind: 'profile', profile: 'throughput' });
      expect(p.notes.join(' ')).toMatch(/CPU shares 2048/);
      expect(p.proposedXml).toMatch(/<iothreads>1<\/iothreads>/);
      expect(p.proposedXml).toMatch(/iothread="1"/);
      // The realtime and locked settings of the steps before stay out of the VM's way: Throughput drops
      // realtime vCPUs; the locked memory this host refuses goes with Balanced below.
      await f.call('domainxml.define', { ...ref(), xml: p.proposedXml, expectedXml: p.currentXml });
      const balancedFirst = await propose({ kind: 'realtime', settings: { locked: false, vcpusched: [] } });
      await defineAndRestart(balancedFirst);
      expect(readTrimmed(path.join(guestCgroup('cpu', name), 'cpu.shares'))).toBe('2048');
      if (noDiskWeights) {
        // libvirt would refuse a weight here and the VM would not start with one: Throughput sets none.
        expect(p.notes.join(' ')).toMatch(/No disk weight: The host’s disk I\/O scheduler takes no weights/);
        expect(p.proposedXml).not.toMatch(/<blkiotune>/);
      } else {
        const blkio = guestBlkioWeightFile(name);
        expect(blkio, 'a blkio weight file').toBeDefined();
        expect(readTrimmed(blkio!)).toMatch(/(^|\s)800$/);
      }
      const threads = [...threadPolicies(qemuPid(name)).keys()];
      expect(threads.some((t) => /^IO iothread1$/.test(t))).toBe(true);
    }, 60_000);

    it('Balanced takes it all back; a stale proposal is refused by the define path', async () => {
      const p = await propose({ kind: 'profile', profile: 'balanced' });
      await defineAndRestart(p);
      await until('the guest to run', 5000, async () => (await f.client.domainIsActive(dom)) === true);
      const xml = p.proposedXml!;
      expect(xml).not.toMatch(/<shares>|<blkiotune>|vcpusched|<locked/);
      expect(readTrimmed(path.join(guestCgroup('cpu', name), 'cpu.shares'))).toBe('1024');
      // Defining the same proposal again: its base is no longer the VM's definition.
      try {
        await f.call('domainxml.define', { ...ref(), xml, expectedXml: p.currentXml });
        throw new Error('not refused');
      } catch (e) {
        expect((e as { remote?: { code: string } }).remote?.code).toBe('conflict');
      }
    }, 60_000);

    it('Low latency applies to a 1-vCPU VM on this host: vCPU and emulator on cores of their own, memory on node 0', async () => {
      const cells = (await f.client.nodeGetInfo()).cpus;
      const small = uniqueGuestName('tuneplan-ll');
      const { virtType } = testEnv();
      const dir = guestDir;
      let one = await f.client.domainDefineXML(
        tinyGuestXml({
          name: small,
          virtType,
          kernel: path.join(dir, 'vmlinuz'),
          initrd: path.join(dir, 'initrd.img'),
          vcpus: 1,
        }),
      );
      try {
        const p = await f.call<Proposal>('tuning.propose', {
          connectionId: f.connectionId,
          uuid: one.uuid,
          request: { kind: 'profile', profile: 'low-latency' },
        });
        expect(p.refusal).toBeNull();
        expect(p.running).toBe(false);
        const last = cells - 1;
        expect(p.proposedXml).toContain(`<vcpupin vcpu="0" cpuset="${last}"/>`);
        expect(p.proposedXml).toMatch(/<numatune>\s*<memory mode="strict" nodeset="0"\/>/);
        const host = (await realtime()).host;
        // What this host lacks is left out, each said in a note.
        if (host.realtimeBudget === false) expect(p.proposedXml).not.toContain('vcpusched');
        if (host.memoryLock === false) expect(p.proposedXml).not.toContain('<locked');
        expect(p.notes.join(' ')).toMatch(/Offered without hugepages|backed by .* hugepages/);
        await f.call('domainxml.define', {
          connectionId: f.connectionId,
          uuid: one.uuid,
          xml: p.proposedXml,
          expectedXml: p.currentXml,
        });
        await f.client.domainCreate(one);
        one = await f.client.domainLookupByName(small);
        const threads = threadCpus(qemuPid(small));
        const vcpu0 = [...threads].find(([k]) => k.startsWith('CPU 0/'))?.[1];
        expect(vcpu0).toBe(String(last));
        expect(threads.get('main')).toBe(last === 1 ? '0' : `0-${last - 1}`);
      } finally {
        await f.client.domainDestroy(one).catch(() => {});
        await f.client.domainUndefineFlags(one).catch(() => {});
      }
    }, 60_000);
  },
);
