/**
 * Host-bridge and macvtap networks on the private *system* daemon, from the host's own interfaces:
 * - a bridge and a veth pair are made with `ip link` inside the daemon's network namespace (never on the
 *   machine's), and libvirt's udev interface backend lists exactly those (the namespace mounts its own
 *   sysfs view of the network devices, see tests/support/system-daemon.ts) — the read-only list the
 *   New network dialog shows;
 * - a host-bridge network (`<forward mode='bridge'/><bridge name='…'/>`) is defined and started on the
 *   bridge, and the tiny guest's NIC on that network lands on it (its tap is a port of the bridge);
 * - a macvtap network (`<forward mode='bridge'><interface dev='…'/>`) is defined and started on one end
 *   of the veth pair, and the tiny guest's NIC on it becomes a macvtap link on that end, in bridge mode;
 * - a bridge network on an interface that is not a bridge is refused with nothing defined.
 * The interfaces, networks and guest are removed at the end even when a test fails.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import type { CallOutput, RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml } from '../support/guest.js';
import { until } from '../support/poll.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
/** Interface names: at most 15 characters, unique per run. */
const BRIDGE = `vdbr${TAG}`;
const VETH = `vdve${TAG}`;
const VETH_PEER = `vdvp${TAG}`;

/** Runs a command in the system daemon's mount and network namespaces; returns its output. */
const inNamespace =
  (nsPid: number) =>
  (argv: string[]): string =>
    execFileSync('/usr/bin/nsenter', [`--target=${nsPid}`, '--mount', '--net', '--', ...argv], {
      encoding: 'utf8',
      timeout: 15_000,
    });

const remoteOf = async (p: Promise<unknown>): Promise<RemoteError> => {
  const e = (await p.then(
    () => null,
    (x: { remote?: RemoteError }) => x,
  )) as { remote?: RemoteError } | null;
  expect(e, 'the call should have been refused').not.toBeNull();
  return e!.remote!;
};

