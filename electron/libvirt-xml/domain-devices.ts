/**
 * Disks and network interfaces of a domain (formatdomain "Hard drives, floppy disks, CDROMs" and "Network
 * interfaces"): the details the hardware editor shows, the device XML it attaches, and the device XML it
 * hands to detach/update — always cut from the domain's own description, so libvirt matches the device it
 * has and every attribute VirtDesk does not know about goes back unchanged.
 */
import {
  add,
  attr,
  child,
  children,
  elements,
  ensureChild,
  newDocument,
  parseXml,
  remove,
  serializeXml,
  setAttrs,
  text,
  XmlError,
  type XmlElement,
} from './dom.js';
import { DomainXml, type DomainDisk, type DomainInterface } from './domain.js';

const TEXT_NODE = 3;

// ---- disks ----

/** Where a disk's data comes from. */
export type DiskSource =
  | { type: 'volume'; pool: string; volume: string }
  | { type: 'file'; path: string }
  | { type: 'block'; dev: string };

export interface DiskSpec {
  device: 'disk' | 'cdrom';
  /** null: a CD-ROM drive without media. */
  source: DiskSource | null;
  /** Image format for QEMU's driver (raw, qcow2…); libvirt probes nothing, so give it for images. */
  format?: string | null;
  bus: string;
  target: string;
  cache?: string | null;
  io?: string | null;
  discard?: string | null;
  readonly?: boolean;
  shareable?: boolean;
  /** What the guest sees as the disk's serial number (/dev/disk/by-id, /sys/block/…/serial). */
  serial?: string | null;
}

/** What the hardware editor shows of a disk, beyond DomainXml.disks. */
export interface DiskDetails extends DomainDisk {
  serial: string | null;
  cache: string | null;
  io: string | null;
  discard: string | null;
  /** libvirt's device alias (live XML), used to recognise its device-removed event. */
  alias: string | null;
}

/** The target name prefix libvirt expects per bus (virtio vdX, SATA/SCSI/USB sdX, IDE hdX). */
export const targetPrefix = (bus: string): string =>
  bus === 'virtio' ? 'vd' : bus === 'ide' ? 'hd' : bus === 'fdc' ? 'fd' : bus === 'xen' ? 'xvd' : 'sd';

/** 0 → 'a', 25 → 'z', 26 → 'aa' (libvirt's virDiskNameToIndex, reversed). */
const indexLetters = (index: number): string => {
  let s = '';
  for (let i = index; i >= 0; i = Math.floor(i / 26) - 1) s = String.fromCharCode(97 + (i % 26)) + s;
  return s;
};

/** The first target name of `bus` that none of `taken` uses (vda, vdb…; sda, sdb…). */
export const freeTarget = (bus: string, taken: Iterable<string>): string => {
  const used = new Set(taken);
  const prefix = targetPrefix(bus);
  for (let i = 0; ; i++) {
    const name = prefix + indexLetters(i);
    if (!used.has(name)) return name;
  }
};

/** The <disk> elements of the domain, in document order. */
const diskElements = (dom: DomainXml): XmlElement[] => children(dom.root, 'devices/disk');

/** The <disk> whose target is `target`, or undefined. */
export const findDiskElement = (dom: DomainXml, target: string): XmlElement | undefined =>
  diskElements(dom).find((d) => attr(child(d, 'target'), 'dev') === target);

/** DomainXml.disks with serial, cache, io, discard and alias. */
export const diskDetails = (dom: DomainXml): DiskDetails[] => {
  const els = diskElements(dom);
  return dom.disks.map((d, i) => {
    const el = els[i];
    const driver = child(el, 'driver');
    return {
      ...d,
      serial: text(el, 'serial'),
      cache: attr(driver, 'cache'),
      io: attr(driver, 'io'),
      discard: attr(driver, 'discard'),
      alias: attr(child(el, 'alias'), 'name'),
    };
  });
};

const addDiskSource = (disk: XmlElement, source: DiskSource): void => {
  const attrs =
    source.type === 'volume'
      ? { pool: source.pool, volume: source.volume }
      : source.type === 'file'
        ? { file: source.path }
        : { dev: source.dev };
  add(disk, 'source', attrs);
};

