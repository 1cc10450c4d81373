/**
 * A libvirt domain description (formatdomain): typed reads of what the app shows and uses, and the edits
 * it makes (clone, display), on the parsed document so every other element and attribute survives.
 */
import {
  add,
  attr,
  attributes,
  bytesOf,
  child,
  children,
  elements,
  intOf,
  localName,
  newDocument,
  remove,
  serializeXml,
  setAttrs,
  setText,
  text,
  XmlError,
  type Attrs,
  type XmlElement,
} from './dom.js';
import { LibvirtXml } from './document.js';

export interface DomainDisk {
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

export interface DomainInterface {
  mac: string | null;
  type: string;
  source: string | null;
  model: string | null;
  target: string | null;
}

export interface GraphicsListen {
  type: string; // 'address' | 'network' | 'socket' | 'none'
  address?: string;
  socket?: string;
}

export interface GraphicsDevice {
  type: string; // 'vnc' | 'spice' | 'sdl' | 'rdp' | 'dbus' | 'egl-headless' | …
  attrs: Record<string, string>;
  listens: GraphicsListen[];
}

/** A serial, console or channel device (character devices). */
export interface CharDevice {
  kind: 'serial' | 'console' | 'channel';
  type: string;
  /** The host side: pty path, unix socket path, file… (null when libvirt has not assigned one). */
  path: string | null;
  targetType: string | null;
  targetPort: number | null;
  /** Channels: the guest-visible name (e.g. org.qemu.guest_agent.0). */
  targetName: string | null;
}

export interface SecurityLabel {
  model: string;
  type: string;
  label: string | null;
  imageLabel: string | null;
  relabel: boolean | null;
}

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
  disks: DomainDisk[];
  nics: DomainInterface[];
  graphics: { type: string; port: number | null; listen: string | null }[];
}

/** libosinfo's namespace for the OS id in a domain's metadata (as virt-install writes it). */
export const LIBOSINFO_NS = 'http://libosinfo.org/xmlns/libvirt/domain/1.0';

/** The VNC display VirtDesk adds: autoport, loopback only (reached through the app's proxy). */
export const VNC_GRAPHICS: Attrs = { type: 'vnc', autoport: 'yes', listen: '127.0.0.1' };

/** A `<graphics>` device on its own, e.g. for attach-device. */
export const graphicsDeviceXml = (attrs: Attrs = VNC_GRAPHICS): string =>
  serializeXml(newDocument('graphics', attrs));

const kib = (el: XmlElement | undefined): number | null => {
  const bytes = bytesOf(el);
  return bytes === null ? null : Math.round(bytes / 1024);
};

const diskSource = (d: XmlElement, type: string): Pick<DomainDisk, 'source' | 'pool' | 'volume'> => {
  const src = child(d, 'source');
  if (!src) return { source: null, pool: null, volume: null };
  const a = (name: string) => attr(src, name);
  switch (type) {
    case 'file':
      return { source: a('file'), pool: null, volume: null };
    case 'block':
      return { source: a('dev'), pool: null, volume: null };
    case 'dir':
      return { source: a('dir'), pool: null, volume: null };
    case 'volume': {
      const pool = a('pool');
      const volume = a('volume');
      return { source: pool && volume ? `${pool}/${volume}` : null, pool, volume };
    }
    case 'network': {
      const proto = a('protocol') ?? 'network';
      const host = child(src, 'host');
      const hostName = attr(host, 'name');
      const port = attr(host, 'port');
      const where = hostName ? `${hostName}${port ? `:${port}` : ''}/` : '';
      return { source: `${proto}://${where}${a('name') ?? ''}`, pool: null, volume: null };
    }
    default:
      return {
        source: a('file') ?? a('dev') ?? a('dir') ?? a('name'),
        pool: null,
        volume: null,
      };
  }
};

const nicSource = (n: XmlElement, type: string): string | null => {
  const src = child(n, 'source');
  if (!src) return null;
  const a = (name: string) => attr(src, name);
  switch (type) {
    case 'network':
      return a('network');
    case 'bridge':
      return a('bridge');
    case 'direct':
      return a('dev');
    default:
      return a('network') ?? a('bridge') ?? a('dev') ?? a('path');
  }
};

const readGraphics = (g: XmlElement): GraphicsDevice => ({
  type: attr(g, 'type') ?? '',
  attrs: attributes(g),
  listens: children(g, 'listen').map((l) => {
    const listen: GraphicsListen = { type: attr(l, 'type') ?? 'address' };
    const address = attr(l, 'address');
    const socket = attr(l, 'socket');
    if (address !== null) listen.address = address;
    if (socket !== null) listen.socket = socket;
    return listen;
  }),
});

