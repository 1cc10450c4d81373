/**
 * What the host kernel shows of a guest's QEMU (integration tests on the private system daemon): its
 * process, its threads' allowed CPUs, its cgroup folders. libvirt's pid file lives inside the daemon's
 * own mount namespace, so the process is found by its command line instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readDiskWeightFile } from '../../electron/tuning/host-realtime.js';

/** The host pid of the guest's QEMU (its command line names the guest). */
export function qemuPid(name: string): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.startsWith(`guest=${name},`) || a === `guest=${name}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no QEMU process for ${name}`);
}

export interface QemuThread {
  tid: number;
  /** The thread's name ("CPU 0/KVM", "IO iothread1"…); 'main' for the process itself. */
  name: string;
  /** Cpus_allowed_list as the kernel writes it ("0-1", "1"). */
  cpus: string;
}

export function qemuThreads(pid: number): QemuThread[] {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    const status = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '';
    const n = Number(tid);
    return { tid: n, name: n === pid ? 'main' : field('Name'), cpus: field('Cpus_allowed_list') };
  });
}

/** Thread name → Cpus_allowed_list of each thread of a process ('main' for the process itself). */
export const threadCpus = (pid: number): Map<string, string> =>
  new Map(qemuThreads(pid).map((t) => [t.name, t.cpus]));

/** The host thread of vCPU `n` ("CPU n/KVM" or "CPU n/TCG"). */
export function vcpuThread(pid: number, n: number): QemuThread {
  const t = qemuThreads(pid).find((x) => x.name.startsWith(`CPU ${n}/`));
  if (!t) throw new Error(`no thread for vCPU ${n} in QEMU ${pid}`);
  return t;
}

/** The guest's cgroup folder under a v1 controller (machine/<n>-<name>.libvirt-qemu). */
export function guestCgroup(controller: string, name: string): string {
  const machine = path.join('/sys/fs/cgroup', controller, 'machine');
  const group = fs.readdirSync(machine).find((g) => g.endsWith(`-${name}.libvirt-qemu`));
  if (!group) throw new Error(`no ${controller} cgroup for ${name}`);
  return path.join(machine, group);
}

export const readTrimmed = (file: string): string => fs.readFileSync(file, 'utf8').trim();

/** The guest's blkio weight file (BFQ's or CFQ's), if the kernel has one. */
export const guestBlkioWeightFile = (name: string): string | undefined =>
  ['blkio.bfq.weight', 'blkio.weight']
    .map((n) => path.join(guestCgroup('blkio', name), n))
    .find((p) => fs.existsSync(p));

/**
 * This machine's I/O scheduler takes no disk weights (neither BFQ nor CFQ): libvirt refuses them here,
 * and the tests check the refusal instead of the cgroup.
 */
export const hostLacksDiskWeights = (): boolean => readDiskWeightFile() === false;
