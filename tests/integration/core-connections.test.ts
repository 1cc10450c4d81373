/**
 * ConnectionManager with a fake libvirt client (no daemon needed): saved connections, first run,
 * autoconnect, backoff, reconnection after 'close', URI change, disconnect.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfigDir } from '../../electron/base/config.js';
import { backoffDelay, ConnectionManager } from '../../electron/connections/connection-manager.js';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import type { ConnectionStatus } from '../../shared/model/index.js';

class FakeClient extends EventEmitter {
  closed = false;
  constructor(readonly uri: string) {
    super();
  }
  get isOpen() {
    return !this.closed;
  }
  async subscribeDomainEvents() {
    return [];
  }
  async connectGetHostname() {
    return 'fakehost';
  }
  async connectListAllDomains() {
    return [];
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', { reason: 'client' });
  }
  /** Simulate the daemon going away. */
  drop() {
    this.closed = true;
    this.emit('close', { reason: 'eof', error: new Error('Cannot recv data: Connection reset by peer') });
  }
}

let dir: string;
let daemonUp = true;
let opened: FakeClient[] = [];
/** URIs whose daemon refuses this user (like qemu:///system without the libvirt group). */
let refused = new Set<string>();
const open = async (uri: string): Promise<LibvirtClient> => {
  if (!daemonUp)
    throw new Error("Failed to connect socket to '/run/libvirt/libvirt-sock': Connection refused");
  if (refused.has(uri))
    throw new Error("Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied");
  const c = new FakeClient(uri);
  opened.push(c);
  return c as unknown as LibvirtClient;
};
const managers: ConnectionManager[] = [];
const make = () => {
  const m = new ConnectionManager(dir, open, { initialMs: 40, maxMs: 160 });
  managers.push(m);
  return m;
};
const waitFor = async (what: string, fn: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtdesk-conn-'));
  daemonUp = true;
  opened = [];
  refused = new Set();
});
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('saved connections', () => {
  it('first run: saves qemu:///system and qemu:///session and connects the system one', async () => {
    const m = make();
    await m.load();
    expect(m.list().map((c) => [c.uri, c.autoconnect])).toEqual([
      ['qemu:///system', false],
      ['qemu:///session', false],
    ]);
    const file = join(dir, 'connections.json');
    expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600');
    await m.autoconnect();
    expect(opened.map((c) => c.uri)).toEqual(['qemu:///system']);
    expect(m.list().map((c) => [c.uri, c.autoconnect, c.status.state])).toEqual([
      ['qemu:///system', true, 'connected'],
      ['qemu:///session', false, 'disconnected'],
    ]);
    // Only the first run does that: a later start connects what is marked autoconnect, nothing else.
    await m.stop();
    opened = [];
    const again = make();
    await again.load();
    await again.autoconnect();
    await waitFor('autoconnect', () => again.list()[0]!.status.state === 'connected');
    expect(opened.map((c) => c.uri)).toEqual(['qemu:///system']);
  });

  it('first run without rights to the system daemon: connects the user session, quietly', async () => {
    refused.add('qemu:///system');
    const m = make();
    await m.load();
    await m.autoconnect();
    expect(m.list().map((c) => [c.uri, c.autoconnect, c.status.state, c.status.reason])).toEqual([
      ['qemu:///system', false, 'disconnected', null],
      ['qemu:///session', true, 'connected', null],
    ]);
  });

  it('saves a new connection only once it connected, refuses a URI saved already', async () => {
    const m = make();
    await writeFile(join(dir, 'connections.json'), JSON.stringify({ version: 1, connections: [] }));
    await m.load();
    refused.add('qemu+ssh://root@lab/system');
    const bad = { name: 'Lab', uri: 'qemu+ssh://root@lab/system', autoconnect: true };
    await expect(m.add(bad, { connect: true })).rejects.toThrow(/Permission denied/);
    await expect(m.add(bad, { connect: true })).rejects.toThrow(/Permission denied/);
    expect(m.list()).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, 'connections.json'), 'utf8')).connections).toEqual([]);
    // "Save anyway": saved as it is, not connected, nothing claims it was ever connected
    const saved = await m.add(bad);
    expect(saved.status).toMatchObject({ state: 'disconnected', reason: null, wasConnected: false });
    await expect(m.add({ ...bad, name: 'Again' }, { connect: true })).rejects.toMatchObject({
      code: 'duplicate',
      existingId: saved.id,
    });
    await expect(m.add({ ...bad, uri: `${bad.uri}/` })).rejects.toMatchObject({ code: 'duplicate' });
    const good = await m.add({ name: 'Test', uri: 'test:///default', autoconnect: false }, { connect: true });
    expect(good.status).toMatchObject({ state: 'connected', wasConnected: true });
    await expect(m.update({ id: good.id, uri: bad.uri })).rejects.toMatchObject({
      code: 'duplicate',
      existingId: saved.id,
    });
    expect(m.list().map((c) => c.uri)).toEqual([bad.uri, 'test:///default']);
  });

  it('persists add/update/remove atomically and reloads them', async () => {
    const m = make();
    await m.load();
    const e = await m.add({ name: 'Lab', uri: 'qemu+ssh://root@lab/system', autoconnect: true });
    await m.update({ id: e.id, name: 'Lab server' });
    await m.remove(m.list()[0]!.id);
    const again = make();
    await again.load();
    expect(again.list().map((c) => c.name)).toEqual(['QEMU/KVM (user session)', 'Lab server']);
    expect(again.entry(e.id)).toMatchObject({ uri: 'qemu+ssh://root@lab/system', autoconnect: true });
    // no temp files left behind
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('moves a corrupt file aside and ignores invalid entries', async () => {
    await writeFile(join(dir, 'connections.json'), '{ not json');
    const m = make();
    await m.load();
    expect(m.list()).toHaveLength(2);
    expect((await readdir(dir)).some((f) => f.startsWith('connections.json.corrupt-'))).toBe(true);

    await writeFile(
      join(dir, 'connections.json'),
      JSON.stringify({
        version: 1,
        connections: [
          { id: 'ok', name: 'OK', uri: 'test:///default', autoconnect: false },
          { id: 'bad id!', name: 'Bad', uri: 'test:///default', autoconnect: false },
          { id: 'bad2', name: 'Bad', uri: 'http://x', autoconnect: false },
        ],
      }),
    );
    const n = make();
    await n.load();
    expect(n.list().map((c) => c.id)).toEqual(['ok']);
  });

  it('resolves the config folder from VIRTDESK_CONFIG_DIR, XDG_CONFIG_HOME, then ~/.config', () => {
    expect(resolveConfigDir({ VIRTDESK_CONFIG_DIR: '/tmp/x', XDG_CONFIG_HOME: '/xdg' })).toBe('/tmp/x');
    expect(resolveConfigDir({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/virtdesk');
    expect(resolveConfigDir({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\/\.config\/virtdesk$/);
    expect(resolveConfigDir({})).toMatch(/\/\.config\/virtdesk$/);
  });
});

describe('live connections', () => {
  const setup = async (autoconnect: boolean) => {
    await writeFile(
      join(dir, 'connections.json'),
      JSON.stringify({
        version: 1,
        connections: [{ id: 'c1', name: 'Test', uri: 'test:///default', autoconnect }],
      }),
    );
    const m = make();
    const statuses: ConnectionStatus[] = [];
    m.on('status', (s) => statuses.push(s));
    await m.load();
    return { m, statuses, state: () => m.status('c1')[0]!.state };
  };

  it('backs off 1s, 2s, 4s … up to 30s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((a) => backoffDelay(a))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('autoconnects, and keeps retrying while the daemon is down', async () => {
    daemonUp = false;
    const { m, statuses, state } = await setup(true);
    void m.autoconnect();
    await waitFor('a few retries', () => m.status('c1')[0]!.attempt >= 3);
    expect(state()).toBe('reconnecting');
    expect(m.status('c1')[0]!.reason).toMatch(/Connection refused/);
    expect(m.status('c1')[0]!.nextRetryAt).toBeGreaterThan(0);
    // never got through: "could not connect", not "lost"
    expect(m.status('c1')[0]!.wasConnected).toBe(false);
    daemonUp = true;
    await waitFor('connected', () => state() === 'connected');
    expect(m.status('c1')[0]).toMatchObject({ reason: null, attempt: 0, hostname: 'fakehost' });
    expect(statuses.map((s) => s.state)).toContain('connecting');
  });

  it("marks a dropped connection disconnected with libvirt's reason and reconnects", async () => {
    const { m, statuses, state } = await setup(false);
    const connected: string[] = [];
    const disconnected: (string | null)[] = [];
    m.on('connected', (id) => connected.push(id));
    m.on('disconnected', (_id, reason) => disconnected.push(reason));
    await m.connect('c1');
    expect(state()).toBe('connected');
    expect(() => m.getClient('c1')).not.toThrow();
    daemonUp = false;
    opened[0]!.drop();
    expect(disconnected).toEqual(['Cannot recv data: Connection reset by peer']);
    expect(statuses.some((s) => s.state === 'disconnected' && s.reason?.includes('reset by peer'))).toBe(
      true,
    );
    expect(() => m.getClient('c1')).toThrow(/not connected/);
    await waitFor('retrying', () => m.status('c1')[0]!.attempt >= 2);
    // it was up: "lost", through every retry, and when the user's "Reconnect" fails too — which does not
    // stop the automatic retries
    expect(m.status('c1')[0]).toMatchObject({ state: 'reconnecting', wasConnected: true });
    await expect(m.connect('c1')).rejects.toThrow(/Connection refused/);
    expect(m.status('c1')[0]).toMatchObject({ state: 'reconnecting', wasConnected: true });
    daemonUp = true;
    await waitFor('reconnected', () => state() === 'connected');
    expect(connected).toEqual(['c1', 'c1']);
    expect(m.getClient('c1')).toBe(opened[1]);
  });

  it('does not reconnect after a user disconnect, and disconnect cancels pending retries', async () => {
    const { m, state } = await setup(false);
    await m.connect('c1');
    await m.disconnect('c1');
    expect(state()).toBe('disconnected');
    expect(opened[0]!.closed).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(opened).toHaveLength(1);

    daemonUp = false;
    m.connect('c1', { retryOnFailure: true }).catch(() => undefined);
    await waitFor('reconnecting', () => state() === 'reconnecting');
    await m.disconnect('c1');
    daemonUp = true;
    await new Promise((r) => setTimeout(r, 250));
    expect(state()).toBe('disconnected');
    expect(opened).toHaveLength(1);
  });

  it('rejects a failed manual connect with the reason and does not retry', async () => {
    daemonUp = false;
    const { m, state } = await setup(false);
    await expect(m.connect('c1')).rejects.toThrow(/Connection refused/);
    expect(m.status('c1')[0]).toMatchObject({
      state: 'disconnected',
      reason: expect.stringMatching(/refused/),
    });
    daemonUp = true;
    await new Promise((r) => setTimeout(r, 150));
    expect(state()).toBe('disconnected');
  });

  it('reconnects to the new URI when it changes, and disconnects on remove', async () => {
    const { m, state } = await setup(false);
    await m.connect('c1');
    await m.update({ id: 'c1', uri: 'test+unix:///default?socket=/tmp/other.sock' });
    await waitFor('reconnected', () => state() === 'connected' && opened.length === 2);
    expect(opened[1]!.uri).toBe('test+unix:///default?socket=/tmp/other.sock');
    expect(opened[0]!.closed).toBe(true);
    expect(await m.remove('c1')).toBe(true);
    expect(opened[1]!.closed).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'connections.json'), 'utf8')).connections).toEqual([]);
  });

  it('several connections at once', async () => {
    const m = make();
    await m.load();
    const a = await m.add({ name: 'A', uri: 'test:///default', autoconnect: false });
    const b = await m.add({ name: 'B', uri: 'test:///other', autoconnect: false });
    await Promise.all([m.connect(a.id), m.connect(b.id), m.connect(a.id)]);
    expect(m.connectedIds().sort()).toEqual([a.id, b.id].sort());
    expect(opened).toHaveLength(2);
  });
});

