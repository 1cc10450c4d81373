/**
 * Core against the private daemon's test driver: connect, list, lifecycle actions, event-driven cache,
 * delete with volumes, automatic reconnection after the connection drops (through a unix-socket proxy we
 * can cut). Only touches domains/volumes it creates (names prefixed vd-core-<random>).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract/index.js';
import type { VmSummary } from '../../shared/model/index.js';
import { Core } from '../../electron/core/core.js';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import type { Session } from '../../electron/core/sessions.js';
import { testEnv } from '../support/env.js';

const PREFIX = `vd-core-${randomBytes(3).toString('hex')}`;
const CONN = 'itest';

const domainXml = (name: string, disk?: string) => `<domain type='test'>
  <name>${name}</name>
  <title>Core test ${name}</title>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://debian.org/debian/12"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit='KiB'>131072</memory>
  <currentMemory unit='KiB'>65536</currentMemory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <devices>
    ${disk ? `<disk type='file' device='disk'><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>` : ''}
    <interface type='network'><mac address='52:54:00:12:34:56'/><source network='default'/><model type='virtio'/></interface>
  </devices>
</domain>`;

/** A unix-socket proxy in front of the daemon that we can cut and restore. */
class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly path: string,
    private readonly target: string,
  ) {}
  async listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r, j) => server.once('error', j).listen(this.path, () => r()));
    this.server = server;
  }
  /** Kill the live connections and stop accepting (daemon "gone"). */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

let core: Core;
let session: Session;
let configDir: string;
let proxy: CuttableProxy;
/**
 * A direct connection that stays open the whole time: the test driver's `test:///default` state lives only
 * while some connection references it, and our core's connection is cut on purpose below.
 */
let keeper: LibvirtClient | undefined;
const received: { name: EventName; payload: unknown }[] = [];

const waitFor = async <T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const call = async (name: string, input: unknown) => {
  const r = await core.dispatch(session, name, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { remote: r.error });
  return r.value as never;
};

const findVm = (name: string): Promise<VmSummary | undefined> =>
  core.vms.list(CONN).then((l) => l.find((v) => v.name === name));

/** The latest upsert of `name` pushed in vms.changed, after `since`. */
const pushed = (name: string, since: number): VmSummary | undefined => {
  let last: VmSummary | undefined;
  for (const e of received.slice(since)) {
    if (e.name !== 'vms.changed') continue;
    const p = e.payload as { upserted: VmSummary[] };
    for (const v of p.upserted) if (v.name === name) last = v;
  }
  return last;
};

beforeAll(async () => {
  const env = testEnv();
  keeper = await openConnection(env.testUri);
  configDir = await mkdtemp(join(tmpdir(), 'virtdesk-core-itest-'));
  proxy = new CuttableProxy(join(configDir, 'proxy.sock'), env.socketPath);
  await proxy.listen();
  const uri = env.testUri.replace(/socket=[^&]*/, `socket=${encodeURIComponent(proxy.path)}`);
  await writeFile(
    join(configDir, 'connections.json'),
    JSON.stringify({ version: 1, connections: [{ id: CONN, name: 'Test driver', uri, autoconnect: false }] }),
  );
  core = new Core({ configDir, reconnect: { initialMs: 100, maxMs: 400 }, validateOutput: true });
  await core.start();
  session = core.openSession((name, payload) => received.push({ name, payload }));
});

afterAll(async () => {
  try {
    if (core?.connections.status(CONN)[0]?.state === 'connected') {
      const c = core.getClient(CONN);
      for (const d of await c.connectListAllDomains(0)) {
        if (!d.name.startsWith(PREFIX)) continue;
        await c.domainDestroy(d).catch(() => undefined);
        await c.domainUndefineFlags(d, 1 | 2).catch(() => undefined);
      }
      const pool = await c.storagePoolLookupByName('default-pool').catch(() => null);
      if (pool) {
        for (const v of await c.storagePoolListAllVolumes(pool).catch(() => [])) {
          if (v.name.startsWith(PREFIX)) await c.storageVolDelete(v, 0).catch(() => undefined);
        }
      }
    }
  } finally {
    await core?.stop();
    await proxy?.cut();
    await keeper?.close().catch(() => undefined);
    await rm(configDir, { recursive: true, force: true });
  }
});

