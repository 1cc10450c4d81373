/**
 * The Hardware tab's reads and edits of a domain description: CPU, memory, boot and firmware, and the
 * device list. Each edit changes only what it names, on the parsed document, so every element and
 * attribute it does not know about stays as it was (libvirt's own element order does not matter to it;
 * new elements go after a related sibling to keep the document tidy).
 */
import {
  add,
  attr,
  child,
  children,
  elements,
  ensureChild,
  intOf,
  remove,
  serializeXml,
  setAttrs,
  setText,
  text,
  XmlError,
  type XmlElement,
} from './dom.js';
import type { DomainXml } from './domain.js';
import { displayDeviceLabel } from './domain-display.js';

// ---- reads ----

export interface HwDevice {
  /** `disk:vda`, `interface:<mac>`, else `<element>:<n>` (n-th of that name, from 0). */
  id: string;
  type: string;
  subtype: string | null;
  label: string;
  xml: string;
}

export interface HwTopology {
  sockets: number;
  dies: number;
  cores: number;
  threads: number;
}

export interface HwCpu {
  vcpus: number;
  maxVcpus: number;
  mode: string | null;
  model: string | null;
  topology: HwTopology | null;
}

export interface HwMemory {
  currentKiB: number;
  maxKiB: number;
  hugepages: boolean;
  sharedAccess: boolean;
  source: string | null;
  /** Guest NUMA cells (`<cpu><numa><cell>`): with any, libvirt makes the maximum their sum. */
  numaCells: number;
}

export interface HwBootDevice {
  id: string;
  label: string;
  type: string;
  order: number | null;
}

export interface HwKernel {
  kernel: string;
  initrd: string;
  cmdline: string;
}

export interface HwBoot {
  devices: HwBootDevice[];
  legacyOrder: string[];
  menu: boolean;
  firmware: 'bios' | 'efi';
  secureBoot: boolean;
  loader: string | null;
  kernel: HwKernel | null;
}

/** Not devices, though they sit in `<devices>`. */
const NOT_DEVICES = new Set(['emulator']);

const devicesOf = (d: DomainXml): XmlElement | undefined => child(d.root, 'devices');
const osOf = (d: DomainXml): XmlElement | undefined => child(d.root, 'os');

/** Each device element with its id, in document order. */
const deviceElements = (d: DomainXml): { id: string; el: XmlElement }[] => {
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  const out: { id: string; el: XmlElement }[] = [];
  for (const el of elements(devicesOf(d))) {
    const name = el.nodeName;
    if (NOT_DEVICES.has(name)) continue;
    const n = counts.get(name) ?? 0;
    counts.set(name, n + 1);
    let key: string | null = null;
    if (name === 'disk') key = attr(child(el, 'target'), 'dev');
    else if (name === 'interface') key = attr(child(el, 'mac'), 'address')?.toLowerCase() ?? null;
    let id = key ? `${name}:${key}` : `${name}:${n}`;
    // Two disks with one target (broken, but possible in an inactive XML) must still be told apart.
    if (seen.has(id)) id = `${name}:${n}`;
    seen.add(id);
    out.push({ id, el });
  }
  return out;
};

const join = (...parts: (string | null | undefined)[]): string => parts.filter(Boolean).join(' ');

const deviceLabel = (el: XmlElement): string => {
  const type = attr(el, 'type');
  const model = attr(child(el, 'model'), 'type') ?? attr(el, 'model');
  switch (el.nodeName) {
    case 'disk': {
      const target = child(el, 'target');
      const bus = attr(target, 'bus');
      return join(attr(target, 'dev'), bus ? `(${bus})` : null);
    }
    case 'interface': {
      const src = child(el, 'source');
      return join(
        type,
        attr(src, 'network') ?? attr(src, 'bridge') ?? attr(src, 'dev'),
        model ? `(${model})` : null,
      );
    }
    case 'controller':
      return join(type, attr(el, 'index'), model ? `(${model})` : null);
    case 'channel':
    case 'serial':
    case 'console':
      return join(type, attr(child(el, 'target'), 'name') ?? attr(child(el, 'target'), 'type'));
    default:
      return displayDeviceLabel(el) ?? (join(type, model) || el.nodeName);
  }
};

const subtypeOf = (el: XmlElement): string | null =>
  el.nodeName === 'disk' ? (attr(el, 'device') ?? 'disk') : attr(el, 'type');

