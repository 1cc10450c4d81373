/**
 * Checking a changed DHCP range before libvirt sees it: the range must stay inside its network's subnet
 * (host addresses only), start at or before its end, and hold no static host's address nor overlap the
 * network's other ranges. IPv4 and IPv6 alike: a range is checked against the <ip> block that holds it
 * (its family, its prefix). Pure: the network's <ip> blocks in, field issues out.
 */
import type { NetworkIp } from '../libvirt-xml/index.js';
import { formatSubnet, isHostAddress, overlaps, parseIp, subnetOf, type Family } from './addresses.js';

export interface Range {
  start: string;
  end: string;
}

export interface RangeIssue {
  path: (string | number)[];
  message: string;
}

export type RangeCheck =
  | {
      ok: true;
      /** Index of the <ip> element holding the range (virNetworkUpdate's parentIndex). */ index: number;
    }
  | { ok: false; issues: RangeIssue[] };

const refuse = (...issues: RangeIssue[]): RangeCheck => ({ ok: false, issues });

/** What to type, by family (examples from the documentation ranges, never a real network's). */
const EXAMPLE: Record<Family, { name: string; start: string; end: string }> = {
  ipv4: { name: 'IPv4', start: '192.168.122.2', end: '192.168.122.254' },
  ipv6: { name: 'IPv6', start: 'fd00::100', end: 'fd00::1ff' },
};

/** Checks that `range` may replace `old` in the network whose <ip> blocks are `ips`. */
export function checkDhcpRange(ips: NetworkIp[], old: Range, range: Range): RangeCheck {
  const index = ips.findIndex((ip) => ip.dhcpRanges.some((r) => r.start === old.start && r.end === old.end));
  const block = ips[index];
  if (!block)
    return refuse({
      path: ['old'],
      message: `The network has no DHCP range ${old.start}–${old.end} any more; reload it and try again`,
    });
  if ((block.family !== 'ipv4' && block.family !== 'ipv6') || !block.address || block.prefix === null)
    return refuse({
      path: ['old'],
      message: 'Only the ranges of a network with an address and a prefix can be changed here',
    });
  const family = block.family;
  const start = parseIp(range.start);
  const end = parseIp(range.end);
  const issues: RangeIssue[] = [];
  const ex = EXAMPLE[family];
  // The range keeps the family of the block it is in (libvirt refuses a range of the other family).
  if (!start || start.family !== family)
    issues.push({ path: ['range', 'start'], message: `Enter an ${ex.name} address, like ${ex.start}` });
  if (!end || end.family !== family)
    issues.push({ path: ['range', 'end'], message: `Enter an ${ex.name} address, like ${ex.end}` });
  if (!start || !end || issues.length > 0) return refuse(...issues);
  const own = parseIp(block.address);
  const subnet = own ? subnetOf(own, block.prefix) : null;
  if (!own || !subnet) return refuse({ path: ['old'], message: "The network's own address is not valid" });
  const where = formatSubnet(subnet, block.prefix);
  for (const [key, ip] of [
    ['start', start],
    ['end', end],
  ] as const)
    if (!isHostAddress(ip, subnet, block.prefix))
      issues.push({
        path: ['range', key],
        message:
          ip.value < subnet.first || ip.value > subnet.last
            ? `Outside the network's subnet ${where}`
            : family === 'ipv6'
              ? "That is the subnet's router anycast address, not a host's"
              : `That is the subnet's ${ip.value === subnet.first ? 'network' : 'broadcast'} address, not a host's`,
      });
  if (issues.length > 0) return refuse(...issues);
  if (start.value > end.value)
    return refuse({ path: ['range', 'end'], message: `The range ends before it starts (${range.start})` });
  // libvirt's own limit (virSocketAddrGetRange): start and end may differ in their last 16 bits only.
  if (start.value >> 16n !== end.value >> 16n)
    return refuse({
      path: ['range', 'end'],
      message: `Too large: a DHCP range may span at most 65,536 addresses, with only the last ${family === 'ipv6' ? 'group' : 'two numbers'} different from ${range.start}`,
    });
  const span = { first: start.value, last: end.value };
  for (const h of block.dhcpHosts) {
    const ip = h.ip ? parseIp(h.ip) : null;
    if (ip && ip.family === family && ip.value >= span.first && ip.value <= span.last)
      issues.push({
        path: ['range', 'end'],
        message: `Holds ${h.ip}, the fixed address of ${h.name ?? h.mac ?? 'a static host'}: keep static hosts outside the range`,
      });
  }
  for (const r of block.dhcpRanges) {
    if (r.start === old.start && r.end === old.end) continue;
    const a = parseIp(r.start);
    const b = parseIp(r.end);
    if (a && b && overlaps(span, { first: a.value, last: b.value }))
      issues.push({
        path: ['range', 'start'],
        message: `Overlaps the network's other range ${r.start}–${r.end}`,
      });
  }
  return issues.length > 0 ? refuse(...issues) : { ok: true, index };
}