/** Fills an empty `<disk>` element from `spec`. */
const fillDisk = (disk: XmlElement, spec: DiskSpec): XmlElement => {
  setAttrs(disk, { type: spec.source?.type ?? 'file', device: spec.device });
  add(disk, 'driver', {
    name: 'qemu',
    type: spec.format ?? null,
    cache: spec.cache ?? null,
    io: spec.io ?? null,
    discard: spec.discard ?? null,
  });
  if (spec.source) addDiskSource(disk, spec.source);
  add(disk, 'target', { dev: spec.target, bus: spec.bus });
  // A CD-ROM is read-only whatever was asked: QEMU refuses a writable one.
  if (spec.readonly || spec.device === 'cdrom') add(disk, 'readonly');
  if (spec.shareable) add(disk, 'shareable');
  if (spec.serial) add(disk, 'serial', {}, spec.serial);
  return disk;
};

/** A new `<disk>` for attach-device. */
export function diskDeviceXml(spec: DiskSpec): string {
  return serializeXml(fillDisk(newDocument('disk'), spec));
}

/** The domain's `<devices>`, made when it has none (libvirt accepts a domain without devices). */
const devicesOf = (dom: DomainXml): XmlElement => ensureChild(dom.root, 'devices');

/**
 * A new, empty device element placed after the last one of its name (else at the end of <devices>),
 * indented like it so the XML preview reads well.
 */
export const newDevice = (dom: DomainXml, name: string): XmlElement => {
  const devices = devicesOf(dom);
  const same = children(devices, name);
  const last = same[same.length - 1] ?? elements(devices).at(-1);
  const el = add(devices, name);
  if (!last || last === el) return el;
  // When `last` was the last child, `el` is already right after it (inserting it before itself would
  // corrupt xmldom's child list).
  if (last.nextSibling !== el) devices.insertBefore(el, last.nextSibling);
  const indent = last.previousSibling;
  if (indent?.nodeType === TEXT_NODE && (indent.nodeValue ?? '').trim() === '')
    devices.insertBefore(devices.ownerDocument!.createTextNode(indent.nodeValue ?? ''), el);
  return el;
};

/** Adds a disk to the domain description (the next-boot edit of an add). */
export function addDiskTo(dom: DomainXml, spec: DiskSpec): DomainXml {
  fillDisk(newDevice(dom, 'disk'), spec);
  return dom;
}

/** Removes the disk `target` from the description; throws XmlError when it has none. */
export function removeDiskFrom(dom: DomainXml, target: string): DomainXml {
  const el = findDiskElement(dom, target);
  if (!el) throw new XmlError(`The domain has no disk ${target}`);
  remove(el);
  return dom;
}

export interface DiskOptionsEdit {
  cache?: string | null;
  io?: string | null;
  discard?: string | null;
  readonly?: boolean;
  shareable?: boolean;
  serial?: string | null;
}

/**
 * Changes the options of disk `target` that are given (null removes a driver option or the serial, which
 * lets libvirt's default apply); the rest of the disk stays as it is.
 */
export function setDiskOptions(dom: DomainXml, target: string, o: DiskOptionsEdit): DomainXml {
  const el = findDiskElement(dom, target);
  if (!el) throw new XmlError(`The domain has no disk ${target}`);
  const driverAttrs: Record<string, string | null> = {};
  for (const k of ['cache', 'io', 'discard'] as const)
    if (o[k] !== undefined) driverAttrs[k] = o[k] === 'default' ? null : o[k];
  if (Object.keys(driverAttrs).length > 0) {
    let driver = child(el, 'driver');
    if (!driver) {
      driver = add(el, 'driver', { name: 'qemu' });
      if (el.firstChild !== driver) el.insertBefore(driver, el.firstChild); // libvirt writes it first
    }
    setAttrs(driver, driverAttrs);
  }
  for (const flag of ['readonly', 'shareable'] as const) {
    const want = o[flag];
    if (want === undefined) continue;
    const has = child(el, flag);
    if (want && !has) add(el, flag);
    if (!want && has) remove(has);
  }
  if (o.serial !== undefined) {
    for (const old of children(el, 'serial')) remove(old);
    if (o.serial) add(el, 'serial', {}, o.serial);
  }
  return dom;
}

/** The domain's own `<disk>` for `target` as XML (for detach-device); throws XmlError when absent. */
export function diskElementXml(dom: DomainXml, target: string): string {
  const el = findDiskElement(dom, target);
  if (!el) throw new XmlError(`The domain has no disk ${target}`);
  return serializeXml(el);
}

