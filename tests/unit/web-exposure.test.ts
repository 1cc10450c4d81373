/**
 * Web mode off loopback: TLS (HTTPS + WSS with a certificate made here by openssl), refusal of
 * cleartext on a network address, the host terminal switch, and refusal to run as root.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseServeArgs, serveRefusal, terminalEnabled } from '../../electron/web/args.js';
import { startWebServer, type WebServer, type WebServerOptions } from '../../electron/web/server.js';

let dir: string;
let cert: Buffer;
let key: Buffer;
const servers: WebServer[] = [];

const coreOptions: WebServerOptions['coreOptions'] = {
  autoconnect: false,
  openConnection: async () => {
    throw new Error('no daemon in unit tests');
  },
};

const start = async (opts: WebServerOptions): Promise<WebServer> => {
  const web = await startWebServer({
    port: 0,
    configDir: join(dir, `config-${servers.length}`),
    rendererDir: join(dir, 'renderer'),
    coreOptions,
    ...opts,
  });
  servers.push(web);
  return web;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtdesk-web-exposure-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'));
  key = readFileSync(join(dir, 'key.pem'));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One call over an authenticated WebSocket; resolves with the result frame. */
const callOnce = (wsUrl: string, origin: string, name: string, input: unknown, tlsCa?: Buffer) =>
  new Promise<{ ok: boolean; value?: unknown; error?: { code?: string; message: string } }>(
    (resolve, reject) => {
      const ws = new WebSocket(wsUrl, { origin, ...(tlsCa ? { ca: tlsCa } : {}) });
      ws.once('error', reject);
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as { t: string; id?: number };
        if (f.t === 'ready') ws.send(JSON.stringify({ t: 'call', id: 1, name, input }));
        if (f.t === 'result' && f.id === 1) {
          ws.close();
          resolve(f as never);
        }
      });
    },
  );

describe('TLS', () => {
  it('serves HTTPS and WSS with the given certificate, and no cleartext on that port', async () => {
    const web = await start({ tls: { cert, key } });
    expect(web.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: web.port, path: '/', ca: cert }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(503); // renderer not built in this test: the server answered over TLS
    const origin = `https://127.0.0.1:${web.port}`;
    const r = await callOnce(
      `wss://127.0.0.1:${web.port}/ws?token=${web.token}`,
      origin,
      'connections.list',
      {},
      cert,
    );
    expect(r.ok).toBe(true);
    // An http:// Origin is not this page any more.
    await expect(
      callOnce(
        `wss://127.0.0.1:${web.port}/ws?token=${web.token}`,
        `http://127.0.0.1:${web.port}`,
        'connections.list',
        {},
        cert,
      ),
    ).rejects.toThrow(/403/);
    // Cleartext HTTP on the TLS port gets no page.
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: web.port, path: '/' }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (e) => resolve(`error ${e.message}`));
      req.end();
    });
    expect(plain).not.toBe('status 200');
    expect(plain).not.toBe('status 503');
  });

  it('refuses a certificate it does not trust (sanity: the client really checks)', async () => {
    const web = await start({ tls: { cert, key } });
    await expect(
      callOnce(
        `wss://127.0.0.1:${web.port}/ws?token=${web.token}`,
        `https://127.0.0.1:${web.port}`,
        'connections.list',
        {},
      ),
    ).rejects.toThrow(/self.signed|certificate/i);
  });
});

describe('network exposure', () => {
  it('refuses cleartext on a non-loopback address unless explicitly allowed', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow(
      /Refusing to serve cleartext HTTP on 0\.0\.0\.0/,
    );
    const insecure = await start({ host: '0.0.0.0', insecureNoTls: true });
    expect(insecure.url).toMatch(/^http:/);
    const secure = await start({ host: '0.0.0.0', tls: { cert, key } });
    expect(secure.url).toMatch(/^https:/);
  });

  it('turns the host terminal off off loopback, with a clear error', async () => {
    const off = await start({ host: '0.0.0.0', insecureNoTls: true });
    const r = await callOnce(
      `ws://127.0.0.1:${off.port}/ws?token=${off.token}`,
      `http://127.0.0.1:${off.port}`,
      'console.openHost',
      { connectionId: 'c1' },
    );
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('HOST_TERMINAL_UNSUPPORTED');
    expect(r.error?.message).toMatch(/host terminal is turned off/);

    const explicitOff = await start({ terminal: false });
    const r2 = await callOnce(
      `ws://127.0.0.1:${explicitOff.port}/ws?token=${explicitOff.token}`,
      `http://127.0.0.1:${explicitOff.port}`,
      'console.openHost',
      { connectionId: 'c1' },
    );
    expect(r2.error?.message).toMatch(/host terminal is turned off/);

    // On loopback it is on: the call reaches the console handler (which then finds no connection).
    const on = await start({});
    const r3 = await callOnce(
      `ws://127.0.0.1:${on.port}/ws?token=${on.token}`,
      `http://127.0.0.1:${on.port}`,
      'console.openHost',
      { connectionId: 'c1' },
    );
    expect(r3.ok).toBe(false);
    expect(r3.error?.message).not.toMatch(/turned off/);
  });
});

describe('serve command line: TLS, terminal, root', () => {
  it('parses the new flags', () => {
    const a = parseServeArgs([
      '--host',
      '0.0.0.0',
      '--tls-cert',
      '/c.pem',
      '--tls-key=/k.pem',
      '--no-terminal',
    ]);
    expect(a).toMatchObject({ tlsCert: '/c.pem', tlsKey: '/k.pem', terminal: false, insecureNoTls: false });
    expect(parseServeArgs(['--terminal', '--allow-root', '--insecure-no-tls'])).toMatchObject({
      terminal: true,
      allowRoot: true,
      insecureNoTls: true,
    });
    expect(() => parseServeArgs(['--tls-cert', '/c.pem'])).toThrow(/go together/);
    expect(() => parseServeArgs(['--tls-cert', '/c', '--tls-key', '/k', '--insecure-no-tls'])).toThrow();
    expect(() => parseServeArgs(['--allow-root=yes'])).toThrow(/takes no value/);
  });

  it('decides when to refuse and whether the terminal is on', () => {
    const user = 1000;
    expect(serveRefusal(parseServeArgs([]), true, user)).toBeNull();
    expect(serveRefusal(parseServeArgs([]), true, 0)).toMatch(/Refusing to run as root.*--allow-root/s);
    expect(serveRefusal(parseServeArgs(['--allow-root']), true, 0)).toBeNull();
    const net = parseServeArgs(['--host', '0.0.0.0']);
    expect(serveRefusal(net, false, user)).toMatch(/without TLS/);
    expect(serveRefusal(parseServeArgs(['--host', '0.0.0.0', '--insecure-no-tls']), false, user)).toBeNull();
    expect(
      serveRefusal(parseServeArgs(['--host', '0.0.0.0', '--tls-cert', '/c', '--tls-key', '/k']), false, user),
    ).toBeNull();
    expect(terminalEnabled(parseServeArgs([]), true)).toBe(true);
    expect(terminalEnabled(net, false)).toBe(false);
    expect(terminalEnabled(parseServeArgs(['--terminal']), false)).toBe(true);
    expect(terminalEnabled(parseServeArgs(['--no-terminal']), true)).toBe(false);
  });
});
