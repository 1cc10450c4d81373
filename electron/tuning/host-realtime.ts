/**
 * What this host offers for realtime vCPUs and locked memory, read from the kernel's files on a local
 * connection (a remote host's files cannot be read: every fact is then null and said so). The reading is
 * separate from the judgement (`judgeRealtimeHost`, pure) so each judgement is tested on made-up hosts.
 *
 * - Isolated CPUs: /sys/devices/system/cpu/isolated (isolcpus=).
 * - Realtime kernel: /sys/kernel/realtime = 1, or PREEMPT_RT in the kernel version.
 * - Realtime budget: with kernel.sched_rt_runtime_us enforced (≠ -1) and cgroup v1's per-group realtime
 *   budget (cpu.rt_runtime_us files), a cgroup starts with none — and libvirt puts each vCPU thread in a
 *   cgroup of its own, so the kernel refuses FIFO/RR for it and the VM does not start. A session daemon
 *   also needs RLIMIT_RTPRIO.
 * - Locked memory: libvirt lifts QEMU's RLIMIT_MEMLOCK to unlimited; that needs CAP_SYS_RESOURCE (a
 *   system daemon runs as root — unless the machine's bounding set lacks it, as in many containers) or a
 *   hard limit that is unlimited already.
 * - Disk weight: the block I/O controller offers a weight file only under an I/O scheduler that honours
 *   weights (BFQ, or CFQ on old kernels). Without one (mq-deadline, none, kyber) libvirt refuses a weight
 *   ("blkio device weight is valid only for bfq or cfq scheduler"), and a VM whose definition has one does
 *   not start.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { RealtimeHost } from '../../shared/contract/tuning-plans.js';
import { parseCpuList } from '../libvirt-xml/index.js';

/** The raw readings (null: the file is not there or unreadable). */
export interface RealtimeReadings {
  isolated: string | null;
  realtimeFlag: string | null;
  kernel: string;
  schedRtRuntimeUs: string | null;
  /** cgroup v1's cpu controller root has cpu.rt_runtime_us (realtime group scheduling). */
  rtGroupSched: boolean;
  /** The VMs' parent cgroup's cpu.rt_runtime_us (machine.slice or machine), when there. */
  machineRtRuntimeUs: string | null;
  /** /proc/self/limits and /proc/self/status of this process (same machine, same bounding set). */
  limits: string | null;
  status: string | null;
  /** The VMs' block I/O cgroup has a weight file (null: no block I/O controller found to look in). */
  diskWeightFile: boolean | null;
}

const CAP_SYS_RESOURCE = 24n;

const readOrNull = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** The cgroups the VMs' block I/O cgroups sit in (libvirt's on cgroup v1, systemd's), else the root. */
const VM_PARENTS = ['machine.slice', 'machine', ''];

/**
 * Whether the VMs' block I/O cgroup would have a weight file: the files libvirt writes a weight to
 * (cgroup v1's blkio, v2's io controller), looked for where the VMs' cgroups are made.
 */
export const readDiskWeightFile = (root = '/sys/fs/cgroup'): boolean | null => {
  const v2 = fs.existsSync(`${root}/cgroup.controllers`);
  const dir = v2 ? root : `${root}/blkio`;
  const files = v2 ? ['io.bfq.weight', 'io.weight'] : ['blkio.bfq.weight', 'blkio.weight'];
  // v2 has the files only below the root, where the io controller is enabled.
  const parents = VM_PARENTS.filter((p) => !(v2 && p === '')).map((p) => (p ? `${dir}/${p}` : dir));
  const parent = parents.find((p) => fs.existsSync(p));
  if (parent === undefined) return null;
  // v2: without the io controller in the VMs' slice there is nothing to tell by.
  if (v2 && !readOrNull(`${parent}/cgroup.controllers`)?.split(/\s+/).includes('io')) return null;
  return files.some((f) => fs.existsSync(`${parent}/${f}`));
};

export const readRealtimeHost = (): RealtimeReadings => {
  const cpuRoot = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'].find((d) =>
    fs.existsSync(`${d}/cpu.rt_runtime_us`),
  );
  return {
    isolated: readOrNull('/sys/devices/system/cpu/isolated'),
    realtimeFlag: readOrNull('/sys/kernel/realtime'),
    kernel: `${os.release()} ${os.version()}`,
    schedRtRuntimeUs: readOrNull('/proc/sys/kernel/sched_rt_runtime_us'),
    rtGroupSched: cpuRoot !== undefined,
    machineRtRuntimeUs: cpuRoot
      ? (readOrNull(`${cpuRoot}/machine.slice/cpu.rt_runtime_us`) ??
        readOrNull(`${cpuRoot}/machine/cpu.rt_runtime_us`))
      : null,
    limits: readOrNull('/proc/self/limits'),
    status: readOrNull('/proc/self/status'),
    diskWeightFile: readDiskWeightFile(),
  };
};

/** A `/proc/<pid>/limits` row's soft and hard values (null = unlimited), or undefined when absent. */
const limitRow = (
  limits: string | null,
  name: string,
): { soft: number | null; hard: number | null } | undefined => {
  const line = limits?.split('\n').find((l) => l.startsWith(name));
  if (!line) return undefined;
  const [soft, hard] = line.slice(name.length).trim().split(/\s+/);
  const n = (v: string | undefined) => (v === undefined || v === 'unlimited' ? null : Number(v));
  return { soft: n(soft), hard: n(hard) };
};

