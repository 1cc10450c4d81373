import { bytesOf, child, children, intOf, localName, parseXml, textOf, type XmlElement } from './xml.js';

/** What the VM service reads from a domain's XML description. */
export interface DomainXmlInfo {
  name: string | null;
  uuid: string | null;
  title: string | null;
  description: string | null;
  osId: string | null;
  arch: string | null;
  machine: string | null;
  firmware: 'bios' | 'uefi';
  emulator: string | null;
  /** Has an nvram file (UEFI vars) that undefine must be told about. */
  hasNvram: boolean;
  vcpus: number | null;
  maxVcpus: number | null;
  /** <memory> (maximum) and <currentMemory>, in KiB. */
  memoryKiB: number | null;
  currentMemoryKiB: number | null;
  cpu: {
    mode: string | null;
    model: string | null;
    sockets: number | null;
    cores: number | null;
    threads: number | null;
  };
  bootDevices: string[];
  disks: DomainXmlDisk[];
  nics: DomainXmlNic[];
  graphics: { type: string; port: number | null; listen: string | null }[];
}

export interface DomainXmlDisk {
  target: string;
  bus: string | null;
  device: string;
  type: string;
  /** file/block path, 'pool/volume' for type=volume, protocol/name for network; null when empty. */
  source: string | null;
  /** For type=volume. */
  pool: string | null;
  volume: string | null;
  format: string | null;
  readonly: boolean;
  shareable: boolean;
}

export interface DomainXmlNic {
  mac: string | null;
  type: string;
  source: string | null;
  model: string | null;
  target: string | null;
}

/** A libvirt memory element (`<memory unit='KiB'>…</memory>`) in KiB. */
const memoryKiB = (el: XmlElement | undefined): number | null => {
  const bytes = bytesOf(el);
  return bytes === null ? null : Math.round(bytes / 1024);
};

const findLibosinfoOs = (metadata: XmlElement | undefined): string | null => {
  if (!metadata) return null;
  for (const c of metadata.children) {
    if (localName(c.name) !== 'libosinfo') continue;
    const os = c.children.find((o) => localName(o.name) === 'os');
    if (os?.attrs.id) return os.attrs.id;
  }
  return null;
};

const diskSource = (d: XmlElement, type: string): Pick<DomainXmlDisk, 'source' | 'pool' | 'volume'> => {
  const src = child(d, 'source');
  if (!src) return { source: null, pool: null, volume: null };
  switch (type) {
    case 'file':
      return { source: src.attrs.file ?? null, pool: null, volume: null };
    case 'block':
      return { source: src.attrs.dev ?? null, pool: null, volume: null };
    case 'dir':
      return { source: src.attrs.dir ?? null, pool: null, volume: null };
    case 'volume': {
      const pool = src.attrs.pool ?? null;
      const volume = src.attrs.volume ?? null;
      return { source: pool && volume ? `${pool}/${volume}` : null, pool, volume };
    }
    case 'network': {
      const proto = src.attrs.protocol ?? 'network';
      const host = child(src, 'host');
      const where = host?.attrs.name
        ? `${host.attrs.name}${host.attrs.port ? `:${host.attrs.port}` : ''}/`
        : '';
      return { source: `${proto}://${where}${src.attrs.name ?? ''}`, pool: null, volume: null };
    }
    default:
      return {
        source: src.attrs.file ?? src.attrs.dev ?? src.attrs.dir ?? src.attrs.name ?? null,
        pool: null,
        volume: null,
      };
  }
};

const nicSource = (n: XmlElement, type: string): string | null => {
  const src = child(n, 'source');
  if (!src) return null;
  switch (type) {
    case 'network':
      return src.attrs.network ?? null;
    case 'bridge':
      return src.attrs.bridge ?? null;
    case 'direct':
      return src.attrs.dev ?? null;
    default:
      return src.attrs.network ?? src.attrs.bridge ?? src.attrs.dev ?? src.attrs.path ?? null;
  }
};

export const parseDomainXml = (xml: string): DomainXmlInfo => {
  const dom = parseXml(xml);
  const os = child(dom, 'os');
  const osType = child(os, 'type');
  const loader = child(os, 'loader');
  const firmware: 'bios' | 'uefi' =
    os?.attrs.firmware === 'efi' ||
    loader?.attrs.type === 'pflash' ||
    /OVMF|edk2|AAVMF/i.test(loader?.text ?? '')
      ? 'uefi'
      : 'bios';
  const cpu = child(dom, 'cpu');
  const topo = child(cpu, 'topology');
  const vcpu = child(dom, 'vcpu');
  const devices = child(dom, 'devices');
  const disks: DomainXmlDisk[] = children(devices, 'disk').map((d) => {
    const type = d.attrs.type ?? 'file';
    return {
      target: child(d, 'target')?.attrs.dev ?? '',
      bus: child(d, 'target')?.attrs.bus ?? null,
      device: d.attrs.device ?? 'disk',
      type,
      ...diskSource(d, type),
      format: child(d, 'driver')?.attrs.type ?? null,
      readonly: !!child(d, 'readonly'),
      shareable: !!child(d, 'shareable'),
    };
  });
  const nics: DomainXmlNic[] = children(devices, 'interface').map((n) => {
    const type = n.attrs.type ?? 'network';
    return {
      mac: child(n, 'mac')?.attrs.address?.toLowerCase() ?? null,
      type,
      source: nicSource(n, type),
      model: child(n, 'model')?.attrs.type ?? null,
      target: child(n, 'target')?.attrs.dev ?? null,
    };
  });
  const graphics = children(devices, 'graphics').map((g) => ({
    type: g.attrs.type ?? 'unknown',
    port: intOf(g.attrs.port),
    listen: g.attrs.listen ?? child(g, 'listen')?.attrs.address ?? null,
  }));
  const vcpuCount = intOf(vcpu?.attrs.current) ?? intOf(vcpu?.text.trim());
  return {
    name: textOf(dom, 'name'),
    uuid: textOf(dom, 'uuid'),
    title: textOf(dom, 'title'),
    description: textOf(dom, 'description'),
    osId: findLibosinfoOs(child(dom, 'metadata')),
    arch: osType?.attrs.arch ?? null,
    machine: osType?.attrs.machine ?? null,
    firmware,
    emulator: textOf(devices, 'emulator'),
    hasNvram: !!child(os, 'nvram') || firmware === 'uefi',
    vcpus: vcpuCount,
    maxVcpus: intOf(vcpu?.text.trim()),
    memoryKiB: memoryKiB(child(dom, 'memory')),
    currentMemoryKiB: memoryKiB(child(dom, 'currentMemory')) ?? memoryKiB(child(dom, 'memory')),
    cpu: {
      mode: cpu?.attrs.mode ?? null,
      model: textOf(cpu, 'model'),
      sockets: intOf(topo?.attrs.sockets),
      cores: intOf(topo?.attrs.cores),
      threads: intOf(topo?.attrs.threads),
    },
    bootDevices: children(os, 'boot')
      .map((b) => b.attrs.dev ?? '')
      .filter(Boolean),
    disks,
    nics,
    graphics,
  };
};
