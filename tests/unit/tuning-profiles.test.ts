/**
 * The Tuning tab's profiles (pure): Balanced, Low latency and Throughput computed over several host
 * topologies (1 node / 2 cores like the test machine, 2 nodes / 16 CPUs, SMT with and without isolated
 * CPUs), written into a domain description; the host's realtime judgement; the realtime settings' checks.
 */
import { describe, expect, it } from 'vitest';
import type { HostCell, HostCpu } from '../../shared/contract/tuning.js';
import { checkRealtimeSettings } from '../../shared/contract/tuning-plan-checks.js';
import {
  DomainXml,
  readDomainTuning,
  readRealtime,
  setLockedMemory,
  setVcpuSched,
  tidyLayout,
} from '../../electron/libvirt-xml/index.js';
import {
  applyPlan,
  computeProfile,
  type ProfileHost,
  type ProfileVm,
} from '../../electron/tuning/profiles.js';
import {
  daemonKind,
  isLocalUri,
  judgeRealtimeHost,
  type RealtimeReadings,
} from '../../electron/tuning/host-realtime.js';

const GiB = 1024 * 1024;

/** One NUMA cell of `cores` cores × `threads` threads, CPUs numbered Intel-style (siblings n and n+cores). */
const cell = (
  id: number,
  first: number,
  cores: number,
  threads = 1,
  memoryKiB: number | null = 8 * GiB,
): HostCell => {
  const cpus: HostCpu[] = [];
  for (let t = 0; t < threads; t++)
    for (let c = 0; c < cores; c++) {
      const siblings = Array.from({ length: threads }, (_, k) => first + c + k * cores);
      cpus.push({ id: first + c + t * cores, socket: id, die: 0, core: c, siblings, online: true });
    }
  return { id, memoryKiB, pages: [], cpus: cpus.sort((a, b) => a.id - b.id) };
};

const host = (cells: HostCell[], over: Partial<ProfileHost> = {}): ProfileHost => ({
  cells,
  freeHugepages: [],
  realtimeBudget: true,
  memoryLock: true,
  diskWeight: true,
  isolatedCpus: [],
  hostPassthrough: true,
  iothreads: true,
  ...over,
});
const vm = (over: Partial<ProfileVm> = {}): ProfileVm => ({
  maxVcpus: 2,
  memoryKiB: 1 * GiB,
  virtioDisks: ['vda'],
  iothreads: 0,
  ...over,
});

/** This test machine: one node, two cores, no SMT. */
const twoCores = [cell(0, 0, 2)];
/** Two nodes of eight cores each (CPUs 0–7 and 8–15). */
const twoNodes = [cell(0, 0, 8), cell(1, 8, 8)];
/** One node of four cores with two threads each: siblings 0/4, 1/5, 2/6, 3/7. */
const smt = [cell(0, 0, 4, 2)];