/** Every device of `/domain/devices` (not `<emulator>`), in document order. */
export const readDevices = (d: DomainXml): HwDevice[] =>
  deviceElements(d).map(({ id, el }) => ({
    id,
    type: el.nodeName,
    subtype: subtypeOf(el),
    label: deviceLabel(el),
    xml: serializeXml(el),
  }));

export const readCpu = (d: DomainXml): HwCpu => {
  const cpu = child(d.root, 'cpu');
  const topo = child(cpu, 'topology');
  const max = d.maxVcpus ?? 1;
  const mode = attr(cpu, 'mode') ?? (child(cpu, 'model') ? 'custom' : null);
  return {
    vcpus: d.vcpus ?? max,
    maxVcpus: max,
    mode,
    model: text(cpu, 'model') || null,
    topology: topo
      ? {
          sockets: intOf(attr(topo, 'sockets')) ?? 1,
          dies: intOf(attr(topo, 'dies')) ?? 1,
          cores: intOf(attr(topo, 'cores')) ?? 1,
          threads: intOf(attr(topo, 'threads')) ?? 1,
        }
      : null,
  };
};

export const readMemory = (d: DomainXml): HwMemory => {
  const mb = child(d.root, 'memoryBacking');
  const max = d.memoryKiB ?? 0;
  return {
    currentKiB: d.currentMemoryKiB ?? max,
    maxKiB: max,
    hugepages: !!child(mb, 'hugepages'),
    sharedAccess: attr(child(mb, 'access'), 'mode') === 'shared',
    source: attr(child(mb, 'source'), 'type'),
    numaCells: children(child(d.root, 'cpu'), 'numa/cell').length,
  };
};

/** Devices the firmware can boot from: disks, CD-ROMs, floppies, NICs, and anything with a boot order. */
const bootable = (el: XmlElement): boolean =>
  el.nodeName === 'disk' || el.nodeName === 'interface' || !!child(el, 'boot');

const bootType = (el: XmlElement): string =>
  el.nodeName === 'disk'
    ? (attr(el, 'device') ?? 'disk')
    : el.nodeName === 'interface'
      ? 'network'
      : el.nodeName;

const firmwareFeature = (os: XmlElement | undefined, name: string): XmlElement | undefined =>
  children(os, 'firmware/feature').find((f) => attr(f, 'name') === name);

export const readBoot = (d: DomainXml): HwBoot => {
  const os = osOf(d);
  const devices = deviceElements(d)
    .filter(({ el }) => bootable(el))
    .map(({ id, el }) => ({
      id,
      label: deviceLabel(el),
      type: bootType(el),
      order: intOf(attr(child(el, 'boot'), 'order')),
    }));
  const ordered = devices.filter((x) => x.order !== null).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const kernel = text(os, 'kernel');
  const loader = child(os, 'loader');
  return {
    devices: [...ordered, ...devices.filter((x) => x.order === null)],
    legacyOrder: children(os, 'boot')
      .map((b) => attr(b, 'dev') ?? '')
      .filter(Boolean),
    menu: attr(child(os, 'bootmenu'), 'enable') === 'yes',
    firmware: d.firmware === 'uefi' ? 'efi' : 'bios',
    secureBoot:
      attr(firmwareFeature(os, 'secure-boot'), 'enabled') === 'yes' || attr(loader, 'secure') === 'yes',
    loader: text(loader) || null,
    kernel: kernel ? { kernel, initrd: text(os, 'initrd') ?? '', cmdline: text(os, 'cmdline') ?? '' } : null,
  };
};

// ---- edits ----

/**
 * The child `name` of `parent`, created when missing and placed after the last existing sibling named in
 * `after` (else appended): libvirt does not care about order, people reading the XML do.
 */
export const ensurePlaced = (parent: XmlElement, name: string, after: readonly string[]): XmlElement => {
  const found = child(parent, name);
  if (found) return found;
  const anchors = elements(parent).filter((c) => after.includes(c.nodeName));
  const el = add(parent, name);
  const anchor = anchors[anchors.length - 1];
  // When the anchor was the last child, `el` is already right after it: inserting it before itself
  // would corrupt xmldom's child list.
  if (anchor && anchor.nextSibling !== el) parent.insertBefore(el, anchor.nextSibling);
  return el;
};

/** A new first child element named `name`. */
const addFirst = (parent: XmlElement, name: string): XmlElement => {
  const first = elements(parent)[0];
  const el = add(parent, name);
  if (first) parent.insertBefore(el, first);
  return el;
};

