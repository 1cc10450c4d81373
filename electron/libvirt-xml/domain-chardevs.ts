/**
 * Channels, serial ports and consoles of a domain (formatdomain "Character devices"): what the hardware
 * editor shows of them, the device XML it attaches (libvirt picks sockets, ptys and virtio-serial ports),
 * and the domain's own element cut out for detach — so every attribute VirtDesk does not know goes back
 * unchanged.
 */
import { add, attr, child, children, intOf, newDocument, remove, serializeXml, XmlError } from './dom.js';
import type { XmlElement } from './dom.js';
import { newDevice } from './domain-devices.js';
import type { DomainXml } from './domain.js';

/** The virtio-serial port name of the QEMU guest agent. */
export const GUEST_AGENT_PORT = 'org.qemu.guest_agent.0';
/** The virtio-serial port name of the SPICE agent (clipboard, display resize). */
export const SPICE_AGENT_PORT = 'com.redhat.spice.0';

/** The channels the editor adds: the QEMU guest agent (unix socket) and the SPICE agent (spicevmc). */
export type ChannelPreset = 'guest-agent' | 'spice-agent';

export const channelPortOf = (preset: ChannelPreset): string =>
  preset === 'guest-agent' ? GUEST_AGENT_PORT : SPICE_AGENT_PORT;

export interface ChannelDetails {
  /** unix, spicevmc, pty, … */
  type: string;
  /** virtio, guestfwd, xen. */
  targetType: string | null;
  /** The guest-visible port name (org.qemu.guest_agent.0), null for channels without one. */
  name: string | null;
  /** The agent side as libvirt sees it in the running VM: connected / disconnected; null when unknown. */
  state: string | null;
  /** The host side (unix socket path), when libvirt has assigned one. */
  path: string | null;
  alias: string | null;
}

const devices = (dom: DomainXml): XmlElement | undefined => child(dom.root, 'devices');

export const readChannels = (dom: DomainXml): ChannelDetails[] =>
  children(devices(dom), 'channel').map((el) => {
    const target = child(el, 'target');
    return {
      type: attr(el, 'type') ?? 'pty',
      targetType: attr(target, 'type'),
      name: attr(target, 'name'),
      state: attr(target, 'state'),
      path: attr(child(el, 'source'), 'path'),
      alias: attr(child(el, 'alias'), 'name'),
    };
  });

/** The `<channel>` with guest-visible port `name`, or undefined. */
export const findChannel = (dom: DomainXml, name: string): XmlElement | undefined =>
  children(devices(dom), 'channel').find((c) => attr(child(c, 'target'), 'name') === name);

const fillChannel = (el: XmlElement, preset: ChannelPreset): XmlElement => {
  el.setAttribute('type', preset === 'guest-agent' ? 'unix' : 'spicevmc');
  // No <source>: libvirt gives the guest agent a socket of its own (and watches it for the agent's state).
  add(el, 'target', { type: 'virtio', name: channelPortOf(preset) });
  return el;
};

/** A new `<channel>` for attach-device. */
export const channelDeviceXml = (preset: ChannelPreset): string =>
  serializeXml(fillChannel(newDocument('channel'), preset));

/** Adds the channel to the description (the next-boot edit of an add). */
export const addChannelTo = (dom: DomainXml, preset: ChannelPreset): DomainXml => {
  fillChannel(newDevice(dom, 'channel'), preset);
  return dom;
};

const channelOrThrow = (dom: DomainXml, name: string): XmlElement => {
  const el = findChannel(dom, name);
  if (!el) throw new XmlError(`The domain has no channel ${name}`);
  return el;
};

export const removeChannelFrom = (dom: DomainXml, name: string): DomainXml => {
  remove(channelOrThrow(dom, name));
  return dom;
};

/** The domain's own `<channel>` named `name`, for detach-device. */
export const channelElementXml = (dom: DomainXml, name: string): string =>
  serializeXml(channelOrThrow(dom, name));

/** Whether the description has a virtio-serial controller (a channel's virtio port sits on one). */
export const hasVirtioSerial = (dom: DomainXml): boolean =>
  children(devices(dom), 'controller').some((c) => attr(c, 'type') === 'virtio-serial');

// ---- serial ports and consoles ----

export type SerialDevice = 'serial' | 'console';

export interface SerialDetails {
  device: SerialDevice;
  /** `<target port>`: the serial port number, or the console's number. */
  port: number;
  /** pty, file, unix, tcp, … */
  type: string;
  /** isa-serial, pci-serial, usb-serial (serial); serial, virtio (console); null when libvirt's default. */
  targetType: string | null;
  /** The host side (the pty of a running VM, a file, a socket). */
  path: string | null;
  alias: string | null;
  /** A console that only mirrors serial port `port` (libvirt writes one for serial 0). */
  mirrorsSerial: boolean;
}

const portOf = (el: XmlElement, i: number): number => intOf(attr(child(el, 'target'), 'port')) ?? i;

/** Serial ports, then consoles, as the description has them. */
export const readSerials = (dom: DomainXml): SerialDetails[] =>
  (['serial', 'console'] as const).flatMap((device) =>
    children(devices(dom), device).map((el, i) => {
      const target = child(el, 'target');
      const targetType = attr(target, 'type');
      return {
        device,
        port: portOf(el, i),
        type: attr(el, 'type') ?? 'pty',
        targetType,
        path: attr(child(el, 'source'), 'path') ?? attr(el, 'tty'),
        alias: attr(child(el, 'alias'), 'name'),
        mirrorsSerial: device === 'console' && (targetType === null || targetType === 'serial'),
      };
    }),
  );

export const findSerial = (dom: DomainXml, device: SerialDevice, port: number): XmlElement | undefined =>
  children(devices(dom), device).find((el, i) => portOf(el, i) === port);

/** The lowest port number no `device` of the description uses. */
export const freeSerialPort = (dom: DomainXml, device: SerialDevice): number => {
  const taken = new Set(children(devices(dom), device).map(portOf));
  let port = 0;
  while (taken.has(port)) port++;
  return port;
};

/** A pty serial port (ISA, libvirt's default) or a virtio console, on `port`. */
const fillSerial = (el: XmlElement, device: SerialDevice, port: number): XmlElement => {
  el.setAttribute('type', 'pty');
  add(el, 'target', device === 'console' ? { type: 'virtio', port } : { port });
  return el;
};

export const serialDeviceXml = (device: SerialDevice, port: number): string =>
  serializeXml(fillSerial(newDocument(device), device, port));

export const addSerialTo = (dom: DomainXml, device: SerialDevice, port: number): DomainXml => {
  fillSerial(newDevice(dom, device), device, port);
  return dom;
};

/**
 * Removes serial port `port` (and the console that mirrors it: libvirt keeps a `<console>` with target
 * type serial for the first serial port, which would otherwise bring the port back) or console `port`.
 */
export const removeSerialFrom = (dom: DomainXml, device: SerialDevice, port: number): DomainXml => {
  const el = findSerial(dom, device, port);
  if (!el) throw new XmlError(`The domain has no ${device} ${port}`);
  remove(el);
  if (device === 'serial')
    for (const c of children(devices(dom), 'console')) {
      const t = child(c, 'target');
      const type = attr(t, 'type');
      if ((type === null || type === 'serial') && (intOf(attr(t, 'port')) ?? 0) === port) remove(c);
    }
  return dom;
};

export const serialElementXml = (dom: DomainXml, device: SerialDevice, port: number): string => {
  const el = findSerial(dom, device, port);
  if (!el) throw new XmlError(`The domain has no ${device} ${port}`);
  return serializeXml(el);
};