describe('Low latency', () => {
  it('is refused on a 2-core host for a 2-vCPU VM, with the reason', () => {
    const r = computeProfile('low-latency', host(twoCores), vm());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal).toBe(
      'Low latency needs one NUMA node with at least 3 cores — one for each of the VM’s 2 vCPUs and one for the emulator — and this host’s largest node, node 0, has 2 cores.',
    );
  });

  it('fits a 1-vCPU VM on the 2-core host: vCPU on the last core, emulator on the first', () => {
    const r = computeProfile('low-latency', host(twoCores), vm({ maxVcpus: 1 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.vcpuPins).toEqual([{ vcpu: 0, cpus: [1] }]);
    expect(r.plan.emulatorPin).toEqual([0]);
    expect(r.plan.numaMemory).toEqual({ mode: 'strict', nodeset: [0] });
    expect(r.plan.hugepageSizeKiB).toBeNull();
    expect(r.notes.join(' ')).toMatch(/Offered without hugepages: node 0 has no free hugepages/);
  });

  it('on 2 nodes × 8 cores picks the node with free hugepages, one core per vCPU, emulator on the rest', () => {
    const free = [
      { node: 0, sizeKiB: 2048, free: 10 },
      { node: 1, sizeKiB: 2048, free: 1024 },
      { node: 1, sizeKiB: 1048576, free: 0 },
    ];
    const r = computeProfile('low-latency', host(twoNodes, { freeHugepages: free }), vm({ maxVcpus: 4 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.vcpuPins).toEqual([
      { vcpu: 0, cpus: [12] },
      { vcpu: 1, cpus: [13] },
      { vcpu: 2, cpus: [14] },
      { vcpu: 3, cpus: [15] },
    ]);
    expect(r.plan.emulatorPin).toEqual([8, 9, 10, 11]);
    expect(r.plan.numaMemory).toEqual({ mode: 'strict', nodeset: [1] });
    expect(r.plan.hugepageSizeKiB).toBe(2048);
    expect(r.plan.cpuMode).toBe('host-passthrough');
    expect(r.plan.vcpusched).toEqual([{ vcpus: [0, 1, 2, 3], scheduler: 'fifo', priority: 1 }]);
    expect(r.plan.locked).toBe(true);
  });

  it('refuses when no node with enough cores has the VM’s memory', () => {
    const r = computeProfile('low-latency', host([cell(0, 0, 8, 1, 2 * GiB)]), vm({ memoryKiB: 4 * GiB }));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.refusal).toMatch(
        /no node with 3 cores has the 4096 MiB it needs \(the largest has 2048 MiB\)/,
      );
  });

  it('with SMT gives each vCPU a whole core and leaves the siblings idle', () => {
    const r = computeProfile('low-latency', host(smt), vm());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.vcpuPins).toEqual([
      { vcpu: 0, cpus: [2] },
      { vcpu: 1, cpus: [3] },
    ]);
    expect(r.plan.emulatorPin).toEqual([0, 1, 4, 5]);
    expect(r.notes.join(' ')).toMatch(/SMT siblings of those cores \(CPU 6–7\)/);
  });

  it('with SMT puts the vCPUs on isolated cores first', () => {
    const r = computeProfile('low-latency', host(smt, { isolatedCpus: [1, 5] }), vm());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.vcpuPins?.map((p) => p.cpus)).toEqual([[1], [3]]);
    expect(r.notes.join(' ')).toMatch(/Host CPU 3 is not isolated/);
  });

  it('leaves out realtime and locked memory the host cannot give, and says why', () => {
    const r = computeProfile(
      'low-latency',
      host(twoNodes, {
        realtimeBudget: false,
        realtimeWhyNot: 'no budget.',
        memoryLock: false,
        memoryLockWhyNot: 'capped.',
        hostPassthrough: false,
      }),
      vm(),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.vcpusched).toEqual([]);
    expect(r.plan.locked).toBe(false);
    expect(r.plan.cpuMode).toBeUndefined();
    expect(r.notes).toContain('Offered without realtime vCPUs: no budget.');
    expect(r.notes).toContain('Offered without locked memory: capped.');
    expect(r.notes).toContain(
      'The CPU model stays: this hypervisor cannot pass the host’s CPU through (no KVM).',
    );
  });

  it('on a remote host (nothing readable) offers no hugepages and says what it could not check', () => {
    const r = computeProfile(
      'low-latency',
      host(twoNodes, { freeHugepages: null, isolatedCpus: null, realtimeBudget: null, memoryLock: null }),
      vm(),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.hugepageSizeKiB).toBeNull();
    expect(r.notes.join(' ')).toMatch(/free hugepages cannot be read on a remote host/);
    expect(r.notes.join(' ')).toMatch(/cannot be checked from here; if not, the VM will not start/);
  });
});