describe.skipIf(!sys.available)(
  `host-bridge and macvtap networks${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const bridged = `vdhostbr-${TAG}`;
    const macvtap = `vdmacvtap-${TAG}`;
    const notBridge = `vdnotbr-${TAG}`;
    const guest = `vdbrguest-${TAG}`;
    let fx: CoreFixture;
    let other: LibvirtClient;
    const ns = sys.available ? inNamespace(sys.nsPid) : () => '';

    beforeAll(async () => {
      if (!sys.available) return;
      ns(['ip', 'link', 'add', BRIDGE, 'type', 'bridge']);
      ns(['ip', 'link', 'set', BRIDGE, 'up']);
      ns(['ip', 'link', 'add', VETH, 'type', 'veth', 'peer', 'name', VETH_PEER]);
      ns(['ip', 'link', 'set', VETH, 'up']);
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
        for (const n of [bridged, macvtap, notBridge]) {
          const ref = await c.networkLookupByName(n).catch(() => null);
          if (!ref) continue;
          await c.networkDestroy(ref).catch(() => undefined);
          await c.networkUndefine(ref).catch(() => undefined);
        }
        await c.close();
      }
      await fx?.stop();
      for (const dev of [BRIDGE, VETH])
        try {
          ns(['ip', 'link', 'del', dev]);
        } catch {
          /* never made, or gone with the namespace */
        }
    });

    /** Defines the tiny guest with its one NIC on `network` (started by the caller). */
    const defineGuestOn = async (network: string) => {
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.available ? sys.scratchDir : '', `vdbrguest-${TAG}`);
      const guestXml = tinyGuestXml({
        name: guest,
        kernel,
        initrd,
        virtType,
        nic: true,
        serial: 'pty',
      }).replace("<interface type='user'>", `<interface type='network'><source network='${network}'/>`);
      expect(guestXml).toContain(`<source network='${network}'/>`);
      return other.domainDefineXML(guestXml);
    };
    const defined = async () => (await other.connectListAllNetworks()).map((n) => n.name);
    const list = async () =>
      (await fx.call<CallOutput<'networks.list'>>('networks.list', { connectionId: fx.connectionId }))
        .networks;

    it("lists the namespace's bridge and NICs, read-only, with their type", async () => {
      const r = await fx.call<CallOutput<'networks.hostInterfaces'>>('networks.hostInterfaces', {
        connectionId: fx.connectionId,
      });
      expect(r.unavailable).toBeNull();
      const byName = new Map(r.interfaces.map((i) => [i.name, i]));
      // (Their state is libvirt's "operstate up": a bridge without ports and a veth whose peer is down
      // are listed as down, though they are administratively up.)
      expect(byName.get(BRIDGE)).toMatchObject({ type: 'bridge' });
      expect(byName.get(VETH)).toMatchObject({ type: 'ethernet' });
      expect(byName.get(VETH)!.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      // Only the namespace's own devices: none of the machine's (its NICs live in another namespace).
      const machine = fs.readdirSync('/sys/class/net').filter((n) => n !== 'lo');
      for (const n of machine) expect(byName.has(n), n).toBe(false);
    });

    it('starts a host-bridge network on the bridge; a guest NIC on it becomes a port of the bridge', async () => {
      const made = await fx.call<CallOutput<'networks.create'>>('networks.create', {
        connectionId: fx.connectionId,
        name: bridged,
        kind: 'bridge',
        hostBridge: BRIDGE,
        start: true,
        autostart: false,
      });
      expect(made).toEqual({ name: bridged, active: true });
      const xml = await other.networkGetXMLDesc(await other.networkLookupByName(bridged));
      expect(xml).toMatch(/<forward mode=['"]bridge['"]\s*\/>/);
      expect(xml).toContain(`<bridge name='${BRIDGE}'/>`);
      expect((await list()).find((n) => n.name === bridged)).toMatchObject({
        active: true,
        forwardMode: 'bridge',
        bridge: BRIDGE,
        ips: [],
      });

      const dom = await defineGuestOn(bridged);
      await other.domainCreate(dom);
      const live = await other.domainGetXMLDesc(dom);
      const tap = /<target dev=['"]([^'"]+)['"]/.exec(live.slice(live.indexOf('<interface')))?.[1];
      expect(tap, live).toBeDefined();
      const ports = await until('the tap to join the bridge', 10_000, () => {
        const out = ns(['ip', '-o', 'link', 'show', 'master', BRIDGE]);
        return out.includes(`${tap}:`) ? out : undefined;
      });
      expect(ports).toContain(`master ${BRIDGE}`);
      await other.domainDestroy(dom);
      await other.domainUndefineFlags(dom, 0);
    });

    it('starts a macvtap network on a host NIC', async () => {
      await fx.call('networks.create', {
        connectionId: fx.connectionId,
        name: macvtap,
        kind: 'macvtap',
        macvtapDev: VETH,
        macvtapMode: 'bridge',
        start: true,
        autostart: false,
      });
      const xml = await other.networkGetXMLDesc(await other.networkLookupByName(macvtap));
      expect(xml).toMatch(
        // libvirt names the first interface as the forward's dev too.
        new RegExp(`<forward [^>]*mode=['"]bridge['"][^>]*>\\s*<interface dev=['"]${VETH}['"]\\s*/>`),
      );
      expect((await list()).find((n) => n.name === macvtap)).toMatchObject({
        active: true,
        forwardMode: 'bridge',
        bridge: null,
        devices: [VETH],
      });
    });

    it("a guest NIC on the macvtap network becomes a macvtap device on the host NIC, in the network's mode", async () => {
      const dom = await defineGuestOn(macvtap);
      try {
        await other.domainCreate(dom);
        const live = await other.domainGetXMLDesc(dom);
        const nic = live.slice(live.indexOf('<interface'), live.indexOf('</interface>'));
        // libvirt shows the NIC as what the network made of it: a direct (macvtap) one on the veth.
        expect(nic).toMatch(/<interface type=['"]direct['"]/);
        expect(nic).toMatch(
          new RegExp(`<source network=['"]${macvtap}['"][^>]* dev=['"]${VETH}['"] mode=['"]bridge['"]`),
        );
        const dev = /<target dev=['"]([^'"]+)['"]/.exec(nic)?.[1];
        expect(dev, nic).toBeDefined();
        // The kernel's view, in the daemon's namespace: a macvtap link on top of the veth, bridge mode.
        const link = ns(['ip', '-d', '-o', 'link', 'show', dev!]);
        expect(link).toContain(`${dev}@${VETH}:`);
        expect(link).toMatch(/macvtap\s+mode bridge/);
      } finally {
        await other.domainDestroy(dom).catch(() => undefined);
        await other.domainUndefineFlags(dom, 0).catch(() => undefined);
      }
    });

    it('refuses a host-bridge network on an interface that is not a bridge, defining nothing', async () => {
      const refused = await remoteOf(
        fx.call('networks.create', {
          connectionId: fx.connectionId,
          name: notBridge,
          kind: 'bridge',
          hostBridge: VETH,
          start: true,
          autostart: false,
        }),
      );
      expect(refused.message).toBe(`'${VETH}' is a host ethernet interface, not a bridge`);
      expect(await defined()).not.toContain(notBridge);
    });

    it('deletes both networks; the host bridge itself stays', async () => {
      for (const name of [bridged, macvtap])
        await fx.call('networks.delete', { connectionId: fx.connectionId, name });
      const seen = await defined();
      expect(seen).not.toContain(bridged);
      expect(seen).not.toContain(macvtap);
      expect(ns(['ip', '-o', 'link', 'show', BRIDGE])).toContain(BRIDGE);
    });
  },
);
