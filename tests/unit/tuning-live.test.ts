/**
 * The Tuning tab's profiles applied live (pure): a new definition of a running VM split into the steps
 * libvirt's tuning calls make now and what waits for the next start; and the parsing of a running VM's
 * vCPU threads from a made-up /proc tree (the QEMU process by `-uuid`, its threads by name, policy and
 * priority from `stat` with a thread name holding spaces and parentheses).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainXml } from '../../electron/libvirt-xml/index.js';
import { applyPlan, computeProfile, type ProfileHost } from '../../electron/tuning/profiles.js';
import { splitLive } from '../../electron/tuning/live-plan.js';
import {
  findQemuPid,
  parseStat,
  readVcpuThreads,
  vcpuOfThreadName,
  vcpuThreadsOf,
} from '../../electron/tuning/vcpu-threads.js';
import type { HostCell } from '../../shared/contract/tuning.js';

const DOMAIN = `<domain type='kvm'>
  <name>t</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu placement='static'>2</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>
  </devices>
</domain>`;

/** One node of `n` cores, CPUs 0…n-1. */
const cells = (n: number): HostCell[] => [
  {
    id: 0,
    memoryKiB: 8 * 1024 * 1024,
    pages: [],
    cpus: Array.from({ length: n }, (_, id) => ({
      id,
      socket: 0,
      die: 0,
      core: id,
      siblings: [id],
      online: true,
    })),
  },
];
const profileHost = (n: number, over: Partial<ProfileHost> = {}): ProfileHost => ({
  cells: cells(n),
  freeHugepages: [],
  realtimeBudget: true,
  memoryLock: true,
  diskWeight: true,
  isolatedCpus: [],
  hostPassthrough: true,
  iothreads: true,
  ...over,
});

/** The definition after a profile, computed for a host of `n` cores. */
const withProfile = (base: string, profile: 'low-latency' | 'balanced' | 'throughput', n = 4) => {
  const d = DomainXml.parse(base);
  const r = computeProfile(profile, profileHost(n), {
    maxVcpus: 2,
    memoryKiB: 1048576,
    virtioDisks: ['vda'],
    iothreads: 0,
  });
  if (!r.ok) throw new Error(r.refusal);
  applyPlan(d, r.plan);
  return d;
};

