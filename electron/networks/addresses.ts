/**
 * IP address arithmetic for checking a new network before libvirt sees it: subnets, ranges inside them,
 * overlaps with the networks already defined. Addresses become bigints so IPv4 and IPv6 share one path.
 */

export type Family = 'ipv4' | 'ipv6';

export interface Parsed {
  family: Family;
  value: bigint;
}

const bitsOf = (family: Family): number => (family === 'ipv4' ? 32 : 128);

function parseIpv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    v = v * 256n + BigInt(p);
  }
  return v;
}

function parseIpv6(s: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return null;
  let tail = s;
  let v4: bigint | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = tail.split('::') as [string, string | undefined];
  const groups = (x: string): string[] => (x === '' ? [] : x.split(':'));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) + BigInt(parseInt(g, 16));
  }
  if (v4 !== null) v = (v & ~0xffffffffn) | v4;
  return v;
}

/** An IPv4 or IPv6 address, or null when `s` is neither. */
export function parseIp(s: string): Parsed | null {
  const v4 = parseIpv4(s);
  if (v4 !== null) return { family: 'ipv4', value: v4 };
  const v6 = s.includes(':') ? parseIpv6(s) : null;
  return v6 !== null ? { family: 'ipv6', value: v6 } : null;
}

export interface Subnet {
  family: Family;
  first: bigint;
  last: bigint;
}

/** The subnet `address/prefix` lies in (first and last address), or null when the prefix is out of range. */
export function subnetOf(ip: Parsed, prefix: number): Subnet | null {
  const bits = bitsOf(ip.family);
  if (!Number.isInteger(prefix) || prefix < 1 || prefix > bits) return null;
  const hostBits = BigInt(bits - prefix);
  const first = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, first, last: first + (1n << hostBits) - 1n };
}

/** Whether two inclusive ranges of the same family share an address. */
export const overlaps = (a: { first: bigint; last: bigint }, b: { first: bigint; last: bigint }): boolean =>
  a.first <= b.last && b.first <= a.last;

/** The usable host addresses of an IPv4 subnet exclude the network and broadcast addresses (prefix < 31). */
export function isHostAddress(ip: Parsed, subnet: Subnet, prefix: number): boolean {
  if (ip.value < subnet.first || ip.value > subnet.last) return false;
  if (ip.family === 'ipv4' && prefix < 31) return ip.value !== subnet.first && ip.value !== subnet.last;
  return ip.family === 'ipv6' ? ip.value !== subnet.first : true;
}

/** The subnet in CIDR form, for messages (192.168.100.0/24). */
export function formatSubnet(subnet: Subnet, prefix: number): string {
  if (subnet.family === 'ipv4') {
    const v = subnet.first;
    return `${[24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.')}/${prefix}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((subnet.first >> BigInt(i * 16)) & 0xffffn).toString(16));
  return `${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}/${prefix}`;
}
