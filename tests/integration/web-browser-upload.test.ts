/**
 * Web mode's upload from the browser's own computer (POST /upload), against the web server and the
 * private session daemon, as a page would send it (Node's http client standing in for fetch): a 64 MiB
 * file streamed into a new volume of a dir pool, byte for byte (sha256) with progress on the page's
 * session; a wrong token, an unknown session and a bad query refused with nothing created; Cancel half
 * way leaves no volume.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import type { TransferProgress, TransferResult } from '../../shared/contract/storage.js';
import { startApp, stopAll, type RunningApp } from '../e2e/support/app.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { until } from '../support/poll.js';

const TAG = randomBytes(3).toString('hex');
const MiB = 1024 * 1024;

let app: RunningApp;
let client: LibvirtClient;
let pool: TestPool;
let ws: WebSocket;
let sessionId = '';
const progress: TransferProgress[] = [];

/** POSTs `chunks` (sent with backpressure) and resolves with the status and the JSON answer. */
function post(
  query: Record<string, string>,
  body: { size: number; chunks: () => Generator<Buffer>; partial?: boolean },
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { ok: boolean; value?: TransferResult; error?: { message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: app.port,
        path: `/upload?${new URLSearchParams(query).toString()}`,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${app.token}`,
          'x-virtdesk-session': sessionId,
          'Content-Length': String(body.size),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          if (body.partial) req.destroy();
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    const it = body.chunks();
    const pump = (): void => {
      for (;;) {
        const next = it.next();
        // A partial body stops sending but keeps the request open: the upload waits for the rest.
        if (next.done) return void (body.partial ? undefined : req.end());
        if (!req.write(next.value)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

/** `n` MiB of numbered random blocks, and their sha256. */
function file(n: number): { size: number; sha: string; chunks: () => Generator<Buffer> } {
  const block = randomBytes(MiB);
  const hash = createHash('sha256');
  const piece = (i: number): Buffer => {
    const b = Buffer.from(block);
    b.writeUInt32LE(i, 0);
    return b;
  };
  for (let i = 0; i < n; i++) hash.update(piece(i));
  return {
    size: n * MiB,
    sha: hash.digest('hex'),
    chunks: function* () {
      for (let i = 0; i < n; i++) yield piece(i);
    },
  };
}

const baseQuery = (volume: string, transferId = randomUUID()) => ({
  connectionId: app.connectionIds[0]!,
  pool: pool.name,
  volume,
  transferId,
  verify: '1',
  fileName: 'from-browser.iso',
});

beforeAll(async () => {
  app = await startApp({ connections: [{ name: 'QEMU session', uri: testEnv().qemuUri }] });
  client = app.core.getClient(app.connectionIds[0]!);
  pool = await createTestPool(client, `vdt-webup-${TAG}`);
  ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws?token=${encodeURIComponent(app.token)}`);
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as {
      t: string;
      sessionId?: string;
      name?: string;
      payload?: unknown;
    };
    if (msg.t === 'ready') sessionId = msg.sessionId!;
    if (msg.t === 'event' && msg.name === 'storage.progress') progress.push(msg.payload as TransferProgress);
  });
  await until('the session to be ready', 10_000, () => sessionId !== '');
}, 60_000);

afterAll(async () => {
  ws?.close();
  await pool?.remove();
  await stopAll();
});

describe('web mode: upload from the browser (POST /upload)', () => {
  it('streams a 64 MiB body into a new volume, byte for byte, with progress on the session', async () => {
    const f = file(64);
    const { status, json } = await post(baseQuery('from-browser.iso'), f);
    expect(status).toBe(200);
    expect(json.ok).toBe(true);
    expect(json.value).toMatchObject({
      pool: pool.name,
      volume: 'from-browser.iso',
      localPath: 'from-browser.iso',
      volumePath: `${pool.dir}/from-browser.iso`,
      bytes: f.size,
      sha256: f.sha,
      verified: 'sha256',
    });
    // What libvirt has, read back through another path: the same bytes.
    const vol = await client.storageVolLookupByName(pool.pool, 'from-browser.iso');
    const hash = createHash('sha256');
    for await (const chunk of await client.storageVolDownload(vol, 0, 0, 0)) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(f.sha);
    expect(progress.some((p) => p.direction === 'upload' && p.total === f.size)).toBe(true);
  });

  it('refuses a wrong token, an unknown session and a bad query, creating nothing', async () => {
    const f = file(1);
    const wrongToken = await post(baseQuery('x1.iso'), f, { Authorization: 'Bearer nope-nope-nope-nope' });
    expect(wrongToken.status).toBe(401);
    const noSession = await post(baseQuery('x2.iso'), f, { 'x-virtdesk-session': 'not-a-session' });
    expect(noSession.status).toBe(400);
    expect(noSession.json.error?.message).toMatch(/no session/);
    const badName = await post({ ...baseQuery('x3.iso'), volume: 'a/b' }, f);
    expect(badName.status).toBe(400);
    expect(await pool.volumeNames()).toEqual(['from-browser.iso']);
  });

  it('Cancel half way deletes the partial volume', async () => {
    const transferId = randomUUID();
    // 512 MiB announced, 16 MiB sent, the rest held back until the cancel: a whole body could finish
    // between two polls on a fast machine (as a 256 MiB upload did in CI), and the test would not fail
    // for the cancel's sake.
    const big = { ...file(16), size: 512 * MiB, partial: true };
    const sent = post(baseQuery('cancelled.iso', transferId), big).catch((e: unknown) => e);
    await until('the upload to be under way', 30_000, () =>
      progress.some((p) => p.transferId === transferId && p.bytes > 0),
    );
    const r = await app.core.dispatch(app.core.sessions.get(sessionId)!, 'storage.cancelTransfer', {
      transferId,
    });
    expect(r).toEqual({ ok: true, value: { cancelled: true } });
    const res = (await sent) as Awaited<ReturnType<typeof post>>;
    expect(res.json.error?.message).toMatch(/^Upload of .* cancelled/);
    await until(
      'the partial volume to be deleted',
      15_000,
      async () => !(await pool.volumeNames()).includes('cancelled.iso'),
    );
  });
});