const capBound = (status: string | null, cap: bigint): boolean | null => {
  const hex = status?.match(/^CapBnd:\s*([0-9a-f]+)$/m)?.[1];
  return hex === undefined ? null : ((BigInt(`0x${hex}`) >> cap) & 1n) === 1n;
};

const int = (s: string | null): number | null => {
  const v = s === null ? NaN : Number(s.trim());
  return Number.isInteger(v) ? v : null;
};

export const REMOTE_REALTIME_HOST: RealtimeHost = {
  where: 'remote',
  isolatedCpus: null,
  realtimeKernel: null,
  kernel: null,
  realtimeBudget: null,
  rtRuntimeUs: null,
  machineRtRuntimeUs: null,
  memoryLock: null,
  memlockLimitKiB: null,
  diskWeight: null,
  lacks: [
    'This is a remote host: whether it has isolated CPUs, a realtime kernel, realtime CPU time for VMs, a locked-memory allowance and disk weights cannot be checked from here.',
  ],
};

/** The judgement (pure): what the host offers and, for each thing it lacks, one plain sentence. */
export const judgeRealtimeHost = (r: RealtimeReadings, daemon: 'system' | 'session'): RealtimeHost => {
  const lacks: string[] = [];
  const isolatedCpus =
    r.isolated === null ? null : r.isolated.trim() === '' ? [] : parseCpuList(r.isolated.trim());
  if (isolatedCpus !== null && isolatedCpus.length === 0)
    lacks.push(
      'No host CPU is isolated: the host’s own tasks may run on any CPU, the vCPUs’ included (isolcpus= on the kernel command line sets CPUs aside).',
    );
  const realtimeKernel = r.realtimeFlag?.trim() === '1' || /PREEMPT_RT/.test(r.kernel);
  if (!realtimeKernel)
    lacks.push(
      'The kernel is not a realtime (PREEMPT_RT) kernel: FIFO vCPUs still run first, but the kernel itself may hold them up for a while.',
    );

  const rtRuntimeUs = int(r.schedRtRuntimeUs);
  const machineRtRuntimeUs = int(r.machineRtRuntimeUs);
  let realtimeBudget = true;
  const rtprio = limitRow(r.limits, 'Max realtime priority');
  if (daemon === 'session' && rtprio && rtprio.hard !== null && rtprio.hard < 1) {
    realtimeBudget = false;
    lacks.push(
      'This user may not give threads realtime priorities (RLIMIT_RTPRIO is 0): FIFO/RR vCPUs are refused and the VM will not start. A system connection can.',
    );
  } else if (r.rtGroupSched && rtRuntimeUs !== -1) {
    realtimeBudget = false;
    lacks.push(
      `The kernel gives realtime CPU time per cgroup (cpu.rt_runtime_us) and the cgroups libvirt makes for vCPUs get none${machineRtRuntimeUs === null ? '' : ` (the VMs’ cgroup has ${machineRtRuntimeUs} µs)`}: FIFO/RR vCPUs are refused and the VM will not start. “sysctl kernel.sched_rt_runtime_us=-1” lifts the budget.`,
    );
  }

  const memlock = limitRow(r.limits, 'Max locked memory');
  const hardUnlimited = memlock !== undefined && memlock.hard === null;
  const canRaise = daemon === 'system' && capBound(r.status, CAP_SYS_RESOURCE) !== false;
  const memoryLock = memlock === undefined ? null : hardUnlimited || canRaise;
  const memlockLimitKiB = memlock?.hard == null ? null : Math.floor(memlock.hard / 1024);
  if (memoryLock === false)
    lacks.push(
      `Locked memory is capped at ${memlockLimitKiB === null ? 'a limit' : `${memlockLimitKiB} KiB`} (RLIMIT_MEMLOCK) and libvirt may not lift the cap here (${daemon === 'system' ? 'no CAP_SYS_RESOURCE on this machine' : 'a session daemon has no CAP_SYS_RESOURCE'}): a VM with locked memory will not start.`,
    );

  const diskWeight = r.diskWeightFile;
  if (diskWeight === false)
    lacks.push(
      'The host’s disk I/O scheduler takes no weights (neither BFQ nor CFQ): libvirt refuses a disk weight, and a VM with one will not start. Weights work where a disk’s scheduler is bfq (/sys/block/<disk>/queue/scheduler lists the ones the kernel has).',
    );

  return {
    where: 'local',
    isolatedCpus,
    realtimeKernel,
    kernel: r.kernel,
    realtimeBudget,
    rtRuntimeUs,
    machineRtRuntimeUs,
    memoryLock,
    memlockLimitKiB,
    diskWeight,
    lacks,
  };
};

/** Is the URI's daemon on this machine (unix socket, or no host) rather than remote? */
export const isLocalUri = (uri: string): boolean => {
  try {
    const u = new URL(uri);
    return u.hostname === '' || u.hostname === 'localhost' || /\+unix:$/.test(u.protocol);
  } catch {
    return false;
  }
};

/** A session daemon (qemu:///session) runs as the user; everything else here as root. */
export const daemonKind = (uri: string): 'system' | 'session' => {
  try {
    return new URL(uri).pathname === '/session' ? 'session' : 'system';
  } catch {
    return 'system';
  }
};
