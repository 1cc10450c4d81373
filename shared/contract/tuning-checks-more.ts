/**
 * Checks of the IOThread and per-device block I/O changes against the VM before libvirt is asked (pure):
 * an IOThread the VM lacks, one still used by a disk, a disk that cannot use one, a device that is not a
 * host block device path.
 */
import type { HostCell, TuningChange, TuningView } from './tuning.js';

export interface TuningIssueMore {
  path: (string | number)[];
  message: string;
}

/** tuning-checks' CPU-set check, handed in (importing it would make an import cycle). */
type CpuCheck = (cells: readonly HostCell[], cpus: readonly number[], what: string) => string | null;

type MoreChange = Extract<
  TuningChange,
  { kind: 'iothreads' | 'iothreadpin' | 'disk-iothread' | 'blkiodevice' }
>;

const ids = (xs: readonly number[]): string => (xs.length === 0 ? 'none' : xs.join(', '));

export const checkTuningChangeMore = (
  change: MoreChange,
  ctx: { cells: readonly HostCell[]; config: TuningView },
  checkCpus: CpuCheck,
): TuningIssueMore[] => {
  const { iothreadIds, diskIothreads } = ctx.config;
  switch (change.kind) {
    case 'iothreads': {
      const sorted = [...iothreadIds].sort((a, b) => a - b);
      const dropped = sorted.slice(change.count);
      const busy = diskIothreads.filter((d) => d.iothread !== null && dropped.includes(d.iothread));
      return busy.length === 0
        ? []
        : [
            {
              path: ['count'],
              message: `IOThread ${busy[0]!.iothread} is used by disk ${busy[0]!.target}; put that disk on another IOThread first.`,
            },
          ];
    }
    case 'iothreadpin': {
      if (!iothreadIds.includes(change.iothread))
        return [
          {
            path: ['iothread'],
            message: `This VM has no IOThread ${change.iothread} (its IOThreads: ${ids(iothreadIds)}).`,
          },
        ];
      const bad = checkCpus(ctx.cells, change.cpus, `IOThread ${change.iothread}`);
      return bad === null ? [] : [{ path: ['cpus'], message: bad }];
    }
    case 'disk-iothread': {
      const disk = diskIothreads.find((d) => d.target === change.disk);
      if (!disk) return [{ path: ['disk'], message: `This VM has no disk ${change.disk}.` }];
      if (change.iothread === null) return [];
      if (!iothreadIds.includes(change.iothread))
        return [
          {
            path: ['iothread'],
            message: `This VM has no IOThread ${change.iothread} (its IOThreads: ${ids(iothreadIds)}); add IOThreads first.`,
          },
        ];
      if (disk.bus !== 'virtio')
        return [
          {
            path: ['iothread'],
            message: `Only virtio disks can use an IOThread; ${disk.target} is on the ${disk.bus ?? 'unknown'} bus.`,
          },
        ];
      return [];
    }
    case 'blkiodevice': {
      const d = change.device;
      if (!/^\/dev\/\S+$/.test(d.path))
        return [{ path: ['device', 'path'], message: 'Give a host block device path, such as /dev/sda.' }];
      if (d.weight !== 0 && d.weight < 10)
        return [{ path: ['device', 'weight'], message: 'A weight is 0 (none) or from 10 to 1000.' }];
      return [];
    }
  }
};