describe('Throughput and Balanced', () => {
  it('Throughput: no pinning, double shares, high disk weight, an IOThread for the virtio disks', () => {
    const r = computeProfile('throughput', host(twoCores), vm({ virtioDisks: ['vda', 'vdb'] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan).toMatchObject({
      vcpuPins: [],
      emulatorPin: null,
      shares: 2048,
      blkioWeight: 800,
      vcpusched: [],
      iothread: { id: 1, count: 1, disks: ['vda', 'vdb'] },
    });
    const noIo = computeProfile('throughput', host(twoCores, { iothreads: false }), vm());
    expect(noIo.ok && noIo.plan.iothread).toBeFalsy();
    expect(noIo.notes).toContain('No IOThread: this hypervisor has none.');
  });

  it('Throughput gives no disk weight where the host’s I/O scheduler takes none (libvirt would refuse it)', () => {
    const why = 'The host’s disk I/O scheduler takes no weights (neither BFQ nor CFQ).';
    const r = computeProfile(
      'throughput',
      host(twoCores, { diskWeight: false, diskWeightWhyNot: why }),
      vm(),
    );
    expect(r.ok && r.plan.blkioWeight).toBeNull();
    expect(r.notes).toContain(`No disk weight: ${why}`);
    expect(r.notes.join(' ')).not.toMatch(/Disk weight 800/);
    // Unknown (a remote host): offered, as libvirt will say if it cannot.
    const remote = computeProfile('throughput', host(twoCores, { diskWeight: null }), vm());
    expect(remote.ok && remote.plan.blkioWeight).toBe(800);
  });

  it('Balanced takes back what the others set', () => {
    const r = computeProfile('balanced', host(twoCores), vm());
    expect(r.ok && r.plan).toEqual({
      vcpuPins: [],
      emulatorPin: null,
      numaMemory: null,
      hugepageSizeKiB: null,
      vcpusched: [],
      locked: false,
      shares: null,
      blkioWeight: null,
    });
  });
});

const DOMAIN = `<domain type='kvm'>
  <name>t</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu placement='static'>4</vcpu>
  <cputune>
    <shares>512</shares>
  </cputune>
  <os><type arch='x86_64'>hvm</type></os>
  <cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model></cpu>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/b.iso'/><target dev='sda' bus='sata'/></disk>
  </devices>
</domain>`;

describe('profiles written into the domain XML', () => {
  it('Low latency, then Balanced back', () => {
    const d = DomainXml.parse(DOMAIN);
    const free = [{ node: 1, sizeKiB: 2048, free: 4096 }];
    const r = computeProfile('low-latency', host(twoNodes, { freeHugepages: free }), vm({ maxVcpus: 4 }));
    if (!r.ok) throw new Error(r.refusal);
    applyPlan(d, r.plan);
    const xml = d.toString();
    const again = DomainXml.parse(xml);
    const t = readDomainTuning(again);
    expect(t.vcpuPins.map((p) => p.cpus)).toEqual([[12], [13], [14], [15]]);
    expect(t.emulatorPin).toEqual([8, 9, 10, 11]);
    expect(t.numa).toEqual({ mode: 'strict', nodeset: [1], placement: null });
    expect(t.shares).toBeNull();
    expect(readRealtime(again)).toEqual({
      vcpusched: [{ vcpus: [0, 1, 2, 3], scheduler: 'fifo', priority: 1 }],
      locked: true,
    });
    expect(xml).toContain('<hugepages><page size="2048" unit="KiB"/></hugepages>');
    expect(xml).toContain('<cpu mode="host-passthrough"/>');
    expect(xml).not.toContain('EPYC');

    const b = computeProfile('balanced', host(twoNodes), vm());
    if (!b.ok) throw new Error(b.refusal);
    applyPlan(again, b.plan);
    const back = again.toString();
    for (const gone of ['cputune', 'numatune', 'memoryBacking', 'vcpusched'])
      expect(back).not.toContain(`<${gone}`);
    expect(back).toContain('<cpu mode="host-passthrough"/>');
  });

  it('lays new elements out as libvirt does, leaving libvirt’s own layout as it was', () => {
    const d = DomainXml.parse(
      DOMAIN.replace('<memory', '<metadata><a:x xmlns:a="urn:a"><a:y/></a:x></metadata>\n  <memory'),
    );
    const before = d.toString();
    tidyLayout(d);
    expect(d.toString()).toContain('  <cputune>\n    <shares>512</shares>\n  </cputune>\n');
    setLockedMemory(d, true);
    tidyLayout(d);
    expect(d.toString()).toContain('  <memoryBacking>\n    <locked/>\n  </memoryBacking>\n');
    expect(d.toString()).toContain('<metadata><a:x xmlns:a="urn:a"><a:y/></a:x></metadata>');
    expect(before).toContain('<metadata>');
  });

  it('Throughput puts the virtio disk on IOThread 1 and leaves the CD-ROM', () => {
    const d = DomainXml.parse(DOMAIN);
    const r = computeProfile('throughput', host(twoCores), vm({ virtioDisks: ['vda'] }));
    if (!r.ok) throw new Error(r.refusal);
    applyPlan(d, r.plan);
    const xml = d.toString();
    expect(xml).toContain('<iothreads>1</iothreads>');
    expect(xml).toContain('<driver name="qemu" type="raw" iothread="1"/>');
    expect(xml.match(/iothread="1"/g)).toHaveLength(1);
    expect(xml).toMatch(/<cputune>\s*<shares>2048<\/shares>/);
    expect(xml).toContain('<blkiotune><weight>800</weight></blkiotune>');
  });

  it('realtime settings: vcpusched per set and locked memory, and removed again', () => {
    const d = DomainXml.parse(DOMAIN);
    setVcpuSched(d, [
      { vcpus: [0, 1], scheduler: 'fifo', priority: 10 },
      { vcpus: [3], scheduler: 'batch', priority: null },
    ]);
    setLockedMemory(d, true);
    const xml = d.toString();
    expect(xml).toContain('<vcpusched vcpus="0-1" scheduler="fifo" priority="10"/>');
    expect(xml).toContain('<vcpusched vcpus="3" scheduler="batch"/>');
    expect(xml).toContain('<memoryBacking><locked/></memoryBacking>');
    // libvirt writes one element per vCPU: read back as the sets asked for.
    const split = DomainXml.parse(
      xml.replace(
        '<vcpusched vcpus="0-1" scheduler="fifo" priority="10"/>',
        '<vcpusched vcpus="0" scheduler="fifo" priority="10"/><vcpusched vcpus="1" scheduler="fifo" priority="10"/>',
      ),
    );
    expect(readRealtime(split).vcpusched).toEqual([
      { vcpus: [0, 1], scheduler: 'fifo', priority: 10 },
      { vcpus: [3], scheduler: 'batch', priority: null },
    ]);
    setVcpuSched(d, []);
    setLockedMemory(d, false);
    expect(d.toString()).not.toMatch(/vcpusched|memoryBacking/);
    expect(d.toString()).toContain('<shares>512</shares>');
  });
});

describe('realtime settings checks', () => {
  it('refuses unknown vCPUs, a vCPU twice, and priorities where they do not belong', () => {
    const issues = checkRealtimeSettings(
      {
        locked: false,
        vcpusched: [
          { vcpus: [0, 1], scheduler: 'fifo', priority: null },
          { vcpus: [1], scheduler: 'batch', priority: 5 },
          { vcpus: [7], scheduler: 'rr', priority: 2 },
        ],
      },
      2,
    );
    expect(issues.map((i) => i.message)).toEqual([
      'FIFO and round-robin need a priority from 1 to 99.',
      'vCPU 1 already has a policy in row 1; give each vCPU one.',
      'Only FIFO and round-robin take a priority; leave it empty.',
      'This VM has 2 vCPUs (0–1); there is no vCPU 7.',
    ]);
    expect(
      checkRealtimeSettings({ locked: true, vcpusched: [{ vcpus: [0], scheduler: 'rr', priority: 99 }] }, 1),
    ).toEqual([]);
  });
});

describe('the host’s realtime judgement', () => {
  /** This test machine: no isolated CPUs, not PREEMPT_RT, cgroup v1 realtime groups, memlock capped. */
  const here: RealtimeReadings = {
    isolated: '\n',
    realtimeFlag: null,
    kernel: '6.18.44 #1 SMP PREEMPT_DYNAMIC',
    schedRtRuntimeUs: '950000\n',
    rtGroupSched: true,
    machineRtRuntimeUs: '0\n',
    limits:
      'Limit                     Soft Limit           Hard Limit           Units\n' +
      'Max locked memory         8388608              8388608              bytes\n' +
      'Max realtime priority     0                    0\n',
    status: 'Name:\tx\nCapBnd:\t000001fffeffffff\n',
    diskWeightFile: false,
  };

  it('says plainly what this machine lacks', () => {
    const h = judgeRealtimeHost(here, 'system');
    expect(h).toMatchObject({
      where: 'local',
      isolatedCpus: [],
      realtimeKernel: false,
      realtimeBudget: false,
      rtRuntimeUs: 950000,
      machineRtRuntimeUs: 0,
      memoryLock: false,
      memlockLimitKiB: 8192,
    });
    expect(h.lacks).toHaveLength(5);
    expect(h.lacks[2]).toMatch(
      /cgroups libvirt makes for vCPUs get none \(the VMs’ cgroup has 0 µs\): FIFO\/RR vCPUs are refused/,
    );
    expect(h.lacks[3]).toMatch(/capped at 8192 KiB \(RLIMIT_MEMLOCK\).*no CAP_SYS_RESOURCE/);
    expect(h.diskWeight).toBe(false);
    expect(h.lacks[4]).toMatch(/takes no weights \(neither BFQ nor CFQ\): libvirt refuses a disk weight/);
  });

  it('a realtime host with isolated CPUs and no budget enforced lacks nothing', () => {
    const h = judgeRealtimeHost(
      {
        ...here,
        isolated: '2-3\n',
        kernel: '6.6.0-rt #1 SMP PREEMPT_RT',
        schedRtRuntimeUs: '-1',
        status: 'CapBnd:\t000001ffffffffff\n',
        diskWeightFile: true,
      },
      'system',
    );
    expect(h).toMatchObject({
      isolatedCpus: [2, 3],
      realtimeKernel: true,
      realtimeBudget: true,
      memoryLock: true,
      diskWeight: true,
    });
    expect(h.lacks).toEqual([]);
  });

  it('a session daemon needs RLIMIT_RTPRIO and an unlimited memlock', () => {
    const h = judgeRealtimeHost({ ...here, rtGroupSched: false }, 'session');
    expect(h.realtimeBudget).toBe(false);
    expect(h.lacks.join(' ')).toMatch(/RLIMIT_RTPRIO is 0/);
    expect(h.memoryLock).toBe(false);
  });
});

describe('where the daemon runs', () => {
  it('reads this machine’s files only for a daemon on this machine', () => {
    expect(isLocalUri('qemu:///system')).toBe(true);
    expect(isLocalUri('qemu+unix:///system?socket=/tmp/x/sock')).toBe(true);
    expect(isLocalUri('qemu+ssh://root@far.example/system')).toBe(false);
    expect(isLocalUri('qemu+tcp://10.0.0.2/system')).toBe(false);
    expect(daemonKind('qemu:///session')).toBe('session');
    expect(daemonKind('qemu+unix:///system?socket=/s')).toBe('system');
  });
});
