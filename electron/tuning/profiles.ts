/**
 * The Tuning tab's profiles, computed for one host and one VM (pure): what each sets, what it leaves out
 * because the host cannot give it (said in a note), and when the host cannot honour it at all (a refusal,
 * one sentence). `applyPlan` writes a plan into a domain description.
 *
 * - Balanced: the host's scheduler decides — no pinning, no NUMA binding, no realtime, no locked memory
 *   or reserved hugepages, default shares and disk weight. The way back from the other two.
 * - Low latency: each vCPU on a host core of its own on one NUMA node (isolated cores first), the
 *   emulator threads on the node's other cores, memory from that node (hugepages when it has enough
 *   free), the host's CPU passed through, FIFO vCPUs, locked memory.
 * - Throughput: no pinning (the scheduler balances a busy host best), twice the default CPU shares, a
 *   high disk weight (none where the host's I/O scheduler takes no weights), the VM's virtio disks on
 *   an IOThread, the host's CPU passed through, no realtime.
 */
import { cpuRangesText } from '../../shared/model/index.js';
import type { HostCell } from '../../shared/contract/tuning.js';
import type { TuningProfile } from '../../shared/contract/tuning-plans.js';
import {
  setBlkioWeight,
  setCpuMode,
  setCpuShares,
  setEmulatorPin,
  setHugepageSize,
  setLockedMemory,
  setNumaMemory,
  setVcpuPins,
  setVcpuSched,
  useIothread,
  type DomainVcpuSched,
  type DomainXml,
} from '../libvirt-xml/index.js';

export interface ProfileHost {
  cells: readonly HostCell[];
  /** Free hugepages per NUMA node and page size; null when they cannot be read (a remote host). */
  freeHugepages: readonly { node: number; sizeKiB: number; free: number }[] | null;
  /** Whether vCPU threads may get FIFO/RR (null: cannot be checked), and why not, in words. */
  realtimeBudget: boolean | null;
  realtimeWhyNot?: string;
  /** Whether libvirt can lock the VM's memory (null: cannot be checked), and why not, in words. */
  memoryLock: boolean | null;
  memoryLockWhyNot?: string;
  /** Whether the host's I/O scheduler takes disk weights (null: cannot be checked), and why not. */
  diskWeight: boolean | null;
  diskWeightWhyNot?: string;
  isolatedCpus: readonly number[] | null;
  /** The hypervisor can pass the host's CPU through (domain capabilities). */
  hostPassthrough: boolean;
  /** The hypervisor has IOThreads (domain capabilities). */
  iothreads: boolean;
}

export interface ProfileVm {
  maxVcpus: number;
  memoryKiB: number;
  /** Virtio disks (targets), the ones an IOThread can serve. */
  virtioDisks: readonly string[];
  iothreads: number;
}

/** What a profile sets; a field left undefined stays as the VM has it. */
export interface ProfilePlan {
  vcpuPins?: { vcpu: number; cpus: number[] }[];
  emulatorPin?: number[] | null;
  numaMemory?: { mode: string; nodeset: number[] } | null;
  hugepageSizeKiB?: number | null;
  cpuMode?: 'host-passthrough';
  vcpusched?: DomainVcpuSched[];
  locked?: boolean;
  shares?: number | null;
  blkioWeight?: number | null;
  iothread?: { id: number; count: number; disks: string[] };
}

export type ProfileResult =
  { ok: true; plan: ProfilePlan; notes: string[] } | { ok: false; refusal: string; notes: string[] };

const list = cpuRangesText;
const mib = (kib: number): string => `${Math.round(kib / 1024)} MiB`;
const pageName = (kib: number): string =>
  kib >= 1048576 ? `${kib / 1048576} GiB` : kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A node's online physical cores, each as its logical CPUs (ascending), in core order. */
