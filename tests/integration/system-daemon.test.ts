/**
 * The private system-mode libvirtd (tests/support/system-daemon.ts): what the privileged features will
 * stand on (networks, pools, cgroup tuning) works through our wire client, and none of it reaches the
 * host — no bridge, no dnsmasq, no firewall rule, no libvirt object, no cgroup left behind.
 */
import { stageTinyGuest } from '../support/system-guest.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openConnection,
  paramsToRecord,
  VIR_DOMAIN_AFFECT_LIVE,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { testEnv, systemTestEnv } from '../support/env.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';
import { isAlive } from '../support/procs.js';
import { startSystemDaemon } from '../support/system-daemon.js';

const sys = systemTestEnv();
const BRIDGE = 'vdtestbr0';

const networkXml = (name: string) =>
  `<network><name>${name}</name><forward mode='nat'/><bridge name='${BRIDGE}'/>` +
  `<ip address='192.168.213.1' netmask='255.255.255.0'><dhcp>` +
  `<range start='192.168.213.10' end='192.168.213.20'/></dhcp></ip></network>`;

/** libvirt's pty lock files in the host's /run/lock. */
const hostLocks = (): string[] =>
  fs
    .readdirSync('/run/lock')
    .filter((f) => f.startsWith('LCK..'))
    .sort();

/** Network interfaces of the host's (our) network namespace. */
const hostLinks = (): string => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });

/** The folders a system libvirt on this host keeps its objects in, with their entries. */
function hostLibvirtState(): string {
  const out: string[] = [];
  for (const dir of ['/etc/libvirt/qemu', '/etc/libvirt/qemu/networks', '/etc/libvirt/storage']) {
    try {
      out.push(`${dir}: ${fs.readdirSync(dir).sort().join(',')}`);
    } catch {
      out.push(`${dir}: -`);
    }
  }
  return out.join('\n');
}

const cgroupDirs = (name: string): string[] =>
  fs
    .readdirSync('/sys/fs/cgroup')
    .map((ctl) => path.join('/sys/fs/cgroup', ctl, 'machine'))
    .filter((m) => fs.existsSync(m))
    .flatMap((m) => fs.readdirSync(m).filter((g) => g.endsWith(`-${name}.libvirt-qemu`)));