/** Puts other media into the CD-ROM (or floppy) `target` of the description, or ejects it (`null`). */
export function setDiskMedia(dom: DomainXml, target: string, media: DiskSource | null): DomainXml {
  const el = findDiskElement(dom, target);
  if (!el) throw new XmlError(`The domain has no disk ${target}`);
  const device = attr(el, 'device') ?? 'disk';
  if (device !== 'cdrom' && device !== 'floppy')
    throw new XmlError(`${target} is not a CD-ROM or floppy drive, its media cannot be changed`);
  for (const name of ['source', 'backingStore']) for (const c of children(el, name)) remove(c);
  setAttrs(el, { type: media?.type ?? 'file' });
  if (media) {
    addDiskSource(el, media);
    // libvirt does not care about child order, but readers do: the source goes before the target.
    const source = children(el, 'source')[0];
    const targetEl = child(el, 'target');
    if (source && targetEl) el.insertBefore(source, targetEl);
  }
  return dom;
}

/** A detached copy of a device element, in a description of its own (edits leave `dom` as it was). */
const copyOf = (el: XmlElement): DomainXml => {
  const copy = DomainXml.create('copy');
  devicesOrNew(copy).appendChild(copy.root.ownerDocument!.importNode(el, true));
  return copy;
};
const devicesOrNew = (dom: DomainXml): XmlElement => child(dom.root, 'devices') ?? add(dom.root, 'devices');

/**
 * The CD-ROM (or floppy) `target` with other media, or none (`null` ejects), for update-device: the
 * domain's own element with its `<source>` replaced, so driver, bus, address and alias stay as they are.
 */
export function mediaChangeXml(dom: DomainXml, target: string, media: DiskSource | null): string {
  const found = findDiskElement(dom, target);
  if (!found) throw new XmlError(`The domain has no disk ${target}`);
  return diskElementXml(setDiskMedia(copyOf(found), target, media), target);
}

// ---- network interfaces ----

export const DIRECT_MODES = ['vepa', 'bridge', 'private', 'passthrough'] as const;
export type DirectMode = (typeof DIRECT_MODES)[number];

/** What a NIC is connected to. */
export type NicSource =
  | { type: 'network'; network: string }
  | { type: 'bridge'; bridge: string }
  | { type: 'direct'; dev: string; mode: DirectMode }
  | { type: 'user' };

export interface NicSpec {
  source: NicSource;
  /** virtio, e1000e, e1000, rtl8139…; QEMU's default when absent. */
  model?: string | null;
  /** A unicast MAC address; libvirt generates one when absent. */
  mac?: string | null;
  linkState?: 'up' | 'down';
}

/** What the hardware editor shows of a NIC, beyond DomainXml.interfaces. */
export interface NicDetails extends DomainInterface {
  linkState: 'up' | 'down';
  /** For type=direct (macvtap): vepa, bridge, private, passthrough. */
  directMode: string | null;
  alias: string | null;
}

const nicElements = (dom: DomainXml): XmlElement[] => children(dom.root, 'devices/interface');

/** The `<interface>` with MAC address `mac` (any case), or undefined. */
export const findNicElement = (dom: DomainXml, mac: string): XmlElement | undefined =>
  nicElements(dom).find((n) => attr(child(n, 'mac'), 'address')?.toLowerCase() === mac.toLowerCase());

/** DomainXml.interfaces with link state, macvtap mode and alias. */
export const nicDetails = (dom: DomainXml): NicDetails[] => {
  const els = nicElements(dom);
  return dom.interfaces.map((n, i) => {
    const el = els[i];
    return {
      ...n,
      linkState: attr(child(el, 'link'), 'state') === 'down' ? 'down' : 'up',
      directMode: n.type === 'direct' ? attr(child(el, 'source'), 'mode') : null,
      alias: attr(child(el, 'alias'), 'name'),
    };
  });
};

const HEX = '0123456789abcdefABCDEF';
const isHexPair = (s: string): boolean => s.length === 2 && [...s].every((c) => HEX.includes(c));

/**
 * `mac` as libvirt writes it (lower case, colons), or null when it is not a usable unicast address:
 * six hex pairs separated by ':' or '-', not multicast (lowest bit of the first octet) and not all zeros.
 */
export function normalizeMac(mac: string): string | null {
  const parts = mac.trim().replaceAll('-', ':').split(':');
  if (parts.length !== 6 || !parts.every(isHexPair)) return null;
  const octets = parts.map((p) => parseInt(p, 16));
  if ((octets[0]! & 1) === 1 || octets.every((o) => o === 0)) return null;
  return parts.join(':').toLowerCase();
}

