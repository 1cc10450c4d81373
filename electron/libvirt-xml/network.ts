/** A virtual network description (formatnetwork): what the app reads about a network. */
import { attr, child, children, intOf } from './dom.js';
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