describe('core against the test driver', () => {
  it('connects, reports status events and lists VMs', async () => {
    const st = await call('connections.connect', { id: CONN });
    expect(st).toMatchObject({ id: CONN, state: 'connected', reason: null });
    expect(received.some((e) => e.name === 'connections.status')).toBe(true);
    const list = (await call('vms.list', { connectionId: CONN })) as VmSummary[];
    expect(Array.isArray(list)).toBe(true);
    // The initial load is pushed as a reset delta.
    expect(received.some((e) => e.name === 'vms.changed' && (e.payload as { reset: boolean }).reset)).toBe(
      true,
    );
  });

  it('updates the cache from domain events (define, start, undefine)', async () => {
    const name = `${PREFIX}-ev`;
    const since = received.length;
    const c = core.getClient(CONN);
    const dom = await c.domainDefineXML(domainXml(name));
    const vm = await waitFor('define event', () => pushed(name, since));
    expect(vm).toMatchObject({
      name,
      state: 'shutoff',
      vcpus: 2,
      maxMemory: 131072,
      persistent: true,
      osId: 'http://debian.org/debian/12',
      osName: 'Debian 12',
      title: `Core test ${name}`,
    });
    const since2 = received.length;
    await c.domainCreate(dom);
    await waitFor('start event', () => pushed(name, since2)?.state === 'running');
    expect((await findVm(name))?.state).toBe('running');
    await c.domainDestroy(dom);
    await c.domainUndefineFlags(dom, 0);
    await waitFor('undefine event', () =>
      received
        .slice(since2)
        .some(
          (e) => e.name === 'vms.changed' && (e.payload as { removed: string[] }).removed.includes(dom.uuid),
        ),
    );
    expect(await findVm(name)).toBeUndefined();
  });

  it('runs lifecycle actions and returns libvirt errors', async () => {
    const name = `${PREFIX}-act`;
    const c = core.getClient(CONN);
    const dom = await c.domainDefineXML(domainXml(name));
    const uuid = dom.uuid;
    const act = (action: string, extra: object = {}) =>
      call('vms.action', { connectionId: CONN, uuid, action, ...extra }) as Promise<VmSummary | null>;

    expect((await act('start'))?.state).toBe('running');
    // libvirt's own message comes back
    const err = await act('start').catch((e: { remote: { code: string; message: string } }) => e.remote);
    expect(err).toMatchObject({ code: 'libvirt' });
    expect((err as { message: string }).message).toMatch(/already running|active/i);

    expect((await act('suspend'))?.state).toBe('paused');
    expect((await act('resume'))?.state).toBe('running');
    expect((await act('reboot'))?.state).toBe('running');
    await act('reset').catch(() => undefined); // not every test driver version implements reset
    const saved = await act('managedSave');
    expect(saved).toMatchObject({ state: 'shutoff', hasManagedSave: true });
    expect((await act('restore'))?.state).toBe('running');
    expect((await act('destroy'))?.state).toBe('shutoff');
    expect((await act('setAutostart', { autostart: true }))?.autostart).toBe(true);
    expect((await act('setAutostart', { autostart: false }))?.autostart).toBe(false);
    expect((await act('rename', { newName: `${name}-renamed` }))?.name).toBe(`${name}-renamed`);
    expect((await findVm(`${name}-renamed`))?.uuid).toBe(uuid);

    const details = (await call('vms.details', { connectionId: CONN, uuid })) as {
      nics: { mac: string; source: string; model: string }[];
      cpu: { vcpus: number };
      osName: string;
    };
    expect(details.nics[0]).toMatchObject({ mac: '52:54:00:12:34:56', source: 'default', model: 'virtio' });
    expect(details.cpu.vcpus).toBe(2);
    expect(details.osName).toBe('Debian 12');
    const { xml } = (await call('vms.xml', { connectionId: CONN, uuid })) as { xml: string };
    expect(xml).toContain(`<name>${name}-renamed</name>`);

    expect(await act('delete')).toBeNull();
    expect(await findVm(`${name}-renamed`)).toBeUndefined();
    await expect(act('start')).rejects.toMatchObject({ remote: { code: 'not-found' } });
  });

  it('deletes a VM with the storage volumes chosen in the dialog', async () => {
    const c = core.getClient(CONN);
    const pool = await c.storagePoolLookupByName('default-pool');
    const volName = `${PREFIX}-disk.img`;
    const vol = await c.storageVolCreateXML(
      pool,
      `<volume><name>${volName}</name><capacity unit='MiB'>16</capacity></volume>`,
      0,
    );
    const path = await c.storageVolGetPath(vol);
    const name = `${PREFIX}-del`;
    const dom = await c.domainDefineXML(domainXml(name, path));
    await waitFor('listed', () => findVm(name));
    const vols = (await call('vms.volumes', { connectionId: CONN, uuid: dom.uuid })) as {
      path: string;
      pool: string;
      suggested: boolean;
    }[];
    expect(vols).toEqual([expect.objectContaining({ path, pool: 'default-pool', suggested: true })]);
    // Paths that are not disks of this VM are refused.
    await expect(
      call('vms.action', {
        connectionId: CONN,
        uuid: dom.uuid,
        action: 'delete',
        deleteVolumes: ['/etc/passwd'],
      }),
    ).rejects.toMatchObject({ remote: { code: 'invalid-input' } });
    expect(
      await call('vms.action', {
        connectionId: CONN,
        uuid: dom.uuid,
        action: 'delete',
        deleteVolumes: [path],
      }),
    ).toBeNull();
    await expect(c.storageVolLookupByPath(path)).rejects.toThrow();
    expect(await findVm(name)).toBeUndefined();
  });

  it('rejects bad input before libvirt sees it', async () => {
    const r = await core.dispatch(session, 'vms.action', {
      connectionId: CONN,
      uuid: '00000000-0000-0000-0000-000000000000',
      action: 'rename',
      newName: 'a/b',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('marks the connection disconnected with a reason and reconnects by itself', async () => {
    const name = `${PREFIX}-rc`;
    await core.getClient(CONN).domainDefineXML(domainXml(name));
    await waitFor('listed', () => findVm(name));
    const since = received.length;
    await proxy.cut();
    const down = await waitFor('disconnected status', () =>
      received
        .slice(since)
        .find(
          (e) => e.name === 'connections.status' && (e.payload as { state: string }).state === 'disconnected',
        ),
    );
    expect((down.payload as { reason: string | null }).reason).toBeTruthy();
    await waitFor('reconnecting', () => core.connections.status(CONN)[0]?.state === 'reconnecting');
    // The daemon stays away for a few retries…
    await new Promise((r) => setTimeout(r, 700));
    expect(core.connections.status(CONN)[0]?.attempt).toBeGreaterThanOrEqual(2);
    await expect(call('vms.list', { connectionId: CONN })).rejects.toMatchObject({
      remote: { code: 'not-connected' },
    });
    // …and comes back.
    await proxy.listen();
    await waitFor('reconnected', () => core.connections.status(CONN)[0]?.state === 'connected', 10_000);
    await waitFor('list reloaded', () => findVm(name));
    // Events flow again after the reconnect.
    const since2 = received.length;
    const dom = await core.getClient(CONN).domainLookupByName(name);
    await core.getClient(CONN).domainCreate(dom);
    await waitFor('event after reconnect', () => pushed(name, since2)?.state === 'running');
  });

  it('disconnects on request without reconnecting', async () => {
    const st = await call('connections.disconnect', { id: CONN });
    expect(st).toMatchObject({ state: 'disconnected', reason: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(core.connections.status(CONN)[0]?.state).toBe('disconnected');
    await call('connections.connect', { id: CONN }); // for afterAll's cleanup
  });
});
