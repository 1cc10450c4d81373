/**
 * Checks a tuning change against the host and the VM before libvirt is asked (pure). What can be known
 * here — a CPU that does not exist or is offline, a NUMA node the host lacks, an empty set, a hard limit
 * below the memory the VM has now — is refused with a plain sentence; the rest is libvirt's to judge.
 */
import { cpuRangesText } from '../model/index.js';
import type { HostCell, TuningChange, TuningView } from './tuning.js';
import { checkTuningChangeMore } from './tuning-checks-more.js';
import { checkGuestNuma, type NumaCheckContext } from './tuning-checks-numa.js';

export interface TuningIssue {
  path: (string | number)[];
  message: string;
}

const list = (xs: readonly number[]): string => cpuRangesText(xs) || 'none';

/** Problems with a set of host CPUs to pin to (empty, unknown or offline CPUs). */
export const checkCpus = (
  cells: readonly HostCell[],
  cpus: readonly number[],
  what: string,
): string | null => {
  if (cpus.length === 0) return `Choose at least one host CPU for ${what}.`;
  const all = cells.flatMap((c) => c.cpus);
  const known = new Map(all.map((c) => [c.id, c]));
  const online = all
    .filter((c) => c.online)
    .map((c) => c.id)
    .sort((a, b) => a - b);
  const missing = cpus.filter((c) => !known.has(c));
  if (missing.length > 0) return `This host has no CPU ${list(missing)} (its CPUs are ${list(online)}).`;
  const offline = cpus.filter((c) => known.get(c)?.online === false);
  if (offline.length > 0) return `Host CPU ${list(offline)} is offline; choose among ${list(online)}.`;
  return null;
};

const KiB_PER_MiB = 1024;
const mib = (kib: number): string => `${Math.round(kib / KiB_PER_MiB)} MiB`;

export const checkTuningChange = (
  change: TuningChange,
  ctx: { cells: readonly HostCell[]; config: TuningView; running: boolean } & Pick<
    NumaCheckContext,
    'live' | 'pools'
  >,
): TuningIssue[] => {
  const issue = (path: (string | number)[], message: string | null): TuningIssue[] =>
    message === null ? [] : [{ path, message }];
  switch (change.kind) {
    case 'vcpupin': {
      const max = ctx.config.maxVcpus;
      if (change.vcpu >= max)
        return issue(
          ['vcpu'],
          `This VM has ${max} vCPU${max === 1 ? '' : 's'} (0–${max - 1}); there is no vCPU ${change.vcpu}.`,
        );
      return issue(['cpus'], checkCpus(ctx.cells, change.cpus, `vCPU ${change.vcpu}`));
    }
    case 'emulatorpin':
      return issue(['cpus'], checkCpus(ctx.cells, change.cpus, 'the emulator threads'));
    case 'numatune': {
      if (change.nodeset.length === 0) return issue(['nodeset'], 'Choose at least one NUMA node.');
      const nodes = ctx.cells.map((c) => c.id).sort((a, b) => a - b);
      const missing = change.nodeset.filter((n) => !nodes.includes(n));
      return missing.length > 0
        ? issue(['nodeset'], `This host has no NUMA node ${list(missing)} (its nodes are ${list(nodes)}).`)
        : [];
    }
    case 'memtune': {
      const out: TuningIssue[] = [];
      const current = ctx.config.currentMemoryKiB;
      const { hardLimitKiB: hard, softLimitKiB: soft, swapHardLimitKiB: swap } = change;
      if (hard != null && hard < current)
        out.push({
          path: ['hardLimitKiB'],
          message: `A hard limit of ${mib(hard)} is below the ${mib(current)} this VM has; it would be killed. Give at least ${mib(current)}.`,
        });
      if (hard != null && soft != null && soft > hard)
        out.push({ path: ['softLimitKiB'], message: 'The soft limit cannot be above the hard limit.' });
      if (hard != null && swap != null && swap < hard)
        out.push({
          path: ['swapHardLimitKiB'],
          message: 'The memory + swap limit cannot be below the hard limit.',
        });
      return out;
    }
    case 'iotune': {
      const disk = ctx.config.disks.find((d) => d.target === change.disk);
      if (!disk) return issue(['disk'], `This VM has no disk ${change.disk}.`);
      const t = change.iotune;
      if (t.totalBytesSec > 0 && (t.readBytesSec > 0 || t.writeBytesSec > 0))
        return issue(
          ['iotune', 'totalBytesSec'],
          'Give either a total byte limit or read/write limits, not both.',
        );
      if (t.totalIopsSec > 0 && (t.readIopsSec > 0 || t.writeIopsSec > 0))
        return issue(
          ['iotune', 'totalIopsSec'],
          'Give either a total IOPS limit or read/write limits, not both.',
        );
      return [];
    }
    case 'iothreads':
    case 'iothreadpin':
    case 'disk-iothread':
    case 'blkiodevice':
      return checkTuningChangeMore(change, ctx, checkCpus);
    case 'guest-numa':
      return checkGuestNuma(change, ctx);
    case 'blkio':
    case 'sched':
      return [];
  }
};
