/**
 * A virtual network description (formatnetwork): what the app reads about a network, and the builders of
 * a new network and of the elements virNetworkUpdate takes (a DHCP host, a DNS host).
 */
import { add, attr, child, children, intOf, newDocument, serializeXml, text } from './dom.js';
import { LibvirtXml } from './document.js';

export interface NetworkIp {
  family: 'ipv4' | 'ipv6';
  address: string | null;
  /** Prefix length, from `prefix` or (IPv4) the dotted `netmask`. */
  prefix: number | null;
  dhcpRanges: { start: string; end: string }[];
  dhcpHosts: { mac: string | null; name: string | null; ip: string | null }[];
}

/** Prefix length of a dotted IPv4 netmask (255.255.255.0 → 24); null when it is not one. */
const prefixOfNetmask = (mask: string): number | null => {
  const parts = mask.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  const bits = parts.reduce((acc, p) => acc * 256 + p, 0);
  const host = 2 ** 32 - 1 - bits; // the host part must be all ones: 2^k - 1
  const k = Math.log2(host + 1);
  return Number.isInteger(k) ? 32 - k : null;
};

export interface NetworkDnsHost {
  ip: string;
  hostnames: string[];
}

/** An address block of a new network: the host's address on it, the prefix, an optional DHCP range. */
export interface NewNetworkIp {
  address: string;
  prefix: number;
  dhcp?: { start: string; end: string } | null;
}

/**
 * What a new network is:
 * - 'nat', 'route', 'open', 'isolated': libvirt creates a bridge (`bridgeName`, or one it picks), with
 *   addresses and DHCP; nat/route may be restricted to one host interface (`forwardDev`);
 * - 'bridge': guests join an existing host bridge (`hostBridge`); no addresses (the LAN provides them);
 * - 'macvtap': guests get a macvtap device on a host interface (`macvtap.dev`) in one of macvtap's modes.
 */
export type NewNetworkSpec =
  | {
      kind: 'nat' | 'route' | 'open' | 'isolated';
      name: string;
      bridgeName?: string | null;
      forwardDev?: string | null;
      domainName?: string | null;
      ipv4?: NewNetworkIp | null;
      ipv6?: NewNetworkIp | null;
    }
  | { kind: 'bridge'; name: string; hostBridge: string }
  | {
      kind: 'macvtap';
      name: string;
      macvtap: { mode: 'bridge' | 'private' | 'vepa' | 'passthrough'; dev: string };
    };

/** A new network's description (for networkDefineXML). */
export function newNetworkXml(spec: NewNetworkSpec): string {
  const root = newDocument('network');
  add(root, 'name', {}, spec.name);
  if (spec.kind === 'bridge') {
    add(root, 'forward', { mode: 'bridge' });
    add(root, 'bridge', { name: spec.hostBridge });
    return serializeXml(root);
  }
  if (spec.kind === 'macvtap') {
    const forward = add(root, 'forward', { mode: spec.macvtap.mode });
    add(forward, 'interface', { dev: spec.macvtap.dev });
    return serializeXml(root);
  }
  if (spec.kind !== 'isolated') {
    const forward = add(root, 'forward', { mode: spec.kind, dev: spec.forwardDev || null });
    if (spec.kind === 'nat') add(add(forward, 'nat'), 'port', { start: 1024, end: 65535 });
  }
  add(root, 'bridge', { name: spec.bridgeName || null, stp: 'on', delay: 0 });
  if (spec.domainName) add(root, 'domain', { name: spec.domainName, localOnly: 'yes' });
  for (const [family, ip] of [
    ['ipv4', spec.ipv4],
    ['ipv6', spec.ipv6],
  ] as const) {
    if (!ip) continue;
    const el = add(root, 'ip', { family, address: ip.address, prefix: ip.prefix });
    if (ip.dhcp) add(add(el, 'dhcp'), 'range', { start: ip.dhcp.start, end: ip.dhcp.end });
  }
  return serializeXml(root);
}

/** A static DHCP host entry (section ip-dhcp-host of virNetworkUpdate). */
export function dhcpHostXml(h: { mac?: string | null; name?: string | null; ip: string }): string {
  return serializeXml(newDocument('host', { mac: h.mac || null, name: h.name || null, ip: h.ip }));
}

/** A DHCP range (section ip-dhcp-range of virNetworkUpdate). */
export function dhcpRangeXml(r: { start: string; end: string }): string {
  return serializeXml(newDocument('range', { start: r.start, end: r.end }));
}

/** A DNS host entry (section dns-host of virNetworkUpdate). */
export function dnsHostXml(h: NetworkDnsHost): string {
  const root = newDocument('host', { ip: h.ip });
  for (const name of h.hostnames) add(root, 'hostname', {}, name);
  return serializeXml(root);
}

export class NetworkXml extends LibvirtXml {
  /** Parses a network description; throws XmlError when it is malformed or not a <network>. */
  static parse(xml: string): NetworkXml {
    return new NetworkXml(LibvirtXml.rootOf(xml, 'network'));
  }

  /** 'nat', 'route', 'open', 'bridge', …; null for an isolated network (no <forward>). */
  get forwardMode(): string | null {
    const forward = child(this.root, 'forward');
    return forward ? (attr(forward, 'mode') ?? 'nat') : null;
  }
  /** The host device traffic is forwarded through, if restricted to one. */
  get forwardDev(): string | null {
    return attr(child(this.root, 'forward'), 'dev');
  }
  /** The host bridge's name (virbr0…). */
  get bridge(): string | null {
    return attr(child(this.root, 'bridge'), 'name');
  }
  get domainName(): string | null {
    return attr(child(this.root, 'domain'), 'name');
  }
  /** The host interfaces of <forward> (macvtap networks' devices). */
  get forwardInterfaces(): string[] {
    return children(child(this.root, 'forward'), 'interface')
      .map((i) => attr(i, 'dev') ?? '')
      .filter(Boolean);
  }
  /** DNS host entries: an address and the names it answers for. */
  get dnsHosts(): NetworkDnsHost[] {
    return children(child(this.root, 'dns'), 'host').map((h) => ({
      ip: attr(h, 'ip') ?? '',
      hostnames: children(h, 'hostname')
        .map((n) => text(n) ?? '')
        .filter(Boolean),
    }));
  }
  get ips(): NetworkIp[] {
    return children(this.root, 'ip').map((ip) => {
      const family = attr(ip, 'family') === 'ipv6' ? 'ipv6' : 'ipv4';
      const netmask = attr(ip, 'netmask');
      const dhcp = child(ip, 'dhcp');
      return {
        family,
        address: attr(ip, 'address'),
        prefix: intOf(attr(ip, 'prefix')) ?? (netmask ? prefixOfNetmask(netmask) : null),
        dhcpRanges: children(dhcp, 'range').map((r) => ({
          start: attr(r, 'start') ?? '',
          end: attr(r, 'end') ?? '',
        })),
        dhcpHosts: children(dhcp, 'host').map((h) => ({
          mac: attr(h, 'mac'),
          name: attr(h, 'name'),
          ip: attr(h, 'ip'),
        })),
      };
    });
  }
}