const readCharDevice = (kind: CharDevice['kind'], el: XmlElement): CharDevice => {
  const source = child(el, 'source');
  const target = child(el, 'target');
  return {
    kind,
    type: attr(el, 'type') ?? 'pty',
    path: attr(source, 'path') ?? attr(el, 'tty'),
    targetType: attr(target, 'type'),
    targetPort: intOf(attr(target, 'port')),
    targetName: attr(target, 'name'),
  };
};

export class DomainXml extends LibvirtXml {
  /** Parses a domain description; throws XmlError when it is malformed or not a <domain>. */
  static parse(xml: string): DomainXml {
    return new DomainXml(LibvirtXml.rootOf(xml, 'domain'));
  }

  /** A new, empty description of the given virtualization type (kvm, qemu, test…). */
  static create(type: string): DomainXml {
    return new DomainXml(newDocument('domain', { type }));
  }

  private get devices(): XmlElement | undefined {
    return child(this.root, 'devices');
  }

  private get os(): XmlElement | undefined {
    return child(this.root, 'os');
  }

  get title(): string | null {
    return text(this.root, 'title');
  }
  get description(): string | null {
    return text(this.root, 'description');
  }

  /** The osinfo id from libosinfo's metadata (any prefix), or null. */
  get osId(): string | null {
    for (const c of elements(child(this.root, 'metadata'))) {
      if (localName(c) !== 'libosinfo') continue;
      const id = attr(
        elements(c).find((o) => localName(o) === 'os'),
        'id',
      );
      if (id) return id;
    }
    return null;
  }

  /** The element of a metadata namespace (libvirt allows one per namespace), or undefined. */
  metadata(namespaceUri: string): XmlElement | undefined {
    return elements(child(this.root, 'metadata')).find((c) => c.namespaceURI === namespaceUri);
  }

  get arch(): string | null {
    return attr(child(this.os, 'type'), 'arch');
  }
  get machine(): string | null {
    return attr(child(this.os, 'type'), 'machine');
  }

  get firmware(): 'bios' | 'uefi' {
    const loader = child(this.os, 'loader');
    return attr(this.os, 'firmware') === 'efi' ||
      attr(loader, 'type') === 'pflash' ||
      /OVMF|edk2|AAVMF/i.test(text(loader) ?? '')
      ? 'uefi'
      : 'bios';
  }

  /** Has an nvram file (UEFI vars) that undefine must be told about. */
  get hasNvram(): boolean {
    return !!child(this.os, 'nvram') || this.firmware === 'uefi';
  }

  get emulator(): string | null {
    return text(this.devices, 'emulator');
  }

  /** Current vCPUs (the `current` attribute, else the maximum). */
  get vcpus(): number | null {
    const vcpu = child(this.root, 'vcpu');
    return intOf(attr(vcpu, 'current')) ?? intOf(text(vcpu));
  }
  get maxVcpus(): number | null {
    return intOf(text(this.root, 'vcpu'));
  }

  /** <memory> (the maximum), in KiB. */
  get memoryKiB(): number | null {
    return kib(child(this.root, 'memory'));
  }
  /** <currentMemory>, in KiB; <memory> when absent. */
  get currentMemoryKiB(): number | null {
    return kib(child(this.root, 'currentMemory')) ?? this.memoryKiB;
  }

  get cpu(): DomainXmlInfo['cpu'] {
    const cpu = child(this.root, 'cpu');
    const topo = child(cpu, 'topology');
    return {
      mode: attr(cpu, 'mode'),
      model: text(cpu, 'model'),
      sockets: intOf(attr(topo, 'sockets')),
      cores: intOf(attr(topo, 'cores')),
      threads: intOf(attr(topo, 'threads')),
    };
  }

  get bootDevices(): string[] {
    return children(this.os, 'boot')
      .map((b) => attr(b, 'dev') ?? '')
      .filter(Boolean);
  }

  get disks(): DomainDisk[] {
    return children(this.devices, 'disk').map((d) => {
      const type = attr(d, 'type') ?? 'file';
      const target = child(d, 'target');
      return {
        target: attr(target, 'dev') ?? '',
        bus: attr(target, 'bus'),
        device: attr(d, 'device') ?? 'disk',
        type,
        ...diskSource(d, type),
        format: attr(child(d, 'driver'), 'type'),
        readonly: !!child(d, 'readonly'),
        shareable: !!child(d, 'shareable'),
      };
    });
  }

  get interfaces(): DomainInterface[] {
    return children(this.devices, 'interface').map((n) => {
      const type = attr(n, 'type') ?? 'network';
      return {
        mac: attr(child(n, 'mac'), 'address')?.toLowerCase() ?? null,
        type,
        source: nicSource(n, type),
        model: attr(child(n, 'model'), 'type'),
        target: attr(child(n, 'target'), 'dev'),
      };
    });
  }