export const coresOf = (cell: HostCell): number[][] => {
  const cores = new Map<string, number[]>();
  for (const cpu of cell.cpus) {
    if (!cpu.online) continue;
    const key = `${cpu.socket}/${cpu.die}/${cpu.core}`;
    cores.set(key, [...(cores.get(key) ?? []), cpu.id]);
  }
  return [...cores.values()].map((c) => c.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
};

const balanced = (): ProfileResult => ({
  ok: true,
  plan: {
    vcpuPins: [],
    emulatorPin: null,
    numaMemory: null,
    hugepageSizeKiB: null,
    vcpusched: [],
    locked: false,
    shares: null,
    blkioWeight: null,
  },
  notes: [
    'The host’s scheduler places the vCPUs and the emulator where it sees fit: no pinning, no NUMA binding.',
    'No realtime policy, no locked memory, no reserved hugepages: the VM starts on any host and shares it fairly.',
    'CPU shares and the disk weight go back to the defaults. The CPU model and IOThreads stay as they are.',
  ],
});

const lowLatency = (host: ProfileHost, vm: ProfileVm): ProfileResult => {
  const n = vm.maxVcpus;
  const notes: string[] = [];
  const isolated = new Set(host.isolatedCpus ?? []);
  const nodes = host.cells.map((cell) => ({ cell, cores: coresOf(cell) }));
  const enoughCores = nodes.filter((x) => x.cores.length >= n + 1);
  if (enoughCores.length === 0) {
    const best = [...nodes].sort((a, b) => b.cores.length - a.cores.length)[0];
    return {
      ok: false,
      refusal:
        `Low latency needs one NUMA node with at least ${plural(n + 1, 'core')} — one for each of the ` +
        `VM’s ${plural(n, 'vCPU')} and one for the emulator — and ` +
        (best
          ? `this host’s largest node, node ${best.cell.id}, has ${plural(best.cores.length, 'core')}.`
          : 'this host lists no CPUs.'),
      notes: ['Give the VM fewer vCPUs, or use Throughput, which does not pin.'],
    };
  }
  const fits = enoughCores.filter((x) => x.cell.memoryKiB === null || x.cell.memoryKiB >= vm.memoryKiB);
  if (fits.length === 0)
    return {
      ok: false,
      refusal:
        `Low latency keeps the VM’s memory on one NUMA node, and no node with ${plural(n + 1, 'core')} has ` +
        `the ${mib(vm.memoryKiB)} it needs (the largest has ${mib(Math.max(...enoughCores.map((x) => x.cell.memoryKiB ?? 0)))}).`,
      notes: [],
    };

  const hugepageFor = (node: number): number | null => {
    const free = (host.freeHugepages ?? [])
      .filter((p) => p.node === node && vm.memoryKiB % p.sizeKiB === 0 && p.free * p.sizeKiB >= vm.memoryKiB)
      .sort((a, b) => b.sizeKiB - a.sizeKiB);
    return free[0]?.sizeKiB ?? null;
  };
  const isolatedCores = (cores: number[][]) => cores.filter((c) => c.every((id) => isolated.has(id))).length;
  // The node with most isolated cores, then one with free hugepages for the VM, then the most cores.
  const chosen = [...fits].sort(
    (a, b) =>
      isolatedCores(b.cores) - isolatedCores(a.cores) ||
      Number(hugepageFor(b.cell.id) !== null) - Number(hugepageFor(a.cell.id) !== null) ||
      b.cores.length - a.cores.length ||
      a.cell.id - b.cell.id,
  )[0]!;
  const node = chosen.cell.id;
  // vCPUs on isolated cores first, then the node's last cores; the first core keeps the housekeeping.
  const ranked = [...chosen.cores].sort(
    (a, b) =>
      Number(b.every((id) => isolated.has(id))) - Number(a.every((id) => isolated.has(id))) || b[0]! - a[0]!,
  );
  const vcpuCores = ranked.slice(0, n).sort((a, b) => a[0]! - b[0]!);
  const emulatorCores = chosen.cores.filter((c) => !vcpuCores.includes(c));
  const plan: ProfilePlan = {
    vcpuPins: vcpuCores.map((core, vcpu) => ({ vcpu, cpus: [core[0]!] })),
    emulatorPin: emulatorCores.flat().sort((a, b) => a - b),
    numaMemory: { mode: 'strict', nodeset: [node] },
    shares: null,
  };
  const vcpuCpus = vcpuCores.map((c) => c[0]!);
  notes.push(
    `Each vCPU gets a host core of its own on NUMA node ${node} (host CPU ${list(vcpuCpus)}); the emulator ` +
      `threads run on the node’s other cores (CPU ${list(plan.emulatorPin!)}), and the memory comes from node ${node} only.`,
  );
  const siblings = vcpuCores.flatMap((c) => c.slice(1));
  if (siblings.length > 0)
    notes.push(
      `The SMT siblings of those cores (CPU ${list(siblings)}) get nothing of this VM, so no vCPU shares a core.`,
    );
  const notIsolated = vcpuCpus.filter((c) => !isolated.has(c));
  if (host.isolatedCpus === null)
    notes.push(
      'Whether the host keeps its own tasks off those CPUs (isolcpus) cannot be checked on a remote host.',
    );
  else if (notIsolated.length > 0)
    notes.push(
      `Host CPU ${list(notIsolated)} ${notIsolated.length === 1 ? 'is' : 'are'} not isolated: other host tasks may still run there (isolcpus= on the kernel command line keeps them off).`,
    );

  const page = hugepageFor(node);
  if (page !== null) {
    plan.hugepageSizeKiB = page;
    notes.push(
      `Memory is backed by ${pageName(page)} hugepages from node ${node}, which has enough free for the VM’s ${mib(vm.memoryKiB)}.`,
    );
  } else {
    plan.hugepageSizeKiB = null;
    const free = (host.freeHugepages ?? []).filter((p) => p.node === node && p.free > 0);
    notes.push(
      host.freeHugepages === null
        ? 'Offered without hugepages: the host’s free hugepages cannot be read on a remote host.'
        : `Offered without hugepages: node ${node} has ${free.length === 0 ? 'no free hugepages' : free.map((p) => `${p.free} free ${pageName(p.sizeKiB)} pages`).join(' and ')}, not enough for the VM’s ${mib(vm.memoryKiB)}. Reserve some on the Host page to use them.`,
    );
  }

  if (host.hostPassthrough) {
    plan.cpuMode = 'host-passthrough';
    notes.push(
      'The guest sees the host’s own CPU (host-passthrough): every feature, no emulated model in between.',
    );
  } else notes.push('The CPU model stays: this hypervisor cannot pass the host’s CPU through (no KVM).');

  if (host.realtimeBudget === false) {
    plan.vcpusched = [];
    notes.push(
      `Offered without realtime vCPUs: ${host.realtimeWhyNot ?? 'this host gives VMs no realtime CPU time'}`,
    );
  } else {
    plan.vcpusched = [{ vcpus: Array.from({ length: n }, (_, i) => i), scheduler: 'fifo', priority: 1 }];
    notes.push(
      'The vCPU threads run FIFO at priority 1: ahead of every ordinary task on their cores, behind the kernel’s own realtime threads.' +
        (host.realtimeBudget === null
          ? ' Whether the host allows it cannot be checked from here; if not, the VM will not start.'
          : ''),
    );
  }

  if (host.memoryLock === false) {
    plan.locked = false;
    notes.push(
      `Offered without locked memory: ${host.memoryLockWhyNot ?? 'libvirt cannot lift the locked-memory limit here'}`,
    );
  } else {
    plan.locked = true;
    notes.push('The VM’s memory is locked: the host never swaps it out.');
  }
  return { ok: true, plan, notes };
};

const throughput = (host: ProfileHost, vm: ProfileVm): ProfileResult => {
  const plan: ProfilePlan = {
    vcpuPins: [],
    emulatorPin: null,
    numaMemory: null,
    vcpusched: [],
    shares: 2048,
    // A host whose scheduler takes no weights refuses one, and a VM defined with one does not start.
    blkioWeight: host.diskWeight === false ? null : 800,
  };
  const notes = [
    'No pinning: on a busy host the scheduler spreads the vCPUs over idle cores better than a fixed placement.',
    'CPU shares 2048, twice the default: when the host is busy this VM gets twice the CPU time of a default VM.',
    host.diskWeight === false
      ? `No disk weight: ${host.diskWeightWhyNot ?? 'this host’s disk I/O scheduler takes no weights'}`
      : 'Disk weight 800 of 1000 (default 500): when disks are contended this VM’s I/O goes first, where the host’s I/O scheduler honours weights.',
  ];
  if (host.iothreads && vm.virtioDisks.length > 0) {
    plan.iothread = { id: 1, count: Math.max(1, vm.iothreads), disks: [...vm.virtioDisks] };
    notes.push(
      vm.virtioDisks.length === 1
        ? `The virtio disk ${vm.virtioDisks[0]} gets IOThread 1: its I/O no longer waits on the emulator’s main thread.`
        : `The virtio disks ${vm.virtioDisks.join(', ')} get IOThread 1: their I/O no longer waits on the emulator’s main thread.`,
    );
  } else
    notes.push(
      host.iothreads
        ? 'No IOThread: the VM has no virtio disk to give one.'
        : 'No IOThread: this hypervisor has none.',
    );
  if (host.hostPassthrough) {
    plan.cpuMode = 'host-passthrough';
    notes.push('The guest sees the host’s own CPU (host-passthrough), with every instruction set extension.');
  } else notes.push('The CPU model stays: this hypervisor cannot pass the host’s CPU through (no KVM).');
  notes.push(
    'No realtime vCPUs: they would starve the host’s own I/O threads. Hugepages, locked memory and the disk cache stay as they are — cache="none" suits throughput but needs a filesystem with direct I/O, which cannot be checked from here.',
  );
  return { ok: true, plan, notes };
};

export const computeProfile = (profile: TuningProfile, host: ProfileHost, vm: ProfileVm): ProfileResult => {
  switch (profile) {
    case 'balanced':
      return balanced();
    case 'low-latency':
      return lowLatency(host, vm);
    case 'throughput':
      return throughput(host, vm);
  }
};

/** Writes a plan into the domain description (fields the plan leaves undefined stay as they are). */
export const applyPlan = (d: DomainXml, plan: ProfilePlan): void => {
  if (plan.vcpuPins !== undefined) setVcpuPins(d, plan.vcpuPins);
  if (plan.emulatorPin !== undefined) setEmulatorPin(d, plan.emulatorPin);
  if (plan.shares !== undefined) setCpuShares(d, plan.shares);
  if (plan.vcpusched !== undefined) setVcpuSched(d, plan.vcpusched);
  if (plan.numaMemory !== undefined) setNumaMemory(d, plan.numaMemory);
  if (plan.hugepageSizeKiB !== undefined) setHugepageSize(d, plan.hugepageSizeKiB);
  if (plan.locked !== undefined) setLockedMemory(d, plan.locked);
  if (plan.blkioWeight !== undefined) setBlkioWeight(d, plan.blkioWeight);
  if (plan.cpuMode !== undefined) setCpuMode(d, plan.cpuMode);
  if (plan.iothread !== undefined) useIothread(d, plan.iothread.count, plan.iothread.id, plan.iothread.disks);
};
