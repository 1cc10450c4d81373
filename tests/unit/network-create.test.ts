/**
 * Building a new network's XML (electron/libvirt-xml/network.ts) and checking a New network input against
 * the host before libvirt sees it (electron/networks/validate.ts): pure logic, the daemon side is in
 * tests/integration/networks-system.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { dhcpHostXml, dnsHostXml, newNetworkXml, NetworkXml } from '../../electron/libvirt-xml/network.js';
import { formatSubnet, parseIp, subnetOf } from '../../electron/networks/addresses.js';
import { checkNewNetwork, type ExistingBlock } from '../../electron/networks/validate.js';
import { networkCreateSchema } from '../../shared/contract/networks.js';

const input = (over: Record<string, unknown>) =>
  networkCreateSchema.parse({ connectionId: 'c1', name: 'lab', kind: 'nat', ...over });

const v4 = (address: string, prefix: number, dhcp: [string, string] | null = null) => ({
  address,
  prefix,
  dhcp: dhcp ? { start: dhcp[0], end: dhcp[1] } : null,
});

describe('newNetworkXml', () => {
  it('builds a NAT network that reads back as what was asked', () => {
    const xml = newNetworkXml({
      kind: 'nat',
      name: 'lab',
      bridgeName: 'virbr9',
      forwardDev: 'eth0',
      ipv4: v4('192.168.50.1', 24, ['192.168.50.100', '192.168.50.200']),
      ipv6: { address: 'fd00:50::1', prefix: 64 },
    });
    const n = NetworkXml.parse(xml);
    expect(n.name).toBe('lab');
    expect(n.forwardMode).toBe('nat');
    expect(n.forwardDev).toBe('eth0');
    expect(n.bridge).toBe('virbr9');
    expect(n.ips).toEqual([
      {
        family: 'ipv4',
        address: '192.168.50.1',
        prefix: 24,
        dhcpRanges: [{ start: '192.168.50.100', end: '192.168.50.200' }],
        dhcpHosts: [],
      },
      { family: 'ipv6', address: 'fd00:50::1', prefix: 64, dhcpRanges: [], dhcpHosts: [] },
    ]);
  });

  it('leaves <forward> out of an isolated network and the bridge name to libvirt when not given', () => {
    const xml = newNetworkXml({ kind: 'isolated', name: 'iso', ipv4: v4('10.9.0.1', 24) });
    expect(xml).not.toContain('<forward');
    expect(xml).not.toMatch(/<bridge[^>]*name=/);
    expect(NetworkXml.parse(xml).forwardMode).toBeNull();
  });

  it('writes routed and open forward modes', () => {
    expect(NetworkXml.parse(newNetworkXml({ kind: 'route', name: 'r' })).forwardMode).toBe('route');
    expect(NetworkXml.parse(newNetworkXml({ kind: 'open', name: 'o' })).forwardMode).toBe('open');
  });

  it('builds a host-bridge network as forward mode bridge over the existing bridge, without addresses', () => {
    const n = NetworkXml.parse(newNetworkXml({ kind: 'bridge', name: 'lan', hostBridge: 'br0' }));
    expect(n.forwardMode).toBe('bridge');
    expect(n.bridge).toBe('br0');
    expect(n.ips).toEqual([]);
  });

  it('builds a macvtap network with its mode and device', () => {
    for (const mode of ['bridge', 'private', 'vepa', 'passthrough'] as const) {
      const n = NetworkXml.parse(
        newNetworkXml({ kind: 'macvtap', name: 'mv', macvtap: { mode, dev: 'enp1s0' } }),
      );
      expect(n.forwardMode).toBe(mode);
      expect(n.forwardInterfaces).toEqual(['enp1s0']);
      expect(n.bridge).toBeNull();
    }
  });

  it('escapes what it is given instead of pasting it into markup', () => {
    const xml = newNetworkXml({ kind: 'isolated', name: "a'<b>&" });
    expect(NetworkXml.parse(xml).name).toBe("a'<b>&");
  });

  it('builds the elements virNetworkUpdate takes', () => {
    expect(dhcpHostXml({ mac: '52:54:00:aa:bb:cc', name: 'web', ip: '10.0.0.5' })).toBe(
      '<host mac="52:54:00:aa:bb:cc" name="web" ip="10.0.0.5"/>',
    );
    expect(dhcpHostXml({ mac: null, name: 'db', ip: '10.0.0.6' })).toBe('<host name="db" ip="10.0.0.6"/>');
    expect(dnsHostXml({ ip: '10.0.0.7', hostnames: ['a', 'b.lab'] })).toBe(
      '<host ip="10.0.0.7"><hostname>a</hostname><hostname>b.lab</hostname></host>',
    );
    const n = NetworkXml.parse(
      "<network><name>x</name><dns><host ip='10.0.0.7'><hostname>a</hostname></host></dns></network>",
    );
    expect(n.dnsHosts).toEqual([{ ip: '10.0.0.7', hostnames: ['a'] }]);
  });
});

describe('addresses', () => {
  it('parses IPv4 and IPv6 and finds subnets', () => {
    expect(parseIp('192.168.1.300')).toBeNull();
    expect(parseIp('fd00::1')?.family).toBe('ipv6');
    expect(parseIp('::ffff:10.0.0.1')?.value).toBe(0xffff0a000001n);
    expect(parseIp('1::2::3')).toBeNull();
    const s = subnetOf(parseIp('192.168.50.77')!, 24)!;
    expect(formatSubnet(s, 24)).toBe('192.168.50.0/24');
    expect(formatSubnet(subnetOf(parseIp('fd00:50::9')!, 64)!, 64)).toBe('fd00:50::/64');
  });
});

describe('checkNewNetwork', () => {
  const none = { names: [] as string[], blocks: [] as ExistingBlock[] };
  const def: ExistingBlock = {
    network: 'default',
    family: 'ipv4',
    address: '192.168.122.1',
    prefix: 24,
    dhcpRanges: [{ start: '192.168.122.2', end: '192.168.122.254' }],
  };

  it('accepts a sound NAT network', () => {
    expect(
      checkNewNetwork(
        input({ ipv4: v4('192.168.50.1', 24, ['192.168.50.10', '192.168.50.20']) }),
        none,
        null,
      ),
    ).toEqual([]);
  });

  it('refuses a taken name', () => {
    expect(checkNewNetwork(input({}), { names: ['lab'], blocks: [] }, null)).toEqual([
      { path: ['name'], message: "There is a network named 'lab' already" },
    ]);
  });

  it('refuses a DHCP range outside the subnet, reversed, or over the host address', () => {
    const outside = checkNewNetwork(
      input({ ipv4: v4('192.168.50.1', 24, ['192.168.50.10', '192.168.51.20']) }),
      none,
      null,
    );
    expect(outside).toEqual([
      {
        path: ['ipv4', 'dhcp', 'end'],
        message: 'The DHCP range must lie inside the network 192.168.50.0/24: 192.168.51.20 does not',
      },
    ]);
    expect(
      checkNewNetwork(
        input({ ipv4: v4('192.168.50.1', 24, ['192.168.50.90', '192.168.50.20']) }),
        none,
        null,
      )[0]?.message,
    ).toBe('The DHCP range ends before it starts');
    expect(
      checkNewNetwork(
        input({ ipv4: v4('192.168.50.15', 24, ['192.168.50.10', '192.168.50.20']) }),
        none,
        null,
      )[0]?.message,
    ).toContain("host's own address");
    expect(checkNewNetwork(input({ ipv4: v4('192.168.50.0', 24) }), none, null)[0]?.path).toEqual([
      'ipv4',
      'address',
    ]);
    expect(checkNewNetwork(input({ ipv4: v4('fd00::1', 24) }), none, null)[0]?.message).toBe(
      "'fd00::1' is not an IPv4 address",
    );
  });

  it('refuses a range or subnet overlapping another network, naming it', () => {
    const r = checkNewNetwork(
      input({ ipv4: v4('192.168.122.1', 24, ['192.168.122.100', '192.168.122.110']) }),
      { names: ['default'], blocks: [def] },
      null,
    );
    expect(r).toEqual([
      {
        path: ['ipv4', 'dhcp', 'start'],
        message: "The DHCP range overlaps network 'default' (its range 192.168.122.2 – 192.168.122.254)",
      },
    ]);
    const sub = checkNewNetwork(input({ ipv4: v4('192.168.0.1', 16) }), { names: [], blocks: [def] }, null);
    expect(sub[0]?.message).toBe("The addresses 192.168.0.0/16 overlap network 'default' (192.168.122.0/24)");
  });

  it('refuses a host bridge or interface the host does not have', () => {
    const host = [
      { name: 'eth0', type: 'ethernet' },
      { name: 'br0', type: 'bridge' },
    ];
    expect(checkNewNetwork(input({ kind: 'bridge', hostBridge: 'br9' }), none, host)).toEqual([
      { path: ['hostBridge'], message: "The host has no bridge 'br9'" },
    ]);
    expect(checkNewNetwork(input({ kind: 'bridge', hostBridge: 'eth0' }), none, host)[0]?.message).toBe(
      "'eth0' is a host ethernet interface, not a bridge",
    );
    expect(checkNewNetwork(input({ kind: 'bridge', hostBridge: 'br0' }), none, host)).toEqual([]);
    expect(checkNewNetwork(input({ kind: 'macvtap', macvtapDev: 'eth7' }), none, host)[0]?.path).toEqual([
      'macvtapDev',
    ]);
    expect(
      checkNewNetwork(input({ bridgeName: 'br0', ipv4: v4('10.1.0.1', 24) }), none, host)[0]?.path,
    ).toEqual(['bridgeName']);
  });

  it('refuses a bridge name another network uses', () => {
    const r = checkNewNetwork(
      input({ bridgeName: 'virbr0', ipv4: v4('10.1.0.1', 24) }),
      { names: [], blocks: [], bridges: [{ network: 'default', bridge: 'virbr0' }] },
      null,
    );
    expect(r).toEqual([
      { path: ['bridgeName'], message: "Network 'default' uses the bridge 'virbr0' already" },
    ]);
  });

  it('has the schema ask for what each kind needs', () => {
    const r = networkCreateSchema.safeParse({ connectionId: 'c1', name: 'x', kind: 'bridge' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['hostBridge']);
    expect(networkCreateSchema.safeParse({ connectionId: 'c1', name: 'bad name', kind: 'nat' }).success).toBe(
      false,
    );
  });
});
