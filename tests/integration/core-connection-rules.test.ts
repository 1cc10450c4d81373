/**
 * The rules of saving a connection, through the contract against the private session daemon: a URI that
 * does not connect is not saved (however often it is retried), "Save anyway" saves it, a URI saved already
 * is refused naming the saved one, and a status says "could not connect" apart from "lost".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEntry, RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';

let fx: CoreFixture;
const savedUris = async (): Promise<string[]> => {
  const file = JSON.parse(await readFile(join(fx.core.configDir, 'connections.json'), 'utf8')) as {
    connections: { uri: string }[];
  };
  return file.connections.map((c) => c.uri);
};
const refusal = async (name: string, input: unknown): Promise<RemoteError> => {
  const r = await fx.core.dispatch(fx.session, name, input);
  if (r.ok) throw new Error(`${name} was accepted`);
  return r.error;
};

beforeAll(async () => {
  fx = await startCore(testEnv().qemuUri, { name: 'Session' });
});
afterAll(async () => {
  await fx?.stop();
});

describe('saving a connection', () => {
  it('does not save a URI that fails to connect, however often it is tried', async () => {
    const before = await savedUris();
    // a socket that does not exist: libvirt's own refusal comes back, nothing is saved
    const bad = { name: 'Nowhere', uri: 'qemu+unix:///session?socket=/nonexistent/sock', connect: true };
    for (let i = 0; i < 2; i++) {
      const err = await refusal('connections.add', bad);
      expect(err.message).toMatch(/nonexistent/);
    }
    const list = await fx.call<ConnectionEntry[]>('connections.list', {});
    expect(list.map((c) => c.uri)).toEqual(before);
    expect(await savedUris()).toEqual(before);
  });

  it('"Save anyway" saves it without connecting, and it is "not connected", not "lost"', async () => {
    const entry = await fx.call<ConnectionEntry>('connections.add', {
      name: 'Later',
      uri: 'qemu+unix:///session?socket=/nonexistent/later',
      autoconnect: false,
      connect: false,
    });
    expect(entry.status).toMatchObject({ state: 'disconnected', reason: null, wasConnected: false });
    expect(await savedUris()).toContain('qemu+unix:///session?socket=/nonexistent/later');
    // connecting it fails: "could not connect" (it never was), with libvirt's reason
    await refusal('connections.connect', { id: entry.id });
    const [st] = await fx.call<ConnectionEntry['status'][]>('connections.status', { id: entry.id });
    expect(st).toMatchObject({ state: 'disconnected', wasConnected: false });
    expect(st!.reason).toMatch(/nonexistent/);
  });

  it('refuses a URI saved already, naming the saved connection', async () => {
    const before = await savedUris();
    const err = await refusal('connections.add', {
      name: 'Twice',
      uri: testEnv().qemuUri,
      connect: true,
    });
    expect(err).toMatchObject({ code: 'duplicate', existingId: fx.connectionId });
    expect(err.message).toContain('“Session”');
    expect(await savedUris()).toEqual(before);
  });

  it('saves a URI that works once it is connected, and marks it as having been connected', async () => {
    const entry = await fx.call<ConnectionEntry>('connections.add', {
      name: 'Test driver',
      uri: testEnv().testUri,
      connect: true,
    });
    expect(entry.status).toMatchObject({ state: 'connected', wasConnected: true });
    expect(await savedUris()).toContain(testEnv().testUri);
    await fx.call('connections.remove', { id: entry.id });
  });
});
