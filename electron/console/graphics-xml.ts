/**
 * Reads the `<graphics>` devices of a libvirt domain XML (just enough XML: elements and attributes,
 * entities decoded), and decides how the VNC proxy reaches a VNC server.
 */
import { escapeXml } from '../core/xml.js';

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

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

export const escapeXmlAttr = escapeXml;

function parseAttrs(src: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) !== null) attrs[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
  return attrs;
}

/** All `<graphics>` elements of a domain XML with their `<listen>` children. */
export function parseGraphics(xml: string): GraphicsDevice[] {
  // Ignore comments and CDATA so they cannot fake elements.
  const clean = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const out: GraphicsDevice[] = [];
  const re = /<graphics\b([^>]*?)(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean)) !== null) {
    const attrs = parseAttrs(m[1] ?? '');
    const dev: GraphicsDevice = { type: attrs.type ?? '', attrs, listens: [] };
    if (m[2] !== '/') {
      const end = clean.indexOf('</graphics>', re.lastIndex);
      const body = clean.slice(re.lastIndex, end < 0 ? undefined : end);
      const lre = /<listen\b([^>]*?)\/?>/g;
      let lm: RegExpExecArray | null;
      while ((lm = lre.exec(body)) !== null) {
        const la = parseAttrs(lm[1] ?? '');
        const listen: GraphicsListen = { type: la.type ?? 'address' };
        if (la.address !== undefined) listen.address = la.address;
        if (la.socket !== undefined) listen.socket = la.socket;
        dev.listens.push(listen);
      }
      if (end >= 0) re.lastIndex = end;
    }
    out.push(dev);
  }
  return out;
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

export const VNC_GRAPHICS_XML = "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>";

/** Insert a VNC `<graphics>` element into a (persistent) domain XML, before `</devices>`. */
export function addVncToDomainXml(xml: string): string {
  const idx = xml.lastIndexOf('</devices>');
  if (idx < 0) throw new Error('domain XML has no <devices> element');
  return `${xml.slice(0, idx)}  ${VNC_GRAPHICS_XML}\n  ${xml.slice(idx)}`;
}
