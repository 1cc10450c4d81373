/**
 * The Tuning tab's profiles and realtime settings applied to a *running* guest on the private
 * system-mode libvirtd (`tuning.applyProposal`): the definition is saved, and what libvirt can change on
 * a running VM changes now — seen from the host side in /proc/<qemu>/task/*\/status (Cpus_allowed_list)
 * without a restart — while the vCPU scheduler policy stays in the definition only, for the next start.
 * And the realtime section's reading of the running vCPU threads (`tuning.realtime` → threads): a vCPU
 * thread running FIFO at priority 1 is read as FIFO/1 from the real /proc.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainXMLFlags, type DomainRef } from '../../electron/libvirt/index.js';
import { DomainXml, readDomainTuning, readRealtime } from '../../electron/libvirt-xml/index.js';
import type {
  PlanOutcome,
  Proposal,
  ProposalRequest,
  TuningRealtimeOutput,
} from '../../shared/contract/tuning-plans.js';
import { guestCgroup, qemuPid, threadCpus, vcpuThread } from '../support/qemu-proc.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';

const sys = systemTestEnv();

const cpuCgroup = (name: string): string => guestCgroup('cpu', name);

describe.skipIf(!sys.available)(
  `tuning plans applied live on the private system libvirtd${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let f: CoreFixture;
    let dom: DomainRef;
    const name = uniqueGuestName('tunelive');
    let uuid = '';

    const ref = () => ({ connectionId: f.connectionId, uuid });
    const propose = (request: ProposalRequest) => f.call<Proposal>('tuning.propose', { ...ref(), request });
    const applyProposal = (p: Proposal) =>
      f.call<PlanOutcome>('tuning.applyProposal', {
        ...ref(),
        xml: p.proposedXml,
        expectedXml: p.currentXml,
      });
    const realtime = () => f.call<TuningRealtimeOutput>('tuning.realtime', ref());

    beforeAll(async () => {
      if (!sys.available) return;
      f = await startCore(sys.uri);
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-tuning-live');
      // One vCPU: Low latency fits it on a 2-core host (a core for the vCPU, one for the emulator).
      dom = await f.client.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd, vcpus: 1 }));
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

    it('Low latency on the running guest: the vCPU thread and the emulator move to their cores now, no restart', async (ctx) => {
      const cpus = (await f.client.nodeGetInfo()).cpus;
      if (cpus < 2) ctx.skip();
      const pid = qemuPid(name);
      const all = `0-${cpus - 1}`;
      expect(vcpuThread(pid, 0).cpus).toBe(all);
      const p = await propose({ kind: 'profile', profile: 'low-latency' });
      expect(p.refusal).toBeNull();
      expect(p.running).toBe(true);
      const last = cpus - 1;
      expect(p.proposedXml).toContain(`<vcpupin vcpu="0" cpuset="${last}"/>`);

      const outcome = await applyProposal(p);
      expect(outcome.running).toBe(true);
      expect(outcome.refused).toEqual([]);
      expect(outcome.now).toContain(`vCPU 0 runs on host CPU ${last}`);
      expect(outcome.now).toContain(
        `the emulator threads run on host CPU${last === 1 ? ' 0' : `s 0–${last - 1}`}`,
      );
      // The running VM had no NUMA binding: libvirt cannot give it one live, so that waits.
      expect(outcome.atRestart).toContain('memory only from NUMA node 0');

      // The same QEMU process (no restart), its threads already where the profile puts them.
      expect(qemuPid(name)).toBe(pid);
      expect((await f.client.domainLookupByName(name)).id).toBe(dom.id);
      expect(vcpuThread(pid, 0).cpus).toBe(String(last));
      expect(threadCpus(pid).get('main')).toBe(last === 1 ? '0' : `0-${last - 1}`);
      const live = readDomainTuning(DomainXml.parse(await f.client.domainGetXMLDesc(dom, 0)));
      expect(live.vcpuPins).toEqual([{ vcpu: 0, cpus: [last] }]);
      expect(live.numa).toBeNull();
      const config = readDomainTuning(
        DomainXml.parse(await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)),
      );
      expect(config.numa).toEqual({ mode: 'strict', nodeset: [0], placement: null });

      // The Hardware tab's "waiting for a restart" still follows config against the running VM.
      const hw = await f.call<{ pending: { field: string }[] }>('hardware.get', ref());
      expect(hw.pending.some((x) => x.field === 'hugepages')).toBe(p.proposedXml!.includes('<hugepages'));
    }, 60_000);

    it('FIFO vCPUs on the running guest: saved in the definition only, said to wait for the restart', async () => {
      const p = await propose({
        kind: 'realtime',
        settings: { locked: false, vcpusched: [{ vcpus: [0], scheduler: 'fifo', priority: 1 }] },
      });
      const outcome = await applyProposal(p);
      expect(outcome).toEqual({
        running: true,
        now: [],
        atRestart: ['the vCPU scheduler policy (vCPU 0 FIFO priority 1)'],
        refused: [],
      });
      const rtOf = async (flags: number) =>
        readRealtime(DomainXml.parse(await f.client.domainGetXMLDesc(dom, flags))).vcpusched;
      expect(await rtOf(DomainXMLFlags.INACTIVE)).toEqual([{ vcpus: [0], scheduler: 'fifo', priority: 1 }]);
      expect(await rtOf(0)).toEqual([]);
      // The thread itself runs as before, and the realtime section reads it so from /proc.
      const r = await realtime();
      expect(r.config.vcpusched).toEqual([{ vcpus: [0], scheduler: 'fifo', priority: 1 }]);
      expect(r.threads.status).toBe('read');
      expect(r.threads.threads).toEqual([
        { vcpu: 0, tid: vcpuThread(qemuPid(name), 0).tid, policy: 'other', priority: 0 },
      ]);
    }, 60_000);

    it('a vCPU thread running FIFO at priority 1 is read as FIFO/1 from /proc', async () => {
      const host = (await realtime()).host;
      const machine = '/sys/fs/cgroup/cpu/machine/cpu.rt_runtime_us';
      const restore: [string, string][] = [];
      const give = (file: string, us: number) => {
        restore.unshift([file, fs.readFileSync(file, 'utf8').trim()]);
        fs.writeFileSync(file, String(us));
      };
      let tid = 0;
      try {
        if (host.realtimeBudget === true) {
          // The host lets libvirt start FIFO vCPUs: restart the guest with the definition saved above.
          await f.client.domainDestroy(dom);
          await f.client.domainCreate(dom);
          dom = await f.client.domainLookupByName(name);
          tid = vcpuThread(qemuPid(name), 0).tid;
        } else {
          // This host budgets realtime time per cgroup and VMs get none, so libvirt cannot start a FIFO
          // vCPU. Give the running vCPU's cgroups a small budget (1% of a second: the thread is
          // throttled, the host never starves) and set FIFO 1 on its thread the way libvirt would.
          expect(fs.existsSync(machine)).toBe(true);
          const group = cpuCgroup(name);
          give(machine, 20000);
          give(path.join(group, 'cpu.rt_runtime_us'), 10000);
          give(path.join(group, 'vcpu0', 'cpu.rt_runtime_us'), 10000);
          tid = vcpuThread(qemuPid(name), 0).tid;
          execFileSync('chrt', ['--fifo', '--pid', '1', String(tid)]);
        }
        await until('the realtime section to read FIFO/1', 10_000, async () => {
          const r = await realtime();
          return r.threads.threads.some((t) => t.policy === 'fifo');
        });
        const r = await realtime();
        expect(r.threads).toEqual({
          status: 'read',
          threads: [{ vcpu: 0, tid, policy: 'fifo', priority: 1 }],
        });
        // The kernel's own view agrees: policy 1 (SCHED_FIFO) in the thread's sched file.
        const sched = fs.readFileSync(`/proc/${qemuPid(name)}/task/${tid}/sched`, 'utf8');
        expect(/^policy\s*:\s*(\d+)/m.exec(sched)?.[1]).toBe('1');
      } finally {
        if (tid !== 0 && host.realtimeBudget !== true)
          execFileSync('chrt', ['--other', '--pid', '0', String(tid)], { stdio: 'ignore' });
        for (const [file, value] of restore) fs.writeFileSync(file, value);
      }
    }, 60_000);

    it('a part libvirt refuses on the running VM is said with libvirt’s text; the rest goes on, all stays saved', async () => {
      const { inactive } = await f.call<{ inactive: string }>('domainxml.load', ref());
      // A pin to a CPU this host does not have: libvirt takes it into the definition (it is not checked
      // against the host there) and refuses it on the running VM.
      const xml = inactive
        .replace(/<vcpupin vcpu=(['"])0\1 cpuset=(['"])[^'"]*\2\/>/, "<vcpupin vcpu='0' cpuset='200'/>")
        .replace('<cputune>', '<cputune>\n    <shares>3000</shares>');
      expect(xml).toContain("cpuset='200'");
      const before = vcpuThread(qemuPid(name), 0).cpus;
      const outcome = await f.call<PlanOutcome>('tuning.applyProposal', {
        ...ref(),
        xml,
        expectedXml: inactive,
      });
      expect(outcome.now).toEqual(['CPU shares 3000']);
      expect(outcome.refused).toHaveLength(1);
      expect(outcome.refused[0]!.what).toBe('vCPU 0 runs on host CPU 200');
      expect(outcome.refused[0]!.detail.length).toBeGreaterThan(0);
      // The thread stays where it was; the definition keeps the pin for the next start.
      expect(vcpuThread(qemuPid(name), 0).cpus).toBe(before);
      const config = readDomainTuning(
        DomainXml.parse(await f.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)),
      );
      expect(config.vcpuPins).toEqual([{ vcpu: 0, cpus: [200] }]);
      expect(fs.readFileSync(path.join(cpuCgroup(name), 'cpu.shares'), 'utf8').trim()).toBe('3000');
    }, 60_000);
  },
);
