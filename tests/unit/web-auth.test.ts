import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseServeArgs } from '../../electron/web/args.js';
import { startWebServer, tokenMatches, WS_CLOSE, type WebServer } from '../../electron/web/server.js';

let dir: string;
let web: WebServer;
const origin = () => `http://127.0.0.1:${web.port}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtdesk-web-auth-'));
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>VirtDesk</title>');
  await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(renderer, 'assets', 'app.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  await symlink(join(dir, 'secret.txt'), join(renderer, 'assets', 'link.txt'));
  web = await startWebServer({
    port: 0,
    configDir: join(dir, 'config'),
    rendererDir: renderer,
    coreOptions: {
      autoconnect: false,
      openConnection: async () => {
        throw new Error('no daemon in unit tests');
      },
    },
  });
});

afterAll(async () => {
  await web?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Raw HTTP GET (fetch normalizes '..' away, we want the raw path on the wire). */
const rawGet = (path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

interface Opened {
  ws: WebSocket;
  frames: unknown[];
}

const open = (url: string, wsOrigin?: string) =>
  new Promise<Opened>((resolve, reject) => {
    const ws = new WebSocket(url, wsOrigin ? { origin: wsOrigin } : {});
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });

const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

const waitFor = async <T>(fn: () => T | undefined, ms = 3000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('web mode authentication', () => {
  it('binds loopback by default and prints a tokenized URL', () => {
    expect(web.host).toBe('127.0.0.1');
    const addr = web.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/?token=${web.token}`);
    expect(Buffer.from(web.token, 'base64url')).toHaveLength(32);
  });

  it('generates a different token every start', async () => {
    const other = await startWebServer({ port: 0, core: web.core, rendererDir: dir });
    try {
      expect(other.token).not.toBe(web.token);
    } finally {
      await other.close();
    }
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches(web.token, web.token)).toBe(true);
    expect(tokenMatches(web.token.slice(0, -1), web.token)).toBe(false);
    expect(tokenMatches(web.token + 'x', web.token)).toBe(false);
    expect(tokenMatches(undefined, web.token)).toBe(false);
    expect(tokenMatches('', web.token)).toBe(false);
  });

  it('refuses a wrong token on the WebSocket URL', async () => {
    await expect(open(`ws://127.0.0.1:${web.port}/ws?token=wrong`, origin())).rejects.toThrow(/401/);
    await expect(open(`ws://127.0.0.1:${web.port}/ws?token=`, origin())).rejects.toThrow(/401/);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    await expect(
      open(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, 'http://evil.example'),
    ).rejects.toThrow(/403/);
    await expect(
      open(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, `http://127.0.0.1:${web.port + 1}`),
    ).rejects.toThrow(/403/);
  });

  it('serves displays on its own port only with a live single-use token and the page as Origin', async () => {
    const vnc = (token: string) => `ws://127.0.0.1:${web.port}/vnc/${token}`;
    const guess = 'A'.repeat(43);
    await expect(open(vnc(guess), origin())).rejects.toThrow(/401/);
    await expect(open(vnc(guess), 'http://evil.example')).rejects.toThrow(/403/);
    await expect(open(`ws://127.0.0.1:${web.port}/elsewhere`, origin())).rejects.toThrow(/404/);
    const raw = await new Promise<string>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: web.port,
        path: `/vnc/${guess}`,
        headers: { Host: `evil.example:${web.port}`, Connection: 'Upgrade', Upgrade: 'websocket' },
      });
      req.on('response', (res) => resolve(String(res.statusCode)));
      req.on('upgrade', () => resolve('upgraded'));
      req.on('error', reject);
      req.end();
    });
    expect(raw).toBe('421');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await rawGet('/', { Host: `evil.example:${web.port}` });
    expect(res.status).toBe(421);
  });

  it('accepts the right token and answers calls', async () => {
    const { ws, frames } = await open(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, origin());
    ws.send(JSON.stringify({ t: 'call', id: 1, name: 'connections.list', input: {} }));
    const res = (await waitFor(() => frames.find((f) => (f as { id?: number }).id === 1))) as {
      ok: boolean;
      value: unknown[];
    };
    expect(res.ok).toBe(true);
    expect(Array.isArray(res.value)).toBe(true);
    ws.send(JSON.stringify({ t: 'call', id: 2, name: 'no.such.call', input: {} }));
    const bad = (await waitFor(() => frames.find((f) => (f as { id?: number }).id === 2))) as {
      ok: boolean;
      error: { code: string };
    };
    expect(bad).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    ws.close();
  });

  it('accepts the token in a first auth frame, refuses calls before it', async () => {
    const a = await open(`ws://127.0.0.1:${web.port}/ws`, origin());
    a.ws.send(JSON.stringify({ t: 'auth', token: web.token }));
    await waitFor(() => a.frames.find((f) => (f as { t: string }).t === 'ready'));
    a.ws.close();

    const b = await open(`ws://127.0.0.1:${web.port}/ws`, origin());
    const code = closed(b.ws);
    b.ws.send(JSON.stringify({ t: 'call', id: 1, name: 'connections.list', input: {} }));
    expect(await code).toBe(WS_CLOSE.unauthorized);
    expect(b.frames).toHaveLength(0);

    const c = await open(`ws://127.0.0.1:${web.port}/ws`, origin());
    const code2 = closed(c.ws);
    c.ws.send(JSON.stringify({ t: 'auth', token: 'nope' }));
    expect(await code2).toBe(WS_CLOSE.unauthorized);
  });

  it('closes on oversize frames', async () => {
    const { ws } = await open(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, origin());
    const code = closed(ws);
    ws.send(
      JSON.stringify({
        t: 'call',
        id: 1,
        name: 'connections.list',
        input: { x: 'a'.repeat(2 * 1024 * 1024) },
      }),
    );
    expect(await code).toBe(1009);
  });

  it('serves the renderer with CSP and MIME types, without traversal or symlink escapes', async () => {
    const index = await rawGet('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(index.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(index.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await rawGet('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await rawGet('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/.env',
    ]) {
      const r = await rawGet(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain('secret');
    }
    const link = await rawGet('/assets/link.txt');
    expect(link.status).toBe(404);
    expect(link.body).not.toContain('secret');
    const post = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: web.port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.end();
    });
    expect(post).toBe(405);
  });
});

describe('serve command line', () => {
  it('defaults to loopback, port 8765-if-free and opening a browser', () => {
    const defaults = {
      tlsCert: null,
      tlsKey: null,
      insecureNoTls: false,
      terminal: null,
      allowRoot: false,
    };
    expect(parseServeArgs([])).toEqual({
      host: '127.0.0.1',
      port: 'auto',
      open: true,
      help: false,
      ...defaults,
    });
    expect(parseServeArgs(['--host', '::1', '--port=0', '--no-open'])).toEqual({
      host: '::1',
      port: 0,
      open: false,
      help: false,
      ...defaults,
    });
    expect(() => parseServeArgs(['--port', '99999'])).toThrow();
    expect(() => parseServeArgs(['--host', 'a b'])).toThrow();
    expect(() => parseServeArgs(['--bogus'])).toThrow();
  });
});