describe.skipIf(!sys.available)(
  `private system libvirtd${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let conn: LibvirtClient;
    const net = `vdtest-net-${process.pid}`;
    const pool = `vdtest-pool-${process.pid}`;
    const hostStateBefore = hostLibvirtState();

    beforeAll(async () => {
      if (!sys.available) return;
      conn = await openConnection(sys.uri);
    });
    afterAll(async () => {
      for (const cleanup of [
        async () => conn.networkDestroy(await conn.networkLookupByName(net)),
        async () => conn.networkUndefine(await conn.networkLookupByName(net)),
        async () => conn.storagePoolDestroy(await conn.storagePoolLookupByName(pool)),
        async () => conn.storagePoolUndefine(await conn.storagePoolLookupByName(pool)),
      ]) {
        await cleanup().catch(() => {});
      }
      await conn?.close();
    });

    it('is a system-mode qemu daemon whose definitions land in its private folder, not /etc/libvirt', async () => {
      if (!sys.available) return;
      expect(await conn.connectGetURI()).toBe('qemu:///system');
      const probe = `vdtest-probe-${process.pid}`;
      const ref = await conn.networkDefineXML(
        `<network><name>${probe}</name><bridge name='vdtestpr0'/></network>`,
      );
      try {
        const privateConfig = path.join(path.dirname(sys.scratchDir), 'config', 'qemu', 'networks');
        expect(fs.existsSync(path.join(privateConfig, `${probe}.xml`))).toBe(true);
        expect(fs.existsSync(path.join('/etc/libvirt/qemu/networks', `${probe}.xml`))).toBe(false);
      } finally {
        await conn.networkUndefine(ref);
      }
    });

    it('starts a NAT network whose bridge and dnsmasq exist only inside its network namespace', async () => {
      if (!sys.available) return;
      const ref = await conn.networkDefineXML(networkXml(net));
      await conn.networkCreate(ref);
      expect(await conn.networkIsActive(ref)).toBe(true);
      expect(await conn.networkGetBridgeName(ref)).toBe(BRIDGE);
      const inside = execFileSync(
        'nsenter',
        [`--target=${sys.nsPid}`, '--net', '--', 'ip', '-o', 'link', 'show'],
        { encoding: 'utf8' },
      );
      expect(inside).toContain(BRIDGE);
      expect(hostLinks()).not.toContain(BRIDGE);
      // dnsmasq serves the range, in the namespace.
      const dnsmasq = execFileSync('pgrep', ['-a', 'dnsmasq'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`${net}.conf`));
      expect(dnsmasq.length).toBeGreaterThan(0);
      const pid = dnsmasq[0]!.split(' ')[0]!;
      expect(fs.readlinkSync(`/proc/${pid}/ns/net`)).toBe(fs.readlinkSync(`/proc/${sys.nsPid}/ns/net`));
      expect(fs.readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(fs.readlinkSync('/proc/self/ns/net'));
      expect(await conn.networkGetDHCPLeases(ref)).toEqual([]);
      await conn.networkDestroy(ref);
      expect(hostLinks()).not.toContain(BRIDGE);
    });

    it('creates a directory pool and a volume in the shared scratch folder', async () => {
      if (!sys.available) return;
      const target = path.join(sys.scratchDir, pool);
      const ref = await conn.storagePoolDefineXML(
        `<pool type='dir'><name>${pool}</name><target><path>${target}</path></target></pool>`,
      );
      await conn.storagePoolBuild(ref);
      await conn.storagePoolCreate(ref);
      const vol = await conn.storageVolCreateXML(
        ref,
        `<volume><name>v.qcow2</name><capacity unit='MiB'>16</capacity>` +
          `<target><format type='qcow2'/></target></volume>`,
      );
      expect(fs.existsSync(path.join(target, 'v.qcow2'))).toBe(true);
      await conn.storageVolDelete(vol);
    });

    it('tunes a running guest through its cgroups (scheduler and memory parameters, live)', async () => {
      if (!sys.available) return;
      const { virtType } = testEnv();
      const name = uniqueGuestName('sys');
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir);
      const dom = await conn.domainCreateXML(tinyGuestXml({ name, virtType, kernel, initrd }));
      try {
        await conn.domainSetSchedulerParameters(dom, { cpu_shares: 512 }, VIR_DOMAIN_AFFECT_LIVE);
        const sched = paramsToRecord(await conn.domainGetSchedulerParameters(dom, VIR_DOMAIN_AFFECT_LIVE));
        expect(sched.cpu_shares).toBe(512);
        const [group] = cgroupDirs(name);
        expect(group).toBeDefined();
        expect(
          fs.readFileSync(path.join('/sys/fs/cgroup/cpu/machine', group!, 'cpu.shares'), 'utf8').trim(),
        ).toBe('512');
        await conn.domainSetMemoryParameters(dom, { hard_limit: 512 * 1024 }, VIR_DOMAIN_AFFECT_LIVE);
        const mem = paramsToRecord(await conn.domainGetMemoryParameters(dom, VIR_DOMAIN_AFFECT_LIVE));
        expect(mem.hard_limit).toBe(512 * 1024);
      } finally {
        await conn.domainDestroy(dom).catch(() => {});
      }
      await until('the guest’s cgroups to go', 10_000, () => cgroupDirs(name).length === 0);
    });

    it('leaves nothing behind when stopped with a guest, its open console and a network running', async () => {
      const { virtType } = testEnv();
      const locksBefore = hostLocks();
      const second = await startSystemDaemon();
      const name = uniqueGuestName('sys');
      let c: LibvirtClient | undefined;
      try {
        c = await openConnection(second.uri);
        const { kernel, initrd } = stageTinyGuest(second.scratchDir);
        await c.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd }));
        await c.domainCreate(await c.domainLookupByName(name));
        await c.networkCreate(await c.networkDefineXML(networkXml(`vdtest-net2-${process.pid}`)));
        expect(cgroupDirs(name).length).toBeGreaterThan(0);
        // A serial console open when the daemon dies: libvirt's pty lock file (pid inside the namespace)
        // is never removed, and must not land in the host's /run/lock, where it would block the next
        // run's consoles.
        const console = await c.domainOpenConsole(await c.domainLookupByName(name), null, 0);
        console.on('error', () => undefined);
        // The daemon dies first (as when a run is killed): stop() cannot ask it to end the guest, so the
        // namespace kill and the cgroup sweep must do it.
        const libvirtd = Number(
          fs
            .readFileSync(`/proc/${second.nsPid}/task/${second.nsPid}/children`, 'utf8')
            .trim()
            .split(/\s+/)[0],
        );
        process.kill(libvirtd, 'SIGKILL');
      } finally {
        await c?.close();
        await second.stop();
      }
      expect(fs.existsSync(second.dir)).toBe(false);
      expect(isAlive(second.nsPid)).toBe(false); // a zombie until the machine's init reaps it counts as gone
      expect(cgroupDirs(name)).toEqual([]);
      expect(hostLinks()).not.toContain(BRIDGE);
      expect(hostLocks()).toEqual(locksBefore);
    });

    it('never changed the host’s own libvirt folders', () => {
      expect(hostLibvirtState()).toBe(hostStateBefore);
    });
  },
);