const need = (el: XmlElement | undefined, what: string): XmlElement => {
  if (!el) throw new XmlError(`The domain XML has no <${what}> element`);
  return el;
};

/** `<vcpu>` and its `current`: both counts given (current ≤ max, checked by the caller). */
export const setVcpus = (d: DomainXml, current: number, max: number): void => {
  const vcpu = ensurePlaced(d.root, 'vcpu', ['currentMemory', 'memory']);
  const before = readCpu(d);
  if (before.maxVcpus !== max || !text(vcpu)) setText(vcpu, max);
  setAttrs(vcpu, { current: current === max ? null : current });
  // Per-vCPU settings (<vcpus>) must list exactly <vcpu> entries; libvirt rebuilds them when absent.
  const perVcpu = child(d.root, 'vcpus');
  if (perVcpu && (before.maxVcpus !== max || before.vcpus !== current)) remove(perVcpu);
};

const ensureCpu = (d: DomainXml): XmlElement =>
  ensurePlaced(d.root, 'cpu', ['features', 'vcpus', 'vcpu', 'iothreads', 'cputune']);

/** CPU mode; a named model only with 'custom' (other modes drop `<model>`). */
export const setCpuMode = (d: DomainXml, mode: string, model?: string): void => {
  const cpu = ensureCpu(d);
  setAttrs(cpu, { mode });
  if (mode === 'custom') {
    const m = child(cpu, 'model') ?? addFirst(cpu, 'model');
    if (model !== undefined && text(m) !== model) setText(m, model);
    if (!attr(m, 'fallback')) setAttrs(m, { fallback: 'forbid' });
    if (!attr(cpu, 'match')) setAttrs(cpu, { match: 'exact' });
  } else {
    const m = child(cpu, 'model');
    if (m) remove(m);
    setAttrs(cpu, { match: null });
  }
};

/** `<cpu><topology>`; null removes it. */
export const setTopology = (d: DomainXml, t: HwTopology | null): void => {
  if (!t) {
    const topo = child(child(d.root, 'cpu'), 'topology');
    if (topo) remove(topo);
    return;
  }
  const topo = ensurePlaced(ensureCpu(d), 'topology', ['model', 'vendor']);
  const hadDies = attr(topo, 'dies') !== null;
  setAttrs(topo, {
    sockets: t.sockets,
    dies: hadDies || t.dies !== 1 ? t.dies : null,
    cores: t.cores,
    threads: t.threads,
  });
};

const setKiB = (el: XmlElement, kib: number): void => {
  setAttrs(el, { unit: 'KiB' });
  setText(el, kib);
};

/** `<memory>` (the maximum) and `<currentMemory>`, in KiB (current ≤ max, checked by the caller). */
export const setMemory = (d: DomainXml, currentKiB: number, maxKiB: number): void => {
  const before = readMemory(d);
  const memory = ensurePlaced(d.root, 'memory', ['vcpu', 'uuid', 'name']);
  if (before.maxKiB !== maxKiB) setKiB(memory, maxKiB);
  const current = child(d.root, 'currentMemory');
  if (current ? before.currentKiB !== currentKiB : currentKiB !== maxKiB)
    setKiB(ensurePlaced(d.root, 'currentMemory', ['memory']), currentKiB);
};

const memoryBacking = (d: DomainXml): XmlElement =>
  ensurePlaced(d.root, 'memoryBacking', ['currentMemory', 'memory', 'maxMemory']);

const dropIfEmpty = (el: XmlElement | undefined): void => {
  if (el && elements(el).length === 0 && el.attributes.length === 0) remove(el);
};

export const setHugepages = (d: DomainXml, on: boolean): void => {
  if (on) {
    ensureChild(memoryBacking(d), 'hugepages');
    return;
  }
  const mb = child(d.root, 'memoryBacking');
  const hp = child(mb, 'hugepages');
  if (hp) remove(hp);
  dropIfEmpty(mb);
};

/** Shared memory access (virtiofs); without hugepages it also needs a shareable source: memfd. */
export const setSharedAccess = (d: DomainXml, on: boolean): void => {
  if (on) {
    const mb = memoryBacking(d);
    setAttrs(ensureChild(mb, 'access'), { mode: 'shared' });
    if (!child(mb, 'hugepages') && !child(mb, 'source')) add(mb, 'source', { type: 'memfd' });
    return;
  }
  const mb = child(d.root, 'memoryBacking');
  const access = child(mb, 'access');
  if (access) remove(access);
  const source = child(mb, 'source');
  if (source && attr(source, 'type') === 'memfd') remove(source);
  dropIfEmpty(mb);
};

