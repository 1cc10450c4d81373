/**
 * Controllers of a domain (formatdomain "Controllers"): USB, SCSI and virtio-serial ones, listed with
 * their index; which devices sit on one (a controller in use must not go); the device XML to add one and
 * the domain's own element for detach. Everything else of a controller stays as libvirt wrote it.
 */
import {
  attr,
  child,
  children,
  elements,
  intOf,
  newDocument,
  remove,
  serializeXml,
  setAttrs,
} from './dom.js';
import { XmlError, type XmlElement } from './dom.js';
import { newDevice } from './domain-devices.js';
import type { DomainXml } from './domain.js';

export interface ControllerDetails {
  /** usb, scsi, virtio-serial, pci, sata, ide, … */
  type: string;
  index: number;
  /** qemu-xhci, virtio-scsi, pcie-root, …; null for libvirt's default. */
  model: string | null;
  alias: string | null;
}

const devices = (dom: DomainXml): XmlElement | undefined => child(dom.root, 'devices');
const controllers = (dom: DomainXml): XmlElement[] => children(devices(dom), 'controller');

export const readControllers = (dom: DomainXml): ControllerDetails[] =>
  controllers(dom).map((el) => ({
    type: attr(el, 'type') ?? '',
    index: intOf(attr(el, 'index')) ?? 0,
    model: attr(el, 'model'),
    alias: attr(child(el, 'alias'), 'name'),
  }));

export const findController = (dom: DomainXml, type: string, index: number): XmlElement | undefined =>
  controllers(dom).find((c) => attr(c, 'type') === type && (intOf(attr(c, 'index')) ?? 0) === index);

/** The lowest index no controller of `type` uses. */
export const freeControllerIndex = (dom: DomainXml, type: string): number => {
  const taken = new Set(
    controllers(dom)
      .filter((c) => attr(c, 'type') === type)
      .map((c) => intOf(attr(c, 'index')) ?? 0),
  );
  let i = 0;
  while (taken.has(i)) i++;
  return i;
};

export interface ControllerSpec {
  type: string;
  index: number;
  model?: string | null;
}

const fillController = (el: XmlElement, s: ControllerSpec): XmlElement =>
  setAttrs(el, { type: s.type, index: s.index, model: s.model ?? null });

export const controllerDeviceXml = (s: ControllerSpec): string =>
  serializeXml(fillController(newDocument('controller'), s));

export const addControllerTo = (dom: DomainXml, s: ControllerSpec): DomainXml => {
  fillController(newDevice(dom, 'controller'), s);
  return dom;
};

const controllerOrThrow = (dom: DomainXml, type: string, index: number): XmlElement => {
  const el = findController(dom, type, index);
  if (!el) throw new XmlError(`The domain has no ${type} controller ${index}`);
  return el;
};

/** `<driver>` settings of a virtio controller only (libvirt refuses them on an LSI or other SCSI model). */
const VIRTIO_DRIVER_ATTRS = ['queues', 'cmd_per_lun', 'max_sectors', 'ioeventfd', 'iothread'];
const isVirtio = (model: string | null): boolean => model === null || model.startsWith('virtio');

/**
 * A new model for controller `type`/`index`. The PCI address stays (the slot does not change); what
 * belongs to the old model only (USB ports count, a companion's master, a virtio controller's queues and
 * I/O threads) goes; the rest of the `<driver>` stays, and the `<driver>` too unless it is left empty.
 */
export const setControllerModel = (dom: DomainXml, type: string, index: number, model: string): DomainXml => {
  const el = controllerOrThrow(dom, type, index);
  if (attr(el, 'model') === model) return dom;
  setAttrs(el, { model, ports: null });
  for (const m of children(el, 'master')) remove(m);
  if (!isVirtio(model))
    for (const d of children(el, 'driver')) {
      setAttrs(d, Object.fromEntries(VIRTIO_DRIVER_ATTRS.map((a) => [a, null])));
      for (const t of children(d, 'iothreads')) remove(t);
      if (elements(d).length === 0 && d.attributes.length === 0) remove(d);
    }
  // The indentation an emptied controller keeps would print as <controller …>⏎</controller>.
  if (elements(el).length === 0 && (el.textContent ?? '').trim() === '')
    while (el.firstChild) el.removeChild(el.firstChild);
  return dom;
};

/**
 * Removes controller `type`/`index`. The last USB controller becomes `model='none'` instead: libvirt
 * adds a default USB controller to a domain that has none, so only 'none' really takes USB away.
 */
export const removeControllerFrom = (dom: DomainXml, type: string, index: number): DomainXml => {
  const el = controllerOrThrow(dom, type, index);
  const usb = controllers(dom).filter((c) => attr(c, 'type') === 'usb');
  if (type === 'usb' && usb.length === 1) {
    for (const c of elements(el)) remove(c);
    for (const name of ['ports', 'model']) el.removeAttribute(name);
    setAttrs(el, { model: 'none' });
    return dom;
  }
  remove(el);
  return dom;
};

export const controllerElementXml = (dom: DomainXml, type: string, index: number): string =>
  serializeXml(controllerOrThrow(dom, type, index));

/** The index of the first controller of `type` (devices without an address go there). */
const firstIndex = (dom: DomainXml, type: string): number | null => {
  const all = readControllers(dom).filter((c) => c.type === type && c.model !== 'none');
  return all.length ? Math.min(...all.map((c) => c.index)) : null;
};

/**
 * The devices that sit on controller `type`/`index` (element name and, where it has one, its target or
 * port name), for refusing to remove a controller in use.
 */
export const controllerUsers = (dom: DomainXml, type: string, index: number): string[] => {
  const first = firstIndex(dom, type);
  const on = (address: XmlElement | undefined, addrType: string, key: string): boolean =>
    address && attr(address, 'type') === addrType
      ? (intOf(attr(address, key)) ?? 0) === index
      : !address && first === index;
  const out: string[] = [];
  for (const el of elements(devices(dom))) {
    const address = child(el, 'address');
    const target = child(el, 'target');
    const name = attr(target, 'name') ?? attr(target, 'dev');
    const label = name ? `${el.nodeName} ${name}` : el.nodeName;
    let uses = false;
    if (type === 'virtio-serial')
      uses =
        (el.nodeName === 'channel' && attr(target, 'type') === 'virtio') ||
        (el.nodeName === 'console' && attr(target, 'type') === 'virtio')
          ? on(address, 'virtio-serial', 'controller')
          : false;
    else if (type === 'scsi')
      uses =
        (el.nodeName === 'disk' && attr(target, 'bus') === 'scsi') ||
        (el.nodeName === 'hostdev' && attr(el, 'type') === 'scsi')
          ? on(address, 'drive', 'controller')
          : false;
    else if (type === 'usb')
      uses =
        attr(address, 'type') === 'usb'
          ? (intOf(attr(address, 'bus')) ?? 0) === index
          : !address &&
            first === index &&
            ((el.nodeName === 'hostdev' && attr(el, 'type') === 'usb') ||
              el.nodeName === 'redirdev' ||
              (el.nodeName === 'input' && attr(el, 'bus') === 'usb') ||
              (el.nodeName === 'disk' && attr(target, 'bus') === 'usb'));
    if (uses) out.push(label);
  }
  return out;
};
