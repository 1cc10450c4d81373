/**
 * The Networks page's calls on the private *system* daemon (tests/support/system-daemon.ts: its own
 * network namespace, so bridges and dnsmasq never touch the host's):
 * - NAT, isolated and routed networks created through the core, listed with their forward mode, bridge
 *   and range, started (dnsmasq running inside the namespace);
 * - a static DHCP host entry added live lands in the running network's XML and in dnsmasq's hostsfile;
 *   the tiny guest (which has no DHCP client of its own: busybox's udhcpc is run from its shell) then gets
 *   that fixed address, and the lease list shows it with the VM's name;
 * - bad input (a range overlapping another network, a range outside the subnet, a host bridge that does
 *   not exist) is refused in plain words and nothing is defined — checked through a second connection;
 * - delete stops and undefines.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type DomainRef, type LibvirtClient } from '../../electron/libvirt/index.js';
import type { CallOutput, RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml } from '../support/guest.js';
import { waitForGuestBoot } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { until } from '../support/poll.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
/** A /24 unlikely to be taken by anything else in the namespace: 10.<rand>.<rand>.0. */
const OCTETS = [...randomBytes(2)].map((b) => 20 + (b % 200));
const NET = `10.${OCTETS[0]}.${OCTETS[1]}`;
const ROUTED = `10.${OCTETS[0]}.${(OCTETS[1]! + 1) % 256}`;
const GUEST_MAC = `52:54:00:${TAG.slice(0, 2)}:${TAG.slice(2, 4)}:${TAG.slice(4, 6)}`;
const FIXED_IP = `${NET}.77`;

const remoteOf = async (p: Promise<unknown>): Promise<RemoteError> => {
  const e = (await p.then(
    () => null,
    (x: { remote?: RemoteError }) => x,
  )) as { remote?: RemoteError } | null;
  expect(e, 'the call should have been refused').not.toBeNull();
  return e!.remote!;
};

