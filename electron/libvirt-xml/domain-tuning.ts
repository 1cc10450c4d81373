/**
 * A domain's tuning as its XML describes it (formatdomain "CPU Tuning", "Memory Tuning", "Block I/O
 * Tuning", "NUMA Node Tuning", disk `<iotune>`): pinning, scheduler quotas, memory and block limits.
 * Read-only and pure: the Tuning tab reads the next-boot XML and the running VM's XML with it.
 */
import { attr, bytesOf, child, children, intOf, text, type XmlElement } from './dom.js';
import { parseCpuList } from './capabilities.js';
import type { DomainXml } from './domain.js';
import { readDomainTuningMore, type DomainTuningMore } from './domain-tuning-more.js';
import { readGuestNuma, type GuestNuma } from './domain-guest-numa.js';

export interface DomainIoTune {
  totalBytesSec: number;
  readBytesSec: number;
  writeBytesSec: number;
  totalIopsSec: number;
  readIopsSec: number;
  writeIopsSec: number;
}

export interface DomainTuningDisk {
  /** Target device (vda, sdb…): libvirt's name for the disk in the block calls. */
  target: string;
  /** Source file or device, when the disk has one. */
  source: string | null;
  /** 0 = no limit (libvirt's own meaning). */
  iotune: DomainIoTune;
}

export interface DomainTuning extends DomainTuningMore {
  /** vCPUs the VM runs with (`<vcpu current>`, else the count). */
  vcpus: number;
  maxVcpus: number;
  /** `<vcpu cpuset>`: where vCPUs without their own pin may run; null = anywhere. */
  defaultCpuset: number[] | null;
  /** `<cputune><vcpupin>` by vCPU. */
  vcpuPins: { vcpu: number; cpus: number[] }[];
  emulatorPin: number[] | null;
  iothreads: number;
  iothreadPins: { iothread: number; cpus: number[] }[];
  shares: number | null;
  period: number | null;
  quota: number | null;
  emulatorPeriod: number | null;
  emulatorQuota: number | null;
  iothreadPeriod: number | null;
  iothreadQuota: number | null;
  /** `<numatune><memory>`: null when the VM has none. */
  numa: { mode: string; nodeset: number[] | null; placement: string | null } | null;
  memtune: {
    hardLimitKiB: number | null;
    softLimitKiB: number | null;
    swapHardLimitKiB: number | null;
    minGuaranteeKiB: number | null;
  };
  blkioWeight: number | null;
  /** The guest's own NUMA cells and its huge pages. */
  guestNuma: GuestNuma;
  memoryKiB: number;
  currentMemoryKiB: number;
  disks: DomainTuningDisk[];
}

const num = (el: XmlElement | undefined, path: string): number | null => intOf(text(el, path));

const kibAt = (el: XmlElement | undefined, path: string): number | null => {
  const b = bytesOf(child(el, path));
  return b === null ? null : Math.floor(b / 1024);
};

const cpusOf = (el: XmlElement | undefined): number[] | null => {
  const spec = attr(el, 'cpuset');
  return spec === null ? null : parseCpuList(spec);
};

const IOTUNE_FIELDS: Readonly<Record<keyof DomainIoTune, string>> = {
  totalBytesSec: 'total_bytes_sec',
  readBytesSec: 'read_bytes_sec',
  writeBytesSec: 'write_bytes_sec',
  totalIopsSec: 'total_iops_sec',
  readIopsSec: 'read_iops_sec',
  writeIopsSec: 'write_iops_sec',
};

/** libvirt's typed-parameter name of each `<iotune>` field (the same words as the XML). */
export const iotuneParamNames = IOTUNE_FIELDS;

const readIoTune = (disk: XmlElement): DomainIoTune => {
  const io = child(disk, 'iotune');
  const out = {} as DomainIoTune;
  for (const [key, name] of Object.entries(IOTUNE_FIELDS) as [keyof DomainIoTune, string][])
    out[key] = num(io, name) ?? 0;
  return out;
};

export const readDomainTuning = (xml: DomainXml): DomainTuning => {
  const root = xml.root;
  const vcpu = child(root, 'vcpu');
  const cputune = child(root, 'cputune');
  const memtune = child(root, 'memtune');
  const memory = child(child(root, 'numatune'), 'memory');
  const maxVcpus = intOf(text(vcpu)) ?? 1;
  return {
    vcpus: xml.vcpus ?? maxVcpus,
    maxVcpus,
    defaultCpuset: cpusOf(vcpu),
    vcpuPins: children(cputune, 'vcpupin').flatMap((p) => {
      const v = intOf(attr(p, 'vcpu'));
      const cpus = cpusOf(p);
      return v === null || cpus === null ? [] : [{ vcpu: v, cpus }];
    }),
    emulatorPin: cpusOf(child(cputune, 'emulatorpin')),
    iothreads: num(root, 'iothreads') ?? 0,
    iothreadPins: children(cputune, 'iothreadpin').flatMap((p) => {
      const t = intOf(attr(p, 'iothread'));
      const cpus = cpusOf(p);
      return t === null || cpus === null ? [] : [{ iothread: t, cpus }];
    }),
    shares: num(cputune, 'shares'),
    period: num(cputune, 'period'),
    quota: num(cputune, 'quota'),
    emulatorPeriod: num(cputune, 'emulator_period'),
    emulatorQuota: num(cputune, 'emulator_quota'),
    iothreadPeriod: num(cputune, 'iothread_period'),
    iothreadQuota: num(cputune, 'iothread_quota'),
    numa: memory
      ? {
          mode: attr(memory, 'mode') ?? 'strict',
          nodeset: attr(memory, 'nodeset') === null ? null : parseCpuList(attr(memory, 'nodeset')!),
          placement: attr(memory, 'placement'),
        }
      : null,
    memtune: {
      hardLimitKiB: kibAt(memtune, 'hard_limit'),
      softLimitKiB: kibAt(memtune, 'soft_limit'),
      swapHardLimitKiB: kibAt(memtune, 'swap_hard_limit'),
      minGuaranteeKiB: kibAt(memtune, 'min_guarantee'),
    },
    blkioWeight: num(child(root, 'blkiotune'), 'weight'),
    ...readDomainTuningMore(xml),
    guestNuma: readGuestNuma(xml),
    memoryKiB: xml.memoryKiB ?? 0,
    currentMemoryKiB: xml.currentMemoryKiB ?? 0,
    disks: children(child(root, 'devices'), 'disk')
      .filter((d) => (attr(d, 'device') ?? 'disk') === 'disk')
      .map((d) => {
        const source = child(d, 'source');
        return {
          target: attr(child(d, 'target'), 'dev') ?? '',
          source: attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'name'),
          iotune: readIoTune(d),
        };
      })
      .filter((d) => d.target !== ''),
  };
};
