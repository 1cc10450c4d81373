/**
 * Web mode against a client that acknowledges console output but stops reading its socket: the output
 * waiting in the server for that console is bounded (CONSOLE_LIMITS.queuedOutputPerConsole); past it the
 * console is closed with a message and the socket stays usable. The attacker here is omniscient: it
 * acknowledges exactly what the server counts as unacknowledged, so flow control alone never pauses the
 * pty (the worst case; a real client would have to guess).
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CONSOLE_LIMITS } from '../../electron/console/limits.js';
import { startWebServer, type WebServer } from '../../electron/web/server.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { until } from '../support/poll.js';

interface Frame {
  t: string;
  id?: number;
  ok?: boolean;
  value?: unknown;
  error?: { message: string; code?: string };
  name?: string;
  payload?: { sessionId?: string; data?: string; reason?: string; message?: string };
}

let fx: CoreFixture;
let web: WebServer;

beforeAll(async () => {
  fx = await startCore(testEnv().testUri);
  web = await startWebServer({ core: fx.core, terminal: true });
});

afterAll(async () => {
  await web?.close();
  await fx?.stop();
});

describe('web mode: console output queued for a client that does not read', () => {
  it('closes the console past the per-console bound, with a message; the socket stays', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`);
    const frames: Frame[] = [];
    let dataUnits = 0;
    ws.on('message', (m) => {
      const f = JSON.parse(m.toString()) as Frame;
      if (f.t === 'event' && f.name === 'console.data') dataUnits += f.payload?.data?.length ?? 0;
      else frames.push(f);
    });
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    let nextId = 1;
    const send = (name: string, input: unknown): number => {
      const id = nextId++;
      ws.send(JSON.stringify({ t: 'call', id, name, input }));
      return id;
    };
    const result = async (id: number): Promise<Frame> =>
      until(`result ${id}`, 10_000, () => frames.find((f) => f.t === 'result' && f.id === id));
    try {
      const open = await result(
        send('console.openHost', { connectionId: fx.connectionId, cols: 80, rows: 24 }),
      );
      expect(open.ok).toBe(true);
      const sessionId = (open.value as { sessionId: string }).sessionId;
      const mgr = fx.core.services.consoles.consoles;
      const live = () => mgr.statsAll().find((s) => s.sessionId === sessionId);
      send('console.write', { sessionId, data: 'exec yes vd-flood-line\r' });
      // Stop reading; keep acknowledging everything the server counts as sent.
      (ws as unknown as { _socket: Socket })._socket.pause();
      const started = Date.now();
      while (live() && Date.now() - started < 30_000) {
        const unacked = live()?.unacked ?? 0;
        if (unacked > 0) send('console.ack', { sessionId, bytes: unacked });
        await new Promise((r) => setTimeout(r, 2));
      }
      // Without the bound the console would still be open here, its output piling up in the server.
      expect(live()).toBeUndefined();
      (ws as unknown as { _socket: Socket })._socket.resume();
      const exit = await until('console.exit', 20_000, () =>
        frames.find((f) => f.t === 'event' && f.name === 'console.exit'),
      );
      expect(exit.payload).toMatchObject({ sessionId, reason: 'error' });
      expect(exit.payload?.message).toMatch(
        /The console was closed: more than 4 MiB of its output were waiting for this window to read them/,
      );
      // What reached the client is the bounded queue plus what the kernel buffers held, not a flood.
      expect(dataUnits).toBeLessThan(CONSOLE_LIMITS.queuedOutputPerConsole + 12 * 1024 * 1024);
      // The socket itself was not dropped: it still answers.
      const after = await result(send('console.stats', { sessionId }));
      expect(after).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.close();
    }
  }, 60_000);
});
