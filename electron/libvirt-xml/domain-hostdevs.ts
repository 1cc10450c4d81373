/**
 * Host devices passed through to a domain (formatdomain "Host device assignment"): USB devices by vendor
 * and product (and bus/device when two alike are plugged in) and PCI devices by address, `managed='yes'`
 * so libvirt binds a PCI device to vfio-pci while the VM runs and gives it back afterwards.
 */
import { add, attr, child, children, intOf, newDocument, remove, serializeXml, XmlError } from './dom.js';
import type { XmlElement } from './dom.js';
import { newDevice } from './domain-devices.js';
import type { DomainXml } from './domain.js';

export interface PciAddress {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

export type HostdevSource =
  | { type: 'usb'; vendor: number; product: number; bus?: number | undefined; device?: number | undefined }
  | ({ type: 'pci' } & PciAddress);

export interface HostdevDetails {
  /** usb, pci, scsi, mdev, … */
  type: string;
  managed: boolean;
  /** USB and PCI sources; null for other kinds. */
  source: HostdevSource | null;
  /** How the editor names it: `usb:1d6b:0002`, `usb:1d6b:0002@1.2`, `pci:0000:00:02.0`, else `<type>:<n>`. */
  key: string;
  alias: string | null;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** `0000:00:02.0`, as lspci and sysfs write it. */
export const pciAddressText = (a: PciAddress): string =>
  `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${a.function.toString(16)}`;

export const hostdevKey = (s: HostdevSource): string =>
  s.type === 'pci'
    ? `pci:${pciAddressText(s)}`
    : `usb:${hex(s.vendor, 4)}:${hex(s.product, 4)}${s.bus !== undefined && s.device !== undefined ? `@${s.bus}.${s.device}` : ''}`;

const num = (s: string | null): number | null => {
  const n = intOf(s);
  return n !== null && Number.isInteger(n) && n >= 0 ? n : null;
};

const readSource = (el: XmlElement): HostdevSource | null => {
  const src = child(el, 'source');
  const type = attr(el, 'type');
  if (type === 'usb') {
    const vendor = num(attr(child(src, 'vendor'), 'id'));
    const product = num(attr(child(src, 'product'), 'id'));
    if (vendor === null || product === null) return null;
    const address = child(src, 'address');
    const bus = num(attr(address, 'bus'));
    const device = num(attr(address, 'device'));
    return {
      type: 'usb',
      vendor,
      product,
      ...(bus !== null && device !== null ? { bus, device } : {}),
    };
  }
  if (type === 'pci') {
    const a = child(src, 'address');
    const [domain, bus, slot, fn] = ['domain', 'bus', 'slot', 'function'].map((k) => num(attr(a, k)));
    if (bus === null || bus === undefined || slot === null || slot === undefined) return null;
    return { type: 'pci', domain: domain ?? 0, bus, slot, function: fn ?? 0 };
  }
  return null;
};

const hostdevs = (dom: DomainXml): XmlElement[] => children(child(dom.root, 'devices'), 'hostdev');

export const readHostdevs = (dom: DomainXml): HostdevDetails[] =>
  hostdevs(dom).map((el, i) => {
    const source = readSource(el);
    return {
      type: attr(el, 'type') ?? '',
      managed: attr(el, 'managed') === 'yes',
      source,
      key: source ? hostdevKey(source) : `${attr(el, 'type') ?? 'hostdev'}:${i}`,
      alias: attr(child(el, 'alias'), 'name'),
    };
  });

export const findHostdev = (dom: DomainXml, key: string): XmlElement | undefined => {
  const all = hostdevs(dom);
  const i = readHostdevs(dom).findIndex((h) => h.key === key);
  return i < 0 ? undefined : all[i];
};

const fillHostdev = (el: XmlElement, s: HostdevSource): XmlElement => {
  el.setAttribute('mode', 'subsystem');
  el.setAttribute('type', s.type);
  el.setAttribute('managed', 'yes');
  const src = add(el, 'source');
  if (s.type === 'usb') {
    add(src, 'vendor', { id: `0x${hex(s.vendor, 4)}` });
    add(src, 'product', { id: `0x${hex(s.product, 4)}` });
    if (s.bus !== undefined && s.device !== undefined) add(src, 'address', { bus: s.bus, device: s.device });
  } else {
    add(src, 'address', {
      domain: `0x${hex(s.domain, 4)}`,
      bus: `0x${hex(s.bus, 2)}`,
      slot: `0x${hex(s.slot, 2)}`,
      function: `0x${s.function.toString(16)}`,
    });
  }
  return el;
};

export const hostdevDeviceXml = (s: HostdevSource): string =>
  serializeXml(fillHostdev(newDocument('hostdev'), s));

export const addHostdevTo = (dom: DomainXml, s: HostdevSource): DomainXml => {
  fillHostdev(newDevice(dom, 'hostdev'), s);
  return dom;
};

const hostdevOrThrow = (dom: DomainXml, key: string): XmlElement => {
  const el = findHostdev(dom, key);
  if (!el) throw new XmlError(`The domain has no host device ${key}`);
  return el;
};

export const removeHostdevFrom = (dom: DomainXml, key: string): DomainXml => {
  remove(hostdevOrThrow(dom, key));
  return dom;
};

export const hostdevElementXml = (dom: DomainXml, key: string): string =>
  serializeXml(hostdevOrThrow(dom, key));