/**
 * Boot order by device id: the listed devices get `<boot order=1…>`, every other device loses its
 * `<boot>`; `<os><boot dev>` entries go (libvirt refuses both styles together). Devices whose order
 * stays the same are not touched. Throws XmlError for an id that names no device.
 */
export const setBootOrder = (d: DomainXml, ids: readonly string[]): void => {
  const byId = new Map(deviceElements(d).map((x) => [x.id, x.el]));
  for (const id of ids) if (!byId.has(id)) throw new XmlError(`No device ${id} in the domain XML`);
  const wanted = new Map(ids.map((id, i) => [id, i + 1]));
  for (const [id, el] of byId) {
    const boot = child(el, 'boot');
    const order = wanted.get(id);
    if (order === undefined) {
      if (boot) remove(boot);
    } else if (!boot) {
      add(el, 'boot', { order });
    } else if (intOf(attr(boot, 'order')) !== order) {
      setAttrs(boot, { order });
    }
  }
  if (ids.length > 0) for (const b of children(osOf(d), 'boot')) remove(b);
};

export const setBootMenu = (d: DomainXml, on: boolean): void => {
  const os = need(osOf(d), 'os');
  const menu = child(os, 'bootmenu');
  if (menu) setAttrs(menu, { enable: on ? 'yes' : 'no' });
  else if (on)
    ensurePlaced(os, 'bootmenu', ['boot', 'nvram', 'loader', 'type']).setAttribute('enable', 'yes');
};

const setFirmwareFeature = (os: XmlElement, name: string, enabled: boolean | null): void => {
  const existing = firmwareFeature(os, name);
  if (enabled === null) {
    if (existing) remove(existing);
    dropIfEmpty(child(os, 'firmware'));
    return;
  }
  const fw = ensurePlaced(os, 'firmware', ['type']);
  setAttrs(existing ?? add(fw, 'feature'), { enabled: enabled ? 'yes' : 'no', name });
};

/**
 * BIOS or UEFI. UEFI uses libvirt's autoselection (`<os firmware='efi'>`): a pinned loader and its NVRAM
 * go, libvirt picks the firmware that matches (and Secure Boot's wishes). BIOS drops all of it.
 */
export const setFirmware = (d: DomainXml, firmware: 'bios' | 'efi'): void => {
  const os = need(osOf(d), 'os');
  for (const name of ['loader', 'nvram']) {
    const el = child(os, name);
    if (el) remove(el);
  }
  if (firmware === 'efi') {
    setAttrs(os, { firmware: 'efi' });
  } else {
    setAttrs(os, { firmware: null });
    const fw = child(os, 'firmware');
    if (fw) remove(fw);
  }
};

/**
 * Secure Boot for autoselected UEFI (firmware features secure-boot and enrolled-keys); Secure Boot needs
 * SMM, which is switched on with it. A pinned loader is replaced by autoselection.
 */
export const setSecureBoot = (d: DomainXml, on: boolean): void => {
  const os = need(osOf(d), 'os');
  if (child(os, 'loader') || attr(os, 'firmware') !== 'efi') setFirmware(d, 'efi');
  setFirmwareFeature(os, 'secure-boot', on);
  setFirmwareFeature(os, 'enrolled-keys', on ? true : null);
  if (on) {
    const features = ensurePlaced(d.root, 'features', ['os']);
    const smm = child(features, 'smm');
    if (!smm) add(features, 'smm', { state: 'on' });
    else if (attr(smm, 'state') !== 'on') setAttrs(smm, { state: 'on' });
  }
};

const setOsPath = (os: XmlElement, name: string, value: string, after: readonly string[]): void => {
  const el = child(os, name);
  if (!value) {
    if (el) remove(el);
  } else if (!el || text(el) !== value) {
    setText(el ?? ensurePlaced(os, name, after), value);
  }
};

/** Direct kernel boot (`<os><kernel>/<initrd>/<cmdline>`); null removes it. */
export const setDirectKernel = (d: DomainXml, k: HwKernel | null): void => {
  const os = need(osOf(d), 'os');
  setOsPath(os, 'kernel', k?.kernel ?? '', ['nvram', 'loader', 'type']);
  setOsPath(os, 'initrd', k?.initrd ?? '', ['kernel']);
  setOsPath(os, 'cmdline', k?.cmdline ?? '', ['initrd', 'kernel']);
};
