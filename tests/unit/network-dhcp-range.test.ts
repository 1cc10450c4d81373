import { describe, expect, it } from 'vitest';
import type { NetworkIp } from '../../electron/libvirt-xml/index.js';
import { checkDhcpRange } from '../../electron/networks/dhcp-range.js';

/** A dual-stack network: IPv4 block first, IPv6 second (libvirt's parentIndex counts both). */
const ips: NetworkIp[] = [
  {
    family: 'ipv4',
    address: '192.168.100.1',
    prefix: 24,
    dhcpRanges: [{ start: '192.168.100.100', end: '192.168.100.199' }],
    dhcpHosts: [{ mac: '52:54:00:aa:bb:cc', name: 'fixed4', ip: '192.168.100.50' }],
  },
  {
    family: 'ipv6',
    address: 'fd00:1:2:3::1',
    prefix: 64,
    dhcpRanges: [
      { start: 'fd00:1:2:3::100', end: 'fd00:1:2:3::1ff' },
      { start: 'fd00:1:2:3::1000', end: 'fd00:1:2:3::10ff' },
    ],
    dhcpHosts: [{ mac: null, name: 'fixed6', ip: 'fd00:1:2:3::50' }],
  },
];
const old6 = { start: 'fd00:1:2:3::100', end: 'fd00:1:2:3::1ff' };
const old4 = { start: '192.168.100.100', end: '192.168.100.199' };
const issues = (old: { start: string; end: string }, start: string, end: string) => {
  const r = checkDhcpRange(ips, old, { start, end });
  return r.ok ? [] : r.issues;
};

describe('checkDhcpRange: IPv6', () => {
  it('accepts a range inside the prefix and names the <ip> element holding it (index 1)', () => {
    expect(checkDhcpRange(ips, old6, { start: 'fd00:1:2:3::80', end: 'fd00:1:2:3::2ff' })).toEqual({
      ok: true,
      index: 1,
    });
    // The IPv4 range is in element 0.
    expect(checkDhcpRange(ips, old4, { start: '192.168.100.120', end: '192.168.100.220' })).toEqual({
      ok: true,
      index: 0,
    });
  });

  it('refuses an address of the other family, or none, at the field', () => {
    expect(issues(old6, '192.168.100.120', 'fd00:1:2:3::2ff')).toEqual([
      { path: ['range', 'start'], message: 'Enter an IPv6 address, like fd00::100' },
    ]);
    expect(issues(old6, 'fd00:1:2:3::100', 'zz::1')).toEqual([
      { path: ['range', 'end'], message: 'Enter an IPv6 address, like fd00::1ff' },
    ]);
    expect(issues(old4, 'fd00:1:2:3::100', '192.168.100.150')).toEqual([
      { path: ['range', 'start'], message: 'Enter an IPv4 address, like 192.168.122.2' },
    ]);
  });

  it('refuses addresses outside the prefix, and the subnet-router anycast address', () => {
    expect(issues(old6, 'fd00:1:2:4::100', 'fd00:1:2:3::1ff')).toEqual([
      { path: ['range', 'start'], message: "Outside the network's subnet fd00:1:2:3::/64" },
    ]);
    expect(issues(old6, 'fd00:1:2:3::', 'fd00:1:2:3::1ff')).toEqual([
      { path: ['range', 'start'], message: "That is the subnet's router anycast address, not a host's" },
    ]);
  });

  it('refuses a range that ends before it starts, or spans more than libvirt allows', () => {
    expect(issues(old6, 'fd00:1:2:3::300', 'fd00:1:2:3::200')).toEqual([
      { path: ['range', 'end'], message: 'The range ends before it starts (fd00:1:2:3::300)' },
    ]);
    expect(issues(old6, 'fd00:1:2:3::100', 'fd00:1:2:3::1:0')[0]?.message).toMatch(
      /^Too large: a DHCP range may span at most 65,536 addresses, with only the last group different/,
    );
    expect(issues(old4, '192.168.100.60', '192.168.100.254')).toEqual([]);
  });

  it("refuses a range holding a static host's address or overlapping another range of the block", () => {
    expect(issues(old6, 'fd00:1:2:3::10', 'fd00:1:2:3::1ff')).toEqual([
      {
        path: ['range', 'end'],
        message: 'Holds fd00:1:2:3::50, the fixed address of fixed6: keep static hosts outside the range',
      },
    ]);
    expect(issues(old6, 'fd00:1:2:3::100', 'fd00:1:2:3::1000')).toEqual([
      {
        path: ['range', 'start'],
        message: "Overlaps the network's other range fd00:1:2:3::1000–fd00:1:2:3::10ff",
      },
    ]);
    // The range being replaced does not count as an overlap with itself.
    expect(issues(old6, 'fd00:1:2:3::180', 'fd00:1:2:3::1ff')).toEqual([]);
  });

  it('says when the range to replace is gone', () => {
    expect(
      issues({ start: 'fd00:1:2:3::7', end: 'fd00:1:2:3::8' }, 'fd00:1:2:3::7', 'fd00:1:2:3::9'),
    ).toEqual([
      {
        path: ['old'],
        message:
          'The network has no DHCP range fd00:1:2:3::7–fd00:1:2:3::8 any more; reload it and try again',
      },
    ]);
  });
});
