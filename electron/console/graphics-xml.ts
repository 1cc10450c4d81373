/**
 * Decides how the VNC proxy reaches a VM's VNC server, from the `<graphics>` devices of its domain XML
 * (read by the libvirt-XML layer: only real devices under /domain/devices count).
 */
import { DomainXml, graphicsDeviceXml, type GraphicsDevice } from '../libvirt-xml/index.js';

export type { GraphicsDevice, GraphicsListen } from '../libvirt-xml/index.js';

/** The `<graphics>` devices of a domain XML, with their `<listen>` children; throws XmlError. */
export function parseGraphics(xml: string): GraphicsDevice[] {
  return DomainXml.parse(xml).graphics;
}

export type VncEndpoint =
  | { kind: 'tcp'; host: string; port: number; passwordNeeded: boolean }
  | { kind: 'unix'; path: string; passwordNeeded: boolean };

export type VncResolution =
  | { ok: true; endpoint: VncEndpoint }
  | { ok: false; code: 'SPICE_ONLY' | 'NO_GRAPHICS' | 'VNC_UNREACHABLE'; message: string };

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]', '*']);

/**
 * Where is the VM's VNC server, as seen from the host running it?
 * Wildcard listen addresses are reached on loopback. Needs the *live* XML (the port is only known there).
 */
export function resolveVnc(xml: string): VncResolution {
  const devs = parseGraphics(xml);
  const vnc = devs.find((d) => d.type === 'vnc');
  if (!vnc) {
    if (devs.some((d) => d.type === 'spice'))
      return {
        ok: false,
        code: 'SPICE_ONLY',
        message: 'This VM has only a SPICE display; VNC is needed for the built-in viewer.',
      };
    return { ok: false, code: 'NO_GRAPHICS', message: 'This VM has no graphical display.' };
  }
  const passwordNeeded = vnc.attrs.passwd !== undefined && vnc.attrs.passwd !== '';
  const sockListen = vnc.listens.find((l) => l.type === 'socket' && l.socket);
  const socketPath = vnc.attrs.socket ?? sockListen?.socket;
  if (socketPath) return { ok: true, endpoint: { kind: 'unix', path: socketPath, passwordNeeded } };
  const port = Number(vnc.attrs.port ?? '-1');
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    return {
      ok: false,
      code: 'VNC_UNREACHABLE',
      message: "The VNC display has no port yet (is the VM running? websocket-only or listen type 'none'?).",
    };
  const addrListen = vnc.listens.find((l) => (l.type === 'address' || l.type === 'network') && l.address);
  let host = addrListen?.address ?? vnc.attrs.listen ?? '127.0.0.1';
  if (WILDCARD.has(host)) host = host.includes(':') ? '::1' : '127.0.0.1';
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { ok: true, endpoint: { kind: 'tcp', host, port, passwordNeeded } };
}

/** The VNC display VirtDesk adds (autoport, loopback only), as a device for attach-device. */
export const VNC_GRAPHICS_XML = graphicsDeviceXml();

/** The (persistent) domain XML with a VNC display added to its devices; throws XmlError. */
export function addVncToDomainXml(xml: string): string {
  return DomainXml.parse(xml).addGraphics().toString();
}