describe('passwords in connection URIs', () => {
  const SECRET = 'Hunter2-s3cret';
  const withPassword = `qemu+ssh://root:${SECRET}@lab.example/system`;

  it('refuses to add or change to a URI with a password; connections.json never holds it', async () => {
    const m = make();
    await m.load();
    const refused = await m
      .add({ name: 'Lab', uri: withPassword, autoconnect: false })
      .catch((x: unknown) => x);
    expect(String((refused as Error).message)).toMatch(/password in the URI is not accepted/);
    expect(String((refused as Error).message)).not.toContain(SECRET);
    const e = await m.add({ name: 'Lab', uri: 'qemu+ssh://root@lab.example/system', autoconnect: false });
    await expect(m.update({ id: e.id, uri: withPassword })).rejects.toThrow(/password/);
    await expect(m.update({ id: e.id, uri: `qemu+ssh://root:@lab.example/system` })).rejects.toThrow(
      /password/,
    );
    const file = await readFile(join(dir, 'connections.json'), 'utf8');
    expect(file).not.toContain(SECRET);
    expect(m.entry(e.id).uri).toBe('qemu+ssh://root@lab.example/system');
  });

  it('drops a hand-written password URI on load without logging the password', async () => {
    await writeFile(
      join(dir, 'connections.json'),
      JSON.stringify({
        version: 1,
        connections: [{ id: 'pw', name: 'PW', uri: withPassword, autoconnect: true }],
      }),
    );
    const logged: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    try {
      const m = make();
      await m.load();
      expect(m.list()).toEqual([]);
    } finally {
      console.warn = warn;
    }
    expect(logged.join('\n')).toMatch(/ignoring invalid saved connection/);
    expect(logged.join('\n')).not.toContain(SECRET);
  });

  it('a failed connect never reports a password, even when the error quotes a URI', async () => {
    const echoing = async (): Promise<LibvirtClient> => {
      throw new Error(`cannot open ${withPassword}: Connection refused`);
    };
    const m = new ConnectionManager(dir, echoing, { initialMs: 40, maxMs: 160 });
    managers.push(m);
    await m.load();
    const e = await m.add({ name: 'Lab', uri: 'qemu+ssh://root@lab.example/system', autoconnect: false });
    const err = await m.connect(e.id).catch((x: unknown) => x as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('root:***@lab.example');
    expect((err as Error).message).not.toContain(SECRET);
    expect(m.status(e.id)[0]?.reason).not.toContain(SECRET);
  });

  it('the libvirt client refuses a password URI without echoing it', async () => {
    const { openConnection } = await import('../../electron/libvirt/connection.js');
    const err = await openConnection(withPassword).catch((x: unknown) => x as Error);
    expect((err as Error).message).toMatch(/password in the connection URI is not accepted/);
    expect((err as Error).message).not.toContain(SECRET);
  });
});
