/**
 * Changing a network's DHCP range through the contract, on the private system daemon (its own network
 * namespace: dnsmasq runs there, never on the host's):
 * - libvirt 9 refuses to modify a range in place (VIR_NETWORK_UPDATE_COMMAND_MODIFY), which is why the
 *   service adds the new range and deletes the old one;
 * - on a running network the change is live (dnsmasq's configuration has the new range) and in the
 *   definition, and the old range is gone from both;
 * - bad ranges (outside the subnet, ending before they start, holding a static host's address, the
 *   subnet's broadcast address) are refused at the field and change nothing (seen by a second connection);
 * - on a stopped network only the definition changes;
 * - a dual-stack network's IPv6 range (the second <ip> element: libvirt's parent index 1) changes live and
 *   in the definition, the IPv4 one untouched; bad IPv6 ranges (an IPv4 address, outside the /64, wider
 *   than libvirt allows, holding a static host, overlapping the block's other range) are refused at the
 *   field and change nothing.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NetworkUpdateCommand,
  NetworkUpdateFlags,
  NetworkUpdateSection,
  VIR_NETWORK_XML_INACTIVE,
  openConnection,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { NetworkXml } from '../../electron/libvirt-xml/index.js';
import type { RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv } from '../support/env.js';
import { randomUla64 } from '../support/ipv6.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
const OCTETS = [...randomBytes(2)].map((b) => 20 + (b % 200));
const NET = `10.${OCTETS[0]}.${OCTETS[1]}`;
/** A random unique-local /64 for the dual-stack network. */
const NET6 = randomUla64();

const refusal = async (p: Promise<unknown>): Promise<RemoteError> => {
  const e = (await p.then(
    () => null,
    (x: { remote?: RemoteError }) => x,
  )) as { remote?: RemoteError } | null;
  expect(e, 'the call should have been refused').not.toBeNull();
  return e!.remote!;
};