describe.skipIf(!sys.available)(
  `networks on the system daemon${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let fx: CoreFixture;
    let other: LibvirtClient;
    const nat = `vdnat-${TAG}`;
    const iso = `vdiso-${TAG}`;
    const routed = `vdroute-${TAG}`;
    const guest = `vdnetguest-${TAG}`;
    const names = [nat, iso, routed, `vdbad1-${TAG}`, `vdbad2-${TAG}`, `vdbad3-${TAG}`, `vdbr-${TAG}`];
    const stateDir = sys.available ? path.join(path.dirname(sys.scratchDir), 'state') : '';

    beforeAll(async () => {
      if (!sys.available) return;
      fx = await startCore(sys.uri);
      other = await openConnection(sys.uri);
    });

    afterAll(async () => {
      const c = other;
      if (c) {
        const dom = await c.domainLookupByName(guest).catch(() => null);
        if (dom) {
          await c.domainDestroy(dom).catch(() => undefined);
          await c.domainUndefineFlags(dom, 0).catch(() => undefined);
        }
        for (const n of names) {
          const ref = await c.networkLookupByName(n).catch(() => null);
          if (!ref) continue;
          await c.networkDestroy(ref).catch(() => undefined);
          await c.networkUndefine(ref).catch(() => undefined);
        }
        await c.close();
      }
      await fx?.stop();
    });

    const list = async () =>
      (await fx.call<CallOutput<'networks.list'>>('networks.list', { connectionId: fx.connectionId }))
        .networks;
    const defined = async () => (await other.connectListAllNetworks()).map((n) => n.name);

    it('creates and starts NAT, isolated and routed networks, each listed with what it is', async () => {
      const base = { connectionId: fx.connectionId, start: true, autostart: false };
      await fx.call('networks.create', {
        ...base,
        name: nat,
        kind: 'nat',
        ipv4: { address: `${NET}.1`, prefix: 24, dhcp: { start: `${NET}.10`, end: `${NET}.50` } },
      });
      await fx.call('networks.create', { ...base, name: iso, kind: 'isolated', autostart: true, ipv4: null });
      await fx.call('networks.create', {
        ...base,
        name: routed,
        kind: 'route',
        ipv4: { address: `${ROUTED}.1`, prefix: 24, dhcp: null },
      });
      const nets = await list();
      const byName = new Map(nets.map((n) => [n.name, n]));
      expect(byName.get(nat)).toMatchObject({
        active: true,
        persistent: true,
        autostart: false,
        forwardMode: 'nat',
        ips: [
          {
            family: 'ipv4',
            address: `${NET}.1`,
            prefix: 24,
            dhcpRanges: [{ start: `${NET}.10`, end: `${NET}.50` }],
          },
        ],
      });
      expect(byName.get(nat)!.bridge).toMatch(/^virbr\d+$/);
      expect(byName.get(iso)).toMatchObject({ active: true, autostart: true, forwardMode: null, ips: [] });
      expect(byName.get(routed)).toMatchObject({ active: true, forwardMode: 'route' });
      // dnsmasq serves the NAT network, inside the daemon's network namespace.
      const dnsmasq = execFileSync('pgrep', ['-a', 'dnsmasq'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`${nat}.conf`));
      expect(dnsmasq.length).toBeGreaterThan(0);
      const pid = dnsmasq[0]!.split(' ')[0]!;
      expect(fs.readlinkSync(`/proc/${pid}/ns/net`)).toBe(
        fs.readlinkSync(`/proc/${sys.available ? sys.nsPid : 0}/ns/net`),
      );
    });

    it('refuses bad input in plain words and defines nothing', async () => {
      const base = { connectionId: fx.connectionId, start: true, autostart: false };
      const overlap = await remoteOf(
        fx.call('networks.create', {
          ...base,
          name: `vdbad1-${TAG}`,
          kind: 'nat',
          ipv4: { address: `${NET}.129`, prefix: 25, dhcp: { start: `${NET}.20`, end: `${NET}.30` } },
        }),
      );
      expect(overlap.code).toBe('invalid-input');
      expect(overlap.message).toBe(
        `The DHCP range must lie inside the network ${NET}.128/25: ${NET}.20 does not`,
      );
      const clash = await remoteOf(
        fx.call('networks.create', {
          ...base,
          name: `vdbad1-${TAG}`,
          kind: 'isolated',
          ipv4: { address: `${NET}.200`, prefix: 24, dhcp: { start: `${NET}.40`, end: `${NET}.60` } },
        }),
      );
      expect(clash.message).toBe(
        `The DHCP range overlaps network '${nat}' (its range ${NET}.10 – ${NET}.50)`,
      );
      expect(clash.issues?.[0]?.path).toEqual(['ipv4', 'dhcp', 'start']);
      const outside = await remoteOf(
        fx.call('networks.create', {
          ...base,
          name: `vdbad2-${TAG}`,
          kind: 'nat',
          ipv4: { address: '10.250.1.1', prefix: 24, dhcp: { start: '10.250.1.10', end: '10.250.2.10' } },
        }),
      );
      expect(outside.message).toBe(
        'The DHCP range must lie inside the network 10.250.1.0/24: 10.250.2.10 does not',
      );
      const interfaces = await fx.call<CallOutput<'networks.hostInterfaces'>>('networks.hostInterfaces', {
        connectionId: fx.connectionId,
      });
      const noBridge = await remoteOf(
        fx.call('networks.create', {
          ...base,
          name: `vdbad3-${TAG}`,
          kind: 'bridge',
          hostBridge: 'vdnobr0',
        }),
      );
      if (interfaces.unavailable === null) {
        expect(noBridge.message).toBe("The host has no bridge 'vdnobr0'");
      } else {
        // Without libvirt's interface driver the name cannot be checked up front; libvirt refuses at start.
        expect(noBridge.message).toContain(`The network 'vdbad3-${TAG}' could not start`);
      }
      const seen = await defined();
      for (const n of [`vdbad1-${TAG}`, `vdbad2-${TAG}`, `vdbad3-${TAG}`]) expect(seen).not.toContain(n);
    });

    it('lists the host interfaces read-only and checks a host bridge against them', async () => {
      const r = await fx.call<CallOutput<'networks.hostInterfaces'>>('networks.hostInterfaces', {
        connectionId: fx.connectionId,
      });
      if (r.unavailable !== null) {
        console.warn(`host interfaces not listed here: ${r.unavailable}`);
        return;
      }
      // libvirt's udev interface backend reads /sys/class/net, which the test bed's namespace has its own
      // view of: the list is the namespace's interfaces (lo, and the bridges tests make there), as on a
      // real host the daemon's list is the host's (networks-host-bridge.test.ts makes and lists some).
      expect(r.interfaces.length).toBeGreaterThan(0);
      const nic = r.interfaces.find((i) => i.type !== 'bridge');
      if (!nic) return;
      const refused = await remoteOf(
        fx.call('networks.create', {
          connectionId: fx.connectionId,
          name: `vdbr-${TAG}`,
          kind: 'bridge',
          hostBridge: nic.name,
          start: false,
          autostart: false,
        }),
      );
      expect(refused.message).toBe(`'${nic.name}' is a host ${nic.type} interface, not a bridge`);
      expect(await defined()).not.toContain(`vdbr-${TAG}`);
    });

    it('adds a static DHCP host and a DNS host live: in the running XML and in dnsmasq’s files', async () => {
      const r = await fx.call<CallOutput<'networks.dhcpHost'>>('networks.dhcpHost', {
        connectionId: fx.connectionId,
        name: nat,
        op: 'add',
        host: { mac: GUEST_MAC, name: 'fixed', ip: FIXED_IP },
      });
      expect(r.live).toBe(true);
      await fx.call('networks.dnsHost', {
        connectionId: fx.connectionId,
        name: nat,
        op: 'add',
        host: { ip: `${NET}.5`, hostnames: ['printer'] },
      });
      const ref = await other.networkLookupByName(nat);
      const live = await other.networkGetXMLDesc(ref);
      expect(live).toContain(`<host mac="${GUEST_MAC}" name="fixed" ip="${FIXED_IP}"/>`.replace(/"/g, "'"));
      expect(live).toMatch(/<dns>[\s\S]*<hostname>printer<\/hostname>/);
      const inactive = await other.networkGetXMLDesc(ref, 1);
      expect(inactive).toContain(FIXED_IP);
      const hostsfile = fs.readFileSync(path.join(stateDir, 'dnsmasq', `${nat}.hostsfile`), 'utf8');
      expect(hostsfile).toContain(`${GUEST_MAC},${FIXED_IP},fixed`);
      const addnhosts = fs.readFileSync(path.join(stateDir, 'dnsmasq', `${nat}.addnhosts`), 'utf8');
      expect(addnhosts).toMatch(new RegExp(`${NET.replace(/\./g, '\\.')}\\.5\\s+printer`));
      const details = await fx.call<CallOutput<'networks.get'>>('networks.get', {
        connectionId: fx.connectionId,
        name: nat,
      });
      expect(details.dhcpHosts).toEqual([{ mac: GUEST_MAC, name: 'fixed', ip: FIXED_IP }]);
      expect(details.dnsHosts).toEqual([{ ip: `${NET}.5`, hostnames: ['printer'] }]);
    });

    it('gives a guest on the network its fixed address by DHCP, and the lease list shows it', async () => {
      const { kernel, initrd } = stageTinyGuest(sys.available ? sys.scratchDir : '');
      const serialLog = path.join(sys.available ? sys.scratchDir : '', `${guest}.serial.log`);
      const xml = tinyGuestXml({
        name: guest,
        kernel,
        initrd,
        virtType: testEnv().virtType,
        nic: true,
        serial: 'pty',
        serialLog,
      }).replace(
        "<interface type='user'>",
        `<interface type='network'><source network='${nat}'/><mac address='${GUEST_MAC}'/>`,
      );
      const dom: DomainRef = await other.domainDefineXML(xml);
      await other.domainCreate(dom);
      await waitForGuestBoot(serialLog);
      // The tiny guest has no DHCP client running: busybox's udhcpc, once, with a script that does nothing.
      await guestShell(
        other,
        dom,
        "ip link set eth0 up; printf '#!/bin/sh\\nexit 0\\n' > /tmp/u; chmod +x /tmp/u; " +
          'busybox udhcpc -i eth0 -n -q -f -t 5 -T 2 -s /tmp/u -x hostname:tiny; echo DHCP-$((40+2))',
        /DHCP-42/,
        60_000,
        30_000,
      ).catch((e: unknown) => {
        console.warn('DHCP failed; the guest said:', fs.readFileSync(serialLog, 'utf8'));
        throw e;
      });
      const details = await until('the lease to show', 30_000, async () => {
        const d = await fx.call<CallOutput<'networks.get'>>('networks.get', {
          connectionId: fx.connectionId,
          name: nat,
        });
        return d.leases.length > 0 ? d : undefined;
      });
      expect(details.leases[0]).toMatchObject({ mac: GUEST_MAC, ip: FIXED_IP, vm: guest, family: 'ipv4' });
      expect(details.leases[0]!.expiry).toBeGreaterThan(Date.now() / 1000);
      expect(details.vms).toEqual([{ name: guest, uuid: dom.uuid, mac: GUEST_MAC }]);
      expect((await list()).find((n) => n.name === nat)!.vms.map((v) => v.name)).toEqual([guest]);
    });

    it('deletes networks: running ones stopped first, gone for a second connection', async () => {
      await fx.call('networks.stop', { connectionId: fx.connectionId, name: routed });
      expect((await list()).find((n) => n.name === routed)!.active).toBe(false);
      for (const n of [iso, routed])
        await fx.call('networks.delete', { connectionId: fx.connectionId, name: n });
      const seen = await defined();
      expect(seen).not.toContain(iso);
      expect(seen).not.toContain(routed);
      expect(seen).toContain(nat);
    });
  },
);