describe('a new definition split into live steps and what waits for the restart', () => {
  it('Low latency on a running VM: pins and the node set now; realtime, locked memory and the CPU at the restart', () => {
    const old = DomainXml.parse(DOMAIN);
    const next = withProfile(DOMAIN, 'low-latency');
    // The running VM has no NUMA binding, so the strict node set cannot be given to it live.
    const split = splitLive(old, next, DomainXml.parse(DOMAIN), [0, 1, 2, 3]);
    expect(split.steps.map((s) => s.change)).toEqual([
      { kind: 'vcpupin', vcpu: 0, cpus: [2] },
      { kind: 'vcpupin', vcpu: 1, cpus: [3] },
      { kind: 'emulatorpin', cpus: [0, 1] },
    ]);
    expect(split.steps.map((s) => s.what)).toEqual([
      'vCPU 0 runs on host CPU 2',
      'vCPU 1 runs on host CPU 3',
      'the emulator threads run on host CPUs 0–1',
    ]);
    expect(split.atRestart).toEqual([
      'memory only from NUMA node 0',
      'the vCPU scheduler policy (vCPU 0–1 FIFO priority 1)',
      'locked memory',
      'the host-passthrough CPU',
    ]);
  });

  it('a strict node set changes live when the running VM is strict already', () => {
    const strict = DOMAIN.replace('<os>', "<numatune><memory mode='strict' nodeset='1'/></numatune>\n  <os>");
    const next = withProfile(strict, 'low-latency');
    const split = splitLive(DomainXml.parse(strict), next, DomainXml.parse(strict), [0, 1, 2, 3]);
    expect(split.steps.map((s) => s.change)).toContainEqual({
      kind: 'numatune',
      mode: 'strict',
      nodeset: [0],
    });
    expect(split.steps.find((s) => s.change.kind === 'numatune')?.what).toBe('memory from NUMA node 0');
    expect(split.atRestart.join(' ')).not.toMatch(/NUMA/);
  });

  it('Throughput: shares and the disk weight now; the IOThread and the disk on it at the restart', () => {
    const old = DomainXml.parse(DOMAIN);
    const next = withProfile(DOMAIN, 'throughput');
    const split = splitLive(old, next, DomainXml.parse(DOMAIN), [0, 1, 2, 3]);
    expect(split.steps).toEqual([
      { change: { kind: 'sched', shares: 2048 }, what: 'CPU shares 2048' },
      { change: { kind: 'blkio', weight: 800 }, what: 'disk weight 800' },
    ]);
    expect(split.atRestart).toEqual(['the host-passthrough CPU', '1 IOThread', 'vda on IOThread 1']);
  });

  it('Balanced after Low latency: the pins go back to every host CPU live, the rest at the restart', () => {
    const ll = withProfile(DOMAIN, 'low-latency').toString();
    const next = withProfile(ll, 'balanced');
    const split = splitLive(DomainXml.parse(ll), next, DomainXml.parse(ll), [0, 1, 2, 3]);
    expect(split.steps.map((s) => s.change)).toEqual([
      { kind: 'vcpupin', vcpu: 0, cpus: [0, 1, 2, 3] },
      { kind: 'vcpupin', vcpu: 1, cpus: [0, 1, 2, 3] },
      { kind: 'emulatorpin', cpus: [0, 1, 2, 3] },
    ]);
    expect(split.steps[0]!.what).toBe('vCPU 0 may run on any host CPU');
    expect(split.atRestart).toEqual([
      'memory from any NUMA node',
      'the vCPU scheduler policy (every vCPU scheduled normally)',
      'memory no longer locked',
    ]);
  });

  it('leaves out what the running VM has already, and what the new definition does not change', () => {
    const next = withProfile(DOMAIN, 'low-latency');
    // The running VM already runs as proposed (pins applied live before); the definition did not have it.
    const split = splitLive(DomainXml.parse(DOMAIN), next, next, [0, 1, 2, 3]);
    expect(split.steps).toEqual([]);
    // Nothing changed in the definition: nothing to do, whatever the running VM has.
    expect(splitLive(next, next, DomainXml.parse(DOMAIN), [0, 1, 2, 3])).toEqual({
      steps: [],
      atRestart: [],
    });
  });

  it('memory limits and quotas dropped from the definition go back to unlimited and the defaults live', () => {
    const tuned = DOMAIN.replace(
      '<os>',
      '<cputune><period>50000</period><quota>20000</quota></cputune>\n  <memtune><hard_limit unit="KiB">2097152</hard_limit></memtune>\n  <os>',
    );
    const split = splitLive(DomainXml.parse(tuned), DomainXml.parse(DOMAIN), DomainXml.parse(tuned), [0, 1]);
    expect(split.steps).toEqual([
      {
        change: { kind: 'sched', period: 100000, quota: -1 },
        what: 'vCPU period 100000 (the default), vCPU quota none (the default)',
      },
      { change: { kind: 'memtune', hardLimitKiB: null }, what: 'memory hard limit none' },
    ]);
  });
});

