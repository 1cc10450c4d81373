/**
 * Pre-auth exhaustion: connections held open without the token must not lock the real user out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../electron/web/server.js';

let dir: string;
let web: WebServer;
const held: (Socket | WebSocket)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtdesk-web-preauth-'));
  web = await startWebServer({
    port: 0,
    configDir: join(dir, 'config'),
    rendererDir: join(dir, 'renderer'),
    coreOptions: {
      autoconnect: false,
      openConnection: async () => {
        throw new Error('no daemon in unit tests');
      },
    },
  });
});

afterAll(async () => {
  for (const h of held) {
    if (h instanceof WebSocket) h.terminate();
    else h.destroy();
  }
  await web?.close();
  await rm(dir, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${web.port}`;

/** A WebSocket without the token, left waiting for its auth frame; resolves 'open' or the refusal. */
const idleUnauthenticated = () =>
  new Promise<string>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, { origin: origin() });
    held.push(ws);
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
    ws.once('error', (e) => resolve(`error ${e.message}`));
  });

const idleTcp = () =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(web.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
    held.push(s);
  });

/** The real user: token on the WS URL, one call answered. */
const realUser = () =>
  new Promise<boolean>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, { origin: origin() });
    const t = setTimeout(() => reject(new Error('no answer')), 4000);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { t: string; ok?: boolean };
      if (f.t === 'ready') ws.send(JSON.stringify({ t: 'call', id: 1, name: 'connections.list', input: {} }));
      if (f.t === 'result') {
        clearTimeout(t);
        ws.close();
        resolve(f.ok === true);
      }
    });
  });

describe('pre-auth exhaustion', () => {
  it('70 WebSockets idling without the token and 150 idle TCP connections do not lock the user out', async () => {
    const pending = await Promise.all(Array.from({ length: 70 }, () => idleUnauthenticated()));
    // Unauthenticated sockets have their own, smaller cap.
    expect(pending.filter((r) => r === 'open').length).toBeGreaterThan(0);
    expect(pending.filter((r) => r === 'open').length).toBeLessThan(70);
    expect(pending.filter((r) => r === 'http 503').length).toBeGreaterThan(0);
    const tcp: Socket[] = [];
    for (let i = 0; i < 150; i++) tcp.push(await idleTcp());
    expect(await realUser()).toBe(true);
    // The oldest idle pre-auth connections were dropped: they cannot pile up without bound.
    await new Promise((r) => setTimeout(r, 100));
    expect(tcp.filter((s) => s.destroyed || s.readableEnded).length).toBeGreaterThan(0);
    // and several tabs of the real user at once
    expect(await Promise.all([realUser(), realUser(), realUser()])).toEqual([true, true, true]);
  }, 20_000);
});