const setNicSource = (nic: XmlElement, s: NicSource): void => {
  setAttrs(nic, { type: s.type });
  const old = children(nic, 'source');
  for (const o of old) remove(o);
  if (s.type === 'user') return;
  const attrs =
    s.type === 'network'
      ? { network: s.network }
      : s.type === 'bridge'
        ? { bridge: s.bridge }
        : { dev: s.dev, mode: s.mode };
  const src = add(nic, 'source', attrs);
  const mac = child(nic, 'mac');
  // After the MAC address, as libvirt writes it.
  if (mac && mac.nextSibling !== src) nic.insertBefore(src, mac.nextSibling);
};

/** Fills an empty `<interface>` from `spec`; throws XmlError for a MAC address that is not usable. */
const fillNic = (nic: XmlElement, spec: NicSpec): XmlElement => {
  setAttrs(nic, { type: spec.source.type });
  if (spec.mac) {
    const mac = normalizeMac(spec.mac);
    if (!mac)
      throw new XmlError(`${spec.mac} is not a unicast MAC address (six hex pairs like 52:54:00:12:34:56)`);
    add(nic, 'mac', { address: mac });
  }
  setNicSource(nic, spec.source);
  if (spec.model) add(nic, 'model', { type: spec.model });
  if (spec.linkState) add(nic, 'link', { state: spec.linkState });
  return nic;
};

/** A new `<interface>` for attach-device; throws XmlError for a MAC address that is not usable. */
export function nicDeviceXml(spec: NicSpec): string {
  return serializeXml(fillNic(newDocument('interface'), spec));
}

/** Adds a NIC to the description (the next-boot edit of an add). */
export function addNicTo(dom: DomainXml, spec: NicSpec): DomainXml {
  fillNic(newDevice(dom, 'interface'), spec);
  return dom;
}

const nicOrThrow = (dom: DomainXml, mac: string): XmlElement => {
  const el = findNicElement(dom, mac);
  if (!el) throw new XmlError(`The domain has no network interface ${mac}`);
  return el;
};

/** Removes the NIC with MAC `mac` from the description; throws XmlError when it has none. */
export function removeNicFrom(dom: DomainXml, mac: string): DomainXml {
  remove(nicOrThrow(dom, mac));
  return dom;
}

/** Sets the link state of the NIC `mac` in the description. */
export function setNicLinkState(dom: DomainXml, mac: string, state: 'up' | 'down'): DomainXml {
  const el = nicOrThrow(dom, mac);
  setAttrs(child(el, 'link') ?? add(el, 'link'), { state });
  return dom;
}

/** Changes what the NIC `mac` is connected to and/or its model; the rest stays as it is. */
export function setNicOptions(
  dom: DomainXml,
  mac: string,
  o: { source?: NicSource; model?: string },
): DomainXml {
  const el = nicOrThrow(dom, mac);
  if (o.source) setNicSource(el, o.source);
  if (o.model) setAttrs(child(el, 'model') ?? add(el, 'model'), { type: o.model });
  return dom;
}

/** The domain's own `<interface>` with MAC `mac` as XML (for detach-device); throws XmlError when absent. */
export function nicElementXml(dom: DomainXml, mac: string): string {
  const el = findNicElement(dom, mac);
  if (!el) throw new XmlError(`The domain has no network interface ${mac}`);
  return serializeXml(el);
}

/** The domain's `<interface>` with MAC `mac` and link `state`, for update-device. */
export function nicLinkStateXml(dom: DomainXml, mac: string, state: 'up' | 'down'): string {
  return nicElementXml(setNicLinkState(copyOf(nicOrThrow(dom, mac)), mac, state), mac);
}

// ---- domain capabilities ----

/**
 * The values the host offers for a device's enum in domain capabilities (`<devices><disk><enum name='bus'>`),
 * or null when the capabilities do not say (older libvirt) — then nothing should be refused on their account.
 * An unsupported device (`supported='no'`) offers nothing.
 */
export function domainCapsEnum(capsXml: string, device: string, name: string): string[] | null {
  const dev = child(parseXml(capsXml), `devices/${device}`);
  if (!dev) return null;
  if (attr(dev, 'supported') === 'no') return [];
  const e = children(dev, 'enum').find((x) => attr(x, 'name') === name);
  if (!e) return null;
  return children(e, 'value')
    .map((v) => text(v) ?? '')
    .filter(Boolean);
}