describe('the running vCPU threads from /proc', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-proc-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const UUID = '0a6f3c52-1f4e-4b7a-9c1d-2e3f4a5b6c7d';

  /** A stat line: pid, (comm), then fields 3… with rt_priority (40) and policy (41) as given. */
  const stat = (tid: number, comm: string, priority: number, policy: number): string => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    fields[40 - 3] = String(priority);
    fields[41 - 3] = String(policy);
    return `${tid} (${comm}) ${fields.join(' ')}\n`;
  };
  const proc = (pid: number, argv: string[], threads: [number, string, number, number][]) => {
    fs.mkdirSync(path.join(root, String(pid), 'task'), { recursive: true });
    fs.writeFileSync(path.join(root, String(pid), 'cmdline'), argv.join('\0') + '\0');
    for (const [tid, comm, prio, policy] of threads) {
      const dir = path.join(root, String(pid), 'task', String(tid));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'comm'), `${comm}\n`);
      fs.writeFileSync(path.join(dir, 'stat'), stat(tid, comm, prio, policy));
    }
  };
  proc(100, ['/usr/bin/bash'], [[100, 'bash', 0, 0]]);
  // Another VM's QEMU: its UUID only differs.
  proc(200, ['qemu-system-x86_64', '-name', 'guest=b', '-uuid', UUID.replace('0a6f', 'ffff')], []);
  proc(
    300,
    ['/usr/bin/qemu-system-x86_64', '-name', 'guest=a,debug-threads=on', '-uuid', UUID, '-smp', '3'],
    [
      [300, 'qemu-system-x86', 0, 0],
      [301, 'CPU 0/KVM', 1, 1],
      [303, 'CPU 2/KVM', 0, 3],
      [302, 'CPU 1/KVM', 7, 2],
      [304, 'IO mon_iothread', 0, 0],
    ],
  );
  fs.mkdirSync(path.join(root, 'self'));

  it('finds the QEMU process by its -uuid argument (any case)', () => {
    expect(findQemuPid(UUID, root)).toBe(300);
    expect(findQemuPid(UUID.toUpperCase(), root)).toBe(300);
    expect(findQemuPid('11111111-2222-3333-4444-555555555555', root)).toBeNull();
    expect(findQemuPid(UUID, path.join(root, 'nowhere'))).toBeNull();
  });

  it('reads each vCPU thread’s policy and realtime priority, by vCPU', () => {
    expect(readVcpuThreads(300, root)).toEqual([
      { vcpu: 0, tid: 301, policy: 'fifo', priority: 1 },
      { vcpu: 1, tid: 302, policy: 'rr', priority: 7 },
      { vcpu: 2, tid: 303, policy: 'batch', priority: 0 },
    ]);
    expect(readVcpuThreads(999, root)).toEqual([]);
  });

  it('counts the stat fields from the last parenthesis, whatever the name holds', () => {
    expect(parseStat(stat(5, 'a) b (c', 9, 2))).toEqual({ policy: 'rr', priority: 9 });
    expect(parseStat(stat(5, 'x', 0, 5))).toEqual({ policy: 'idle', priority: 0 });
    expect(parseStat(stat(5, 'x', 0, 6))).toEqual({ policy: 'deadline', priority: 0 });
    expect(parseStat(stat(5, 'x', 0, 4))).toEqual({ policy: 'unknown', priority: 0 });
    expect(parseStat('5 (x) S 1 2')).toBeNull();
    expect(parseStat('garbage')).toBeNull();
  });

  it('says why it cannot read them: a remote host, a VM that is off, no QEMU process seen here', () => {
    const read = (over: Partial<Parameters<typeof vcpuThreadsOf>[0]>) =>
      vcpuThreadsOf({ local: true, running: true, uuid: UUID, procRoot: root, ...over });
    expect(read({ local: false })).toEqual({ status: 'remote', threads: [] });
    expect(read({ running: false })).toEqual({ status: 'not-running', threads: [] });
    expect(read({ uuid: '11111111-2222-3333-4444-555555555555' })).toEqual({
      status: 'not-found',
      threads: [],
    });
    expect(read({}).status).toBe('read');
    expect(read({}).threads.map((t) => `${t.vcpu}:${t.policy}/${t.priority}`)).toEqual([
      '0:fifo/1',
      '1:rr/7',
      '2:batch/0',
    ]);
  });

  it('knows vCPU threads by QEMU’s names, KVM and TCG', () => {
    expect(vcpuOfThreadName('CPU 0/KVM\n')).toBe(0);
    expect(vcpuOfThreadName('CPU 12/TCG')).toBe(12);
    expect(vcpuOfThreadName('IO iothread1')).toBeNull();
    expect(vcpuOfThreadName('CPU 0/KVMx')).toBeNull();
  });
});
