/**
 * The running VM's vCPU threads as the kernel schedules them, read from /proc on the machine the app
 * runs on (so only for a connection to a daemon on this machine). The QEMU process is found by its
 * command line (`-uuid <uuid>`), not by libvirt's pid file: that file lives in the daemon's own mount
 * namespace, which need not be ours. Its vCPU threads are the ones QEMU names "CPU <n>/KVM" (or
 * "CPU <n>/TCG"); each one's policy and realtime priority come from /proc/<pid>/task/<tid>/stat.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { VcpuThread, VcpuThreadPolicy, VcpuThreads } from '../../shared/contract/tuning-plans.js';

/** Linux's SCHED_* numbers (include/uapi/linux/sched.h). */
const POLICIES: Readonly<Record<number, VcpuThreadPolicy>> = {
  0: 'other',
  1: 'fifo',
  2: 'rr',
  3: 'batch',
  5: 'idle',
  6: 'deadline',
};

/**
 * A /proc/<pid>/task/<tid>/stat line → its scheduling policy and realtime priority (fields 41 and 40,
 * counted from 1). The second field, the thread's name in parentheses, may itself hold spaces and
 * parentheses ("CPU 0/KVM"), so the fields are counted from the last ')'.
 */
export const parseStat = (stat: string): { policy: VcpuThreadPolicy; priority: number } | null => {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // After ") " comes field 3 (state): field n is at index n - 3.
  const rest = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const priority = Number(rest[40 - 3]);
  const policy = Number(rest[41 - 3]);
  if (!Number.isInteger(priority) || !Number.isInteger(policy)) return null;
  return { policy: POLICIES[policy] ?? 'unknown', priority };
};

/** "CPU 3/KVM", "CPU 0/TCG" → 3; any other thread name → null. */
export const vcpuOfThreadName = (comm: string): number | null => {
  const m = /^CPU (\d+)\/(KVM|TCG)$/.exec(comm.trim());
  return m ? Number(m[1]) : null;
};

const read = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null; // gone meanwhile, or not ours to read
  }
};

/** The pid of the process whose command line has `-uuid <uuid>` (QEMU's), or null when none is seen. */
export const findQemuPid = (uuid: string, procRoot = '/proc'): number | null => {
  const wanted = uuid.toLowerCase();
  let entries: string[];
  try {
    entries = fs.readdirSync(procRoot);
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = read(path.join(procRoot, entry, 'cmdline'))?.split('\0');
    if (!argv) continue;
    const at = argv.indexOf('-uuid');
    if (at >= 0 && argv[at + 1]?.toLowerCase() === wanted) return Number(entry);
  }
  return null;
};

/** The vCPU threads of process `pid`, by vCPU number, with their policy and realtime priority. */
export const readVcpuThreads = (pid: number, procRoot = '/proc'): VcpuThread[] => {
  const taskDir = path.join(procRoot, String(pid), 'task');
  let tids: string[];
  try {
    tids = fs.readdirSync(taskDir);
  } catch {
    return [];
  }
  const out: VcpuThread[] = [];
  for (const tid of tids) {
    const vcpu = vcpuOfThreadName(read(path.join(taskDir, tid, 'comm')) ?? '');
    if (vcpu === null) continue;
    const sched = parseStat(read(path.join(taskDir, tid, 'stat')) ?? '');
    if (sched) out.push({ vcpu, tid: Number(tid), ...sched });
  }
  return out.sort((a, b) => a.vcpu - b.vcpu);
};

/**
 * The VM's vCPU threads as the realtime section shows them: read from this machine's /proc when the
 * connection's daemon runs here and the VM runs; otherwise why not (a remote host's /proc can be read
 * only on that host).
 */
export const vcpuThreadsOf = (o: {
  local: boolean;
  running: boolean;
  uuid: string;
  procRoot?: string | undefined;
}): VcpuThreads => {
  if (!o.local) return { status: 'remote', threads: [] };
  if (!o.running) return { status: 'not-running', threads: [] };
  const pid = findQemuPid(o.uuid, o.procRoot);
  if (pid === null) return { status: 'not-found', threads: [] };
  return { status: 'read', threads: readVcpuThreads(pid, o.procRoot) };
};
