import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { calls, events, isCallName, isEventName } from '../../shared/contract/index.js';
import { osNameFromId, vmNameSchema, vmReasonName, vmStateName } from '../../shared/model/index.js';
import { Core } from '../../electron/core/core.js';
import type { MissingHandlers } from '../../electron/core/handlers.js';
import type { Session } from '../../electron/core/sessions.js';

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';

describe('contract schemas', () => {
  it('names every call <feature>.<verb> and knows its own names only', () => {
    for (const name of Object.keys(calls)) expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
    expect(isCallName('vms.list')).toBe(true);
    expect(isCallName('vms.nope')).toBe(false);
    expect(isCallName('__proto__')).toBe(false);
    expect(isCallName('constructor')).toBe(false);
    expect(isCallName(42)).toBe(false);
    expect(isEventName('vms.changed')).toBe(true);
    expect(isEventName('toString')).toBe(false);
  });

  it('rejects wrong types and unknown keys', () => {
    const list = calls['vms.list'].input;
    expect(list.safeParse({ connectionId: 'abc' }).success).toBe(true);
    expect(list.safeParse({ connectionId: 42 }).success).toBe(false);
    expect(list.safeParse({}).success).toBe(false);
    expect(list.safeParse(null).success).toBe(false);
    expect(list.safeParse('vms').success).toBe(false);
    expect(list.safeParse({ connectionId: 'abc', extra: true }).success).toBe(false);
    expect(list.safeParse({ connectionId: '../../etc' }).success).toBe(false);
    const details = calls['vms.details'].input;
    expect(details.safeParse({ connectionId: 'a', uuid: 'not-a-uuid' }).success).toBe(false);
    expect(details.safeParse({ connectionId: 'a', uuid: UUID }).success).toBe(true);
  });

  it('rejects unknown actions and malformed action arguments', () => {
    const action = calls['vms.action'].input;
    const base = { connectionId: 'c1', uuid: UUID };
    for (const a of [
      'start',
      'shutdown',
      'reboot',
      'destroy',
      'reset',
      'suspend',
      'resume',
      'managedSave',
      'restore',
    ]) {
      expect(action.safeParse({ ...base, action: a }).success, a).toBe(true);
    }
    expect(action.safeParse({ ...base, action: 'format-disk' }).success).toBe(false);
    expect(action.safeParse({ ...base, action: 'setAutostart' }).success).toBe(false);
    expect(action.safeParse({ ...base, action: 'setAutostart', autostart: 'yes' }).success).toBe(false);
    expect(action.safeParse({ ...base, action: 'start', newName: 'x' }).success).toBe(false);
    expect(action.safeParse({ ...base, action: 'delete', deleteVolumes: ['relative/path'] }).success).toBe(
      false,
    );
    expect(action.safeParse({ ...base, action: 'delete', deleteVolumes: ['/var/lib/x.qcow2'] }).success).toBe(
      true,
    );
    expect(
      action.safeParse({ ...base, action: 'delete', deleteVolumes: Array(300).fill('/var/lib/x.qcow2') })
        .success,
    ).toBe(false);
  });

  it('validates VM names like libvirt does', () => {
    for (const good of ['web-01', 'Ubuntu 24.04 desktop', 'ü-ñ_名前', 'a'.repeat(200)]) {
      expect(vmNameSchema.safeParse(good).success, good).toBe(true);
    }
    for (const bad of [
      '',
      'a/b',
      '/',
      'a'.repeat(201),
      'tab\there',
      'nl\n',
      ' lead',
      'trail ',
      '   ',
      'nul\0',
    ]) {
      expect(vmNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    const rename = calls['vms.action'].input;
    expect(
      rename.safeParse({ connectionId: 'c', uuid: UUID, action: 'rename', newName: 'x/y' }).success,
    ).toBe(false);
  });

  it('rejects oversize strings', () => {
    const add = calls['connections.add'].input;
    expect(add.safeParse({ name: 'Local', uri: 'qemu:///system' }).success).toBe(true);
    expect(add.safeParse({ name: 'x'.repeat(201), uri: 'qemu:///system' }).success).toBe(false);
    expect(add.safeParse({ name: 'Local', uri: `qemu:///system?${'a'.repeat(3000)}` }).success).toBe(false);
    expect(calls['connections.remove'].input.safeParse({ id: 'a'.repeat(65) }).success).toBe(false);
  });

  it('accepts libvirt URIs only', () => {
    const add = calls['connections.add'].input;
    for (const uri of [
      'qemu:///system',
      'qemu:///session',
      'qemu+ssh://root@host.example/system',
      'test+unix:///default?socket=/tmp/x.sock',
      'qemu+tcp://10.0.0.1/system',
    ]) {
      expect(add.safeParse({ name: 'n', uri }).success, uri).toBe(true);
    }
    for (const uri of [
      '',
      'http://example.com',
      'qemu:///system\n',
      'qemu+evil:///system',
      'qemu:///sys tem',
      '/run/libvirt',
    ]) {
      expect(add.safeParse({ name: 'n', uri }).success, uri).toBe(false);
    }
  });

  it('describes events', () => {
    const changed = events['vms.changed'];
    expect(
      changed.safeParse({ connectionId: 'c', reset: false, upserted: [], removed: [UUID] }).success,
    ).toBe(true);
    expect(changed.safeParse({ connectionId: 'c', reset: false, upserted: [], removed: ['x'] }).success).toBe(
      false,
    );
    expect(
      events['connections.status'].safeParse({
        id: 'c',
        state: 'reconnecting',
        reason: 'Cannot recv data: Connection reset by peer',
        nextRetryAt: 1,
        attempt: 2,
        since: 0,
        hostname: null,
      }).success,
    ).toBe(true);
    expect(events['connections.status'].safeParse({ id: 'c', state: 'weird' }).success).toBe(false);
  });
});

describe('model helpers', () => {
  it('names states and reasons', () => {
    expect(vmStateName(1)).toBe('running');
    expect(vmStateName(5)).toBe('shutoff');
    expect(vmStateName(99)).toBe('nostate');
    expect(vmReasonName('shutoff', 2)).toBe('destroyed');
    expect(vmReasonName('paused', 1)).toBe('user');
    expect(vmReasonName('running', 99)).toBe('unknown');
  });

  it('derives OS names from libosinfo ids', () => {
    expect(osNameFromId('http://ubuntu.com/ubuntu/24.04')).toBe('Ubuntu 24.04');
    expect(osNameFromId('http://debian.org/debian/12')).toBe('Debian 12');
    expect(osNameFromId('http://microsoft.com/win/11')).toBe('Windows 11');
    expect(osNameFromId('http://fedoraproject.org/fedora/40')).toBe('Fedora 40');
    expect(osNameFromId('http://centos.org/centos-stream/9')).toBe('CentOS Stream 9');
    expect(osNameFromId(null)).toBeNull();
    expect(osNameFromId('http://example.org/myos/1')).toBe('myos 1');
  });
});

describe('dispatch', () => {
  let dir: string;
  let core: Core;
  let session: Session;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'virtdesk-contract-'));
    core = new Core({
      configDir: dir,
      autoconnect: false,
      openConnection: async () => {
        throw Object.assign(new Error("Failed to connect socket to '/nope': No such file or directory"), {
          name: 'LibvirtError',
          code: 38,
          domain: 7,
          level: 2,
        });
      },
    });
    await core.start();
    session = core.openSession(() => undefined);
  });

  afterAll(async () => {
    await core.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('has a handler for every call', () => {
    expectTypeOf<MissingHandlers>().toEqualTypeOf<never>();
  });

  it('rejects unknown call names', async () => {
    for (const name of [
      'vms.format',
      '__proto__',
      'constructor',
      42,
      null,
      undefined,
      { name: 'vms.list' },
    ]) {
      const r = await core.dispatch(session, name, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    }
  });

  it('rejects malformed payloads before any handler runs', async () => {
    const cases: [string, unknown][] = [
      ['vms.list', { connectionId: 5 }],
      ['vms.list', 'x'],
      ['vms.action', { connectionId: 'c', uuid: UUID, action: 'rename', newName: 'a/b' }],
      ['vms.action', { connectionId: 'c', uuid: UUID, action: 'rename', newName: 'x'.repeat(201) }],
      ['connections.add', { name: 'n', uri: 'http://evil' }],
      ['connections.add', { name: 'n', uri: 'qemu:///system', __proto__: { admin: true }, extra: 1 }],
    ];
    for (const [name, input] of cases) {
      const r = await core.dispatch(session, name, input);
      expect(r, `${name} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
      if (!r.ok) expect(r.error.issues?.length).toBeGreaterThan(0);
    }
  });

  it('offers the local connections on first run, not autoconnected', async () => {
    const r = await core.dispatch(session, 'connections.list', {});
    expect(r.ok).toBe(true);
    const list = (r as { value: { uri: string; autoconnect: boolean; status: { state: string } }[] }).value;
    expect(list.map((c) => c.uri)).toEqual(['qemu:///system', 'qemu:///session']);
    expect(list.every((c) => !c.autoconnect && c.status.state === 'disconnected')).toBe(true);
  });

  it("passes libvirt's own message and code through", async () => {
    const add = await core.dispatch(session, 'connections.add', { name: 'Nope', uri: 'qemu:///nope' });
    expect(add.ok).toBe(true);
    const id = (add as { value: { id: string } }).value.id;
    const r = await core.dispatch(session, 'connections.connect', { id });
    expect(r).toEqual({
      ok: false,
      error: {
        message: "Failed to connect socket to '/nope': No such file or directory",
        code: 'libvirt',
        libvirt: { code: 38, domain: 7, level: 2 },
      },
    });
    const st = await core.dispatch(session, 'connections.status', { id });
    expect(st).toMatchObject({
      ok: true,
      value: [{ state: 'disconnected', reason: expect.stringContaining('/nope') }],
    });
    expect(await core.dispatch(session, 'vms.list', { connectionId: id })).toMatchObject({
      ok: false,
      error: { code: 'not-connected' },
    });
    expect(await core.dispatch(session, 'vms.list', { connectionId: 'unknown' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });
});