  /**
   * The display devices: only `/domain/devices/graphics`. A `<graphics>` anywhere else (e.g. inside
   * `<metadata>`, which others may be allowed to write) is not a device and must never be used.
   */
  get graphics(): GraphicsDevice[] {
    return children(this.devices, 'graphics').map(readGraphics);
  }

  get serials(): CharDevice[] {
    return children(this.devices, 'serial').map((e) => readCharDevice('serial', e));
  }
  get consoles(): CharDevice[] {
    return children(this.devices, 'console').map((e) => readCharDevice('console', e));
  }
  get channels(): CharDevice[] {
    return children(this.devices, 'channel').map((e) => readCharDevice('channel', e));
  }

  /** The security labels (`/domain/seclabel`) of a running domain. */
  get seclabels(): SecurityLabel[] {
    return children(this.root, 'seclabel').map((s) => {
      const relabel = attr(s, 'relabel');
      return {
        model: attr(s, 'model') ?? '',
        type: attr(s, 'type') ?? '',
        label: text(s, 'label'),
        imageLabel: text(s, 'imagelabel'),
        relabel: relabel === null ? null : relabel === 'yes',
      };
    });
  }

  /** The summary the VM service keeps per domain. */
  info(): DomainXmlInfo {
    return {
      name: this.name,
      uuid: this.uuid,
      title: this.title,
      description: this.description,
      osId: this.osId,
      arch: this.arch,
      machine: this.machine,
      firmware: this.firmware,
      emulator: this.emulator,
      hasNvram: this.hasNvram,
      vcpus: this.vcpus,
      maxVcpus: this.maxVcpus,
      memoryKiB: this.memoryKiB,
      currentMemoryKiB: this.currentMemoryKiB,
      cpu: this.cpu,
      bootDevices: this.bootDevices,
      disks: this.disks,
      nics: this.interfaces,
      graphics: this.graphics.map((g) => ({
        type: g.attrs.type ?? 'unknown',
        port: intOf(g.attrs.port),
        listen: g.attrs.listen ?? g.listens[0]?.address ?? null,
      })),
    };
  }

  // ---- edits (each changes only what it names) ----

  /** Renames; throws XmlError when the description has no <name>. */
  setName(name: string): this {
    const el = child(this.root, 'name');
    if (!el) throw new XmlError('The domain XML has no name');
    setText(el, name);
    return this;
  }

  /** Drops the UUID (libvirt generates a new one on define). */
  removeUuid(): this {
    const el = child(this.root, 'uuid');
    if (el) remove(el);
    return this;
  }

  /** Drops every interface's MAC address (libvirt generates new ones). */
  removeMacAddresses(): this {
    for (const nic of children(this.devices, 'interface'))
      for (const mac of children(nic, 'mac')) remove(mac);
    return this;
  }

  /** Empties the NVRAM path (keeping its template), so libvirt creates a fresh vars file. */
  /**
   * Lets libvirt make a fresh NVRAM (from the template) instead of sharing the source's: the path, a
   * `<source>` child (libvirt ≥ 8.5 writes `<nvram type='file'><source file=…/></nvram>`) and the storage
   * type go; the template and its format stay.
   */
  resetNvram(): this {
    const nvram = child(this.os, 'nvram');
    if (nvram) {
      setText(nvram, '');
      setAttrs(nvram, { type: null });
    }
    return this;
  }

  /**
   * Drops static security labels (`/domain/seclabel[@type='static']`): two VMs with one static label
   * share one sVirt context, the isolation sVirt exists for. libvirt then picks a dynamic label.
   */
  removeStaticSecurityLabels(): this {
    for (const label of children(this.root, 'seclabel')) {
      if (attr(label, 'type') === 'static') remove(label);
    }
    return this;
  }

  /**
   * Points disks at their copies, by target device: a file or block disk gets the copy's path (`file` or
   * `dev`), a volume disk the copy's volume name (same pool).
   */
  replaceDiskSources(copies: ReadonlyMap<string, string>): this {
    for (const disk of children(this.devices, 'disk')) {
      const next = copies.get(attr(child(disk, 'target'), 'dev') ?? '');
      const source = child(disk, 'source');
      if (next === undefined || !source) continue;
      const type = attr(disk, 'type') ?? 'file';
      const key = type === 'block' ? 'dev' : type === 'volume' ? 'volume' : 'file';
      setAttrs(source, { [key]: next });
    }
    return this;
  }

  /** Appends a display device to /domain/devices; throws XmlError when there is no <devices>. */
  addGraphics(attrs: Attrs = VNC_GRAPHICS): this {
    const devices = this.devices;
    if (!devices) throw new XmlError('The domain XML has no <devices> element');
    add(devices, 'graphics', attrs);
    return this;
  }
}