describe.skipIf(!sys.available)(
  `DHCP range changes on the system daemon${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let fx: CoreFixture;
    let other: LibvirtClient;
    const name = `vdrange-${TAG}`;
    const stateDir = sys.available ? path.join(path.dirname(sys.scratchDir), 'state') : '';

    /** The ranges of the live and the stored definition, as a second connection sees them. */
    const ranges = async () => {
      const net = await other.networkLookupByName(name);
      const of = async (flags: number) =>
        NetworkXml.parse(await other.networkGetXMLDesc(net, flags)).ips[0]!.dhcpRanges;
      return { live: await of(0), config: await of(VIR_NETWORK_XML_INACTIVE) };
    };
    const change = (old: { start: string; end: string }, range: { start: string; end: string }) =>
      fx.call<{ live: boolean }>('networks.dhcpRange', { connectionId: fx.connectionId, name, old, range });

    beforeAll(async () => {
      if (!sys.available) return;
      fx = await startCore(sys.uri);
      other = await openConnection(sys.uri);
      await fx.call('networks.create', {
        connectionId: fx.connectionId,
        name,
        kind: 'nat',
        start: true,
        autostart: false,
        ipv4: { address: `${NET}.1`, prefix: 24, dhcp: { start: `${NET}.100`, end: `${NET}.199` } },
      });
      await fx.call('networks.dhcpHost', {
        connectionId: fx.connectionId,
        name,
        op: 'add',
        host: { mac: '52:54:00:aa:bb:cc', name: 'fixed', ip: `${NET}.50` },
      });
    });

    afterAll(async () => {
      if (other) {
        const ref = await other.networkLookupByName(name).catch(() => null);
        if (ref) {
          await other.networkDestroy(ref).catch(() => undefined);
          await other.networkUndefine(ref).catch(() => undefined);
        }
        await other.close();
      }
      await fx?.stop();
    });

    it('libvirt refuses to modify a range in place (so VirtDesk adds the new one and deletes the old)', async () => {
      const net = await other.networkLookupByName(name);
      await expect(
        other.networkUpdate(
          net,
          NetworkUpdateCommand.MODIFY,
          NetworkUpdateSection.IP_DHCP_RANGE,
          `<range start='${NET}.100' end='${NET}.150'/>`,
          NetworkUpdateFlags.AFFECT_CONFIG | NetworkUpdateFlags.AFFECT_LIVE,
        ),
      ).rejects.toThrow(/cannot be modified|only added or deleted/);
      expect(await ranges()).toEqual({
        live: [{ start: `${NET}.100`, end: `${NET}.199` }],
        config: [{ start: `${NET}.100`, end: `${NET}.199` }],
      });
    });

    it('changes the range of a running network live and in its definition; dnsmasq has it', async () => {
      const r = await change(
        { start: `${NET}.100`, end: `${NET}.199` },
        { start: `${NET}.120`, end: `${NET}.220` },
      );
      expect(r).toEqual({ live: true });
      const want = [{ start: `${NET}.120`, end: `${NET}.220` }];
      expect(await ranges()).toEqual({ live: want, config: want });
      const conf = fs.readFileSync(path.join(stateDir, 'dnsmasq', `${name}.conf`), 'utf8');
      expect(conf).toContain(`dhcp-range=${NET}.120,${NET}.220`);
      expect(conf).not.toContain(`${NET}.100`);
      // Only the start moves, the end stays (the new range shares its end with the old one).
      await change({ start: `${NET}.120`, end: `${NET}.220` }, { start: `${NET}.110`, end: `${NET}.220` });
      expect((await ranges()).live).toEqual([{ start: `${NET}.110`, end: `${NET}.220` }]);
    });

    it('refuses bad ranges at the field, in words, and changes nothing', async () => {
      const old = { start: `${NET}.110`, end: `${NET}.220` };
      const before = await ranges();
      const outside = await refusal(change(old, { start: `${NET}.110`, end: `10.250.250.9` }));
      expect(outside.code).toBe('invalid-input');
      expect(outside.issues).toEqual([
        { path: ['range', 'end'], message: `Outside the network's subnet ${NET}.0/24` },
      ]);
      const backwards = await refusal(change(old, { start: `${NET}.200`, end: `${NET}.150` }));
      expect(backwards.issues?.[0]).toMatchObject({ path: ['range', 'end'] });
      expect(backwards.message).toMatch(/ends before it starts/);
      const holdsHost = await refusal(change(old, { start: `${NET}.40`, end: `${NET}.60` }));
      expect(holdsHost.message).toBe(
        `Holds ${NET}.50, the fixed address of fixed: keep static hosts outside the range`,
      );
      const broadcast = await refusal(change(old, { start: `${NET}.110`, end: `${NET}.255` }));
      expect(broadcast.issues?.[0]?.message).toMatch(/broadcast address/);
      const notIp = await refusal(change(old, { start: 'ten', end: `${NET}.150` }));
      expect(notIp.issues?.[0]).toMatchObject({ path: ['range', 'start'] });
      const gone = await refusal(change({ start: `${NET}.100`, end: `${NET}.199` }, old));
      expect(gone.message).toMatch(/no DHCP range .* any more/);
      expect(await ranges()).toEqual(before);
    });

    it('on a stopped network, changes the definition only', async () => {
      await fx.call('networks.stop', { connectionId: fx.connectionId, name });
      const r = await change(
        { start: `${NET}.110`, end: `${NET}.220` },
        { start: `${NET}.100`, end: `${NET}.149` },
      );
      expect(r).toEqual({ live: false });
      const net = await other.networkLookupByName(name);
      const config = NetworkXml.parse(await other.networkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE));
      expect(config.ips[0]!.dhcpRanges).toEqual([{ start: `${NET}.100`, end: `${NET}.149` }]);
    });

    it("changes a dual-stack network's IPv6 range live and in its definition (parent index 1), refuses bad ones", async () => {
      const name6 = `vdrange6-${TAG}`;
      const net = await other.networkDefineXML(
        `<network><name>${name6}</name>` +
          `<ip address='${NET}.1' prefix='24'><dhcp><range start='${NET}.100' end='${NET}.199'/></dhcp></ip>` +
          `<ip family='ipv6' address='${NET6}::1' prefix='64'><dhcp>` +
          `<range start='${NET6}::100' end='${NET6}::1ff'/><range start='${NET6}::1000' end='${NET6}::10ff'/>` +
          `<host name='fixed6' ip='${NET6}::50'/></dhcp></ip></network>`,
      );
      try {
        await other.networkCreate(net);
        const blocks = async (flags: number) =>
          NetworkXml.parse(await other.networkGetXMLDesc(net, flags)).ips.map((ip) => ip.dhcpRanges);
        const both = async () => ({ live: await blocks(0), config: await blocks(VIR_NETWORK_XML_INACTIVE) });
        const change6 = (old: { start: string; end: string }, range: { start: string; end: string }) =>
          fx.call<{ live: boolean }>('networks.dhcpRange', {
            connectionId: fx.connectionId,
            name: name6,
            old,
            range,
          });
        const old = { start: `${NET6}::100`, end: `${NET6}::1ff` };
        const before = await both();

        const v4 = await refusal(change6(old, { start: `${NET}.120`, end: `${NET6}::1ff` }));
        expect(v4.issues).toEqual([
          { path: ['range', 'start'], message: 'Enter an IPv6 address, like fd00::100' },
        ]);
        const outside = await refusal(change6(old, { start: `${NET6}::100`, end: 'fd00:ffff:ffff:ffff::1' }));
        expect(outside.issues?.[0]?.message).toBe(`Outside the network's subnet ${NET6}::/64`);
        const wide = await refusal(change6(old, { start: `${NET6}::100`, end: `${NET6}::1:100` }));
        expect(wide.message).toMatch(/^Too large: a DHCP range may span at most 65,536 addresses/);
        const holdsHost = await refusal(change6(old, { start: `${NET6}::10`, end: `${NET6}::1ff` }));
        expect(holdsHost.message).toBe(
          `Holds ${NET6}::50, the fixed address of fixed6: keep static hosts outside the range`,
        );
        const overlap = await refusal(change6(old, { start: `${NET6}::100`, end: `${NET6}::1080` }));
        expect(overlap.message).toBe(`Overlaps the network's other range ${NET6}::1000–${NET6}::10ff`);
        expect(await both()).toEqual(before);
        // What our check lets through for the size, libvirt accepts too: its own limit is the same.
        await expect(
          other.networkUpdate(
            net,
            NetworkUpdateCommand.ADD_LAST,
            NetworkUpdateSection.IP_DHCP_RANGE,
            `<range start='${NET6}::2000' end='${NET6}::1:2000'/>`,
            NetworkUpdateFlags.AFFECT_CONFIG,
            1,
          ),
        ).rejects.toThrow(/too large/);

        expect(await change6(old, { start: `${NET6}::200`, end: `${NET6}::2ff` })).toEqual({ live: true });
        const want = [
          [{ start: `${NET}.100`, end: `${NET}.199` }],
          [
            { start: `${NET6}::1000`, end: `${NET6}::10ff` },
            { start: `${NET6}::200`, end: `${NET6}::2ff` },
          ],
        ];
        expect(await both()).toEqual({ live: want, config: want });
        // dnsmasq was given the new range (for IPv6 with its prefix length) and not the old one.
        const conf = fs.readFileSync(path.join(stateDir, 'dnsmasq', `${name6}.conf`), 'utf8');
        expect(conf).toContain(`dhcp-range=${NET6}::200,${NET6}::2ff,64`);
        expect(conf).not.toContain(`${NET6}::100,`);
      } finally {
        await other.networkDestroy(net).catch(() => undefined);
        await other.networkUndefine(net).catch(() => undefined);
      }
    });
  },
);
