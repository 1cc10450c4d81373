import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  VncProxy,
  isAllowedOrigin,
  isLoopbackAddress,
  netConnector,
} from '../../electron/console/vnc-proxy.js';
import { addVncToDomainXml, parseGraphics, resolveVnc } from '../../electron/console/graphics-xml.js';
import { parseLibvirtUri, shQuote, sshArgs } from '../../electron/console/uri.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeVncServer(
  onConn: (s: Socket) => void,
): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

async function startProxy(opts: ConstructorParameters<typeof VncProxy>[0] = {}): Promise<VncProxy> {
  const proxy = new VncProxy(opts);
  await proxy.listen();
  cleanups.push(() => proxy.close());
  return proxy;
}

const tcpConnector = (port: number) => netConnector({ host: '127.0.0.1', port });

/** Open a ws client; resolves with the socket or the HTTP status of a refused upgrade. */
function openWs(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['binary'], { headers, perMessageDeflate: false });
    ws.on('open', () => {
      cleanups.push(() => ws.terminate());
      resolve({ ws });
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', () => resolve({ status: -1 }));
  });
}

const waitFor = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('peer and origin checks (pure)', () => {
  it('accepts only loopback peers', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(a)).toBe(true);
    for (const a of [
      '10.0.0.1',
      '192.168.1.2',
      '::ffff:10.0.0.1',
      'fe80::1',
      '0.0.0.0',
      '',
      undefined,
      'localhost',
    ])
      expect(isLoopbackAddress(a)).toBe(false);
  });

  it('accepts the app and loopback pages, refuses foreign origins', () => {
    expect(isAllowedOrigin(undefined)).toBe(true);
    expect(isAllowedOrigin('app://virtdesk')).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8123')).toBe(true);
    expect(isAllowedOrigin('http://localhost:5173')).toBe(true);
    expect(isAllowedOrigin('http://[::1]:80')).toBe(true);
    expect(isAllowedOrigin('https://evil.example')).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1.evil.example')).toBe(false);
    expect(isAllowedOrigin('null')).toBe(false);
    expect(isAllowedOrigin('file://')).toBe(false);
    expect(isAllowedOrigin('https://desk.example', ['https://desk.example'])).toBe(true);
  });

  it('binds to loopback only', async () => {
    expect(() => new VncProxy({ host: '0.0.0.0' })).toThrow(/loopback/);
    const proxy = await startProxy();
    expect(proxy.address()?.address).toBe('127.0.0.1');
    expect(proxy.port).toBeGreaterThan(0);
  });
});

describe('tokens', () => {
  it('refuses a wrong token', async () => {
    const { port } = await fakeVncServer(() => {});
    const proxy = await startProxy();
    const issued = proxy.issue(tcpConnector(port));
    const wrong = `${issued.url.slice(0, -4)}AAAA`;
    expect((await openWs(wrong)).status).toBe(401);
    expect((await openWs(issued.url.replace(/\/vnc\/.*/, '/vnc/short'))).status).toBe(404);
    expect(proxy.stats().rejected).toBe(2);
    // the real token still works afterwards
    expect((await openWs(issued.url)).ws).toBeDefined();
  });

  it('refuses a reused token', async () => {
    const { port } = await fakeVncServer(() => {});
    const proxy = await startProxy();
    const { url } = proxy.issue(tcpConnector(port));
    expect((await openWs(url)).ws).toBeDefined();
    expect((await openWs(url)).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const { port } = await fakeVncServer(() => {});
    const proxy = await startProxy({ tokenTtlMs: 50 });
    const { url } = proxy.issue(tcpConnector(port));
    await new Promise((r) => setTimeout(r, 120));
    expect(proxy.stats().pendingTokens).toBe(0);
    expect((await openWs(url)).status).toBe(401);
  });

  it('refuses a foreign Origin, even with a valid token', async () => {
    const { port } = await fakeVncServer(() => {});
    const proxy = await startProxy();
    const { url } = proxy.issue(tcpConnector(port));
    expect((await openWs(url, { Origin: 'https://evil.example' })).status).toBe(403);
    // the token was not consumed by the refused attempt
    expect((await openWs(url, { Origin: 'http://127.0.0.1:4000' })).ws).toBeDefined();
  });

  it('tokens are 32 random bytes and unique', async () => {
    const proxy = await startProxy();
    const a = proxy.issue(tcpConnector(1));
    const b = proxy.issue(tcpConnector(1));
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    proxy.revoke(a.token);
    expect(proxy.stats().pendingTokens).toBe(1);
  });

  it('closes the listener when idle if asked to', async () => {
    const { port } = await fakeVncServer((s) => s.write('RFB 003.008\n'));
    const proxy = await startProxy({ closeWhenIdle: true });
    const { url } = proxy.issue(tcpConnector(port));
    const { ws } = await openWs(url);
    await new Promise((r) => ws!.once('message', r));
    expect(proxy.listening).toBe(true);
    ws!.close();
    await waitFor(() => !proxy.listening);
  });
});

describe('relay', () => {
  it('relays binary data both ways', async () => {
    const { port } = await fakeVncServer((s) => {
      s.write('RFB 003.008\n');
      s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d])));
    });
    const proxy = await startProxy();
    const { ws } = await openWs(proxy.issue(tcpConnector(port)).url);
    expect(ws!.protocol).toBe('binary');
    const received: Buffer[] = [];
    ws!.on('message', (d: Buffer) => received.push(d));
    await waitFor(() => Buffer.concat(received).toString() === 'RFB 003.008\n');
    ws!.send(Buffer.from([1, 2, 3, 0, 255]));
    await waitFor(() => Buffer.concat(received).length === 12 + 10);
    expect(Buffer.concat(received).subarray(12)).toEqual(
      Buffer.from([...Buffer.from('echo:'), 1, 2, 3, 0, 255]),
    );
    const st = proxy.stats();
    expect(st.activeConnections).toBe(1);
    expect(st.relays[0]!.bytesToServer).toBe(5);
  });

  it('closes the WebSocket when the VNC server is unreachable or closes', async () => {
    const proxy = await startProxy();
    const { ws } = await openWs(proxy.issue(tcpConnector(1)).url);
    const code = await new Promise<number>((r) => ws!.once('close', r));
    expect(code).toBe(1011);

    const { port } = await fakeVncServer((s) => s.end('bye'));
    const { ws: ws2 } = await openWs(proxy.issue(tcpConnector(port)).url);
    await new Promise((r) => ws2!.once('close', r));
    await waitFor(() => proxy.stats().activeConnections === 0);
  });

  it('pauses the VNC socket while the WebSocket is backed up', async () => {
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(256 * 1024, 7);
    const { port } = await fakeVncServer((s) => {
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    const proxy = await startProxy({ highWatermark: 512 * 1024, lowWatermark: 128 * 1024 });
    const { ws } = await openWs(proxy.issue(tcpConnector(port)).url);
    let got = 0;
    ws!.on('message', (d: Buffer) => (got += d.length));
    ws!.pause(); // a slow browser
    await waitFor(() => (proxy.stats().relays[0]?.vncPauses ?? 0) > 0);
    const st = proxy.stats().relays[0]!;
    // the proxy stopped reading: far less than everything went through it
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.stats().relays[0]!.bytesToClient).toBeLessThan(total / 2);
    expect(st.vncPauses).toBeGreaterThan(0);
    ws!.resume();
    await waitFor(() => got === total, 20_000);
  }, 30_000);

  it('recycled read buffers never corrupt queued data (a client that stalls)', async () => {
    // Every 4-byte word is its own offset, so a read buffer reused while still queued shows up.
    const total = 48 * 1024 * 1024;
    const words = new Uint32Array(total / 4);
    for (let i = 0; i < words.length; i++) words[i] = i * 4;
    const data = Buffer.from(words.buffer); // little-endian hosts
    const { port } = await fakeVncServer((s) => {
      let off = 0;
      const pump = (): void => {
        while (off < total) {
          const b = data.subarray(off, off + 4 * 1024 * 1024);
          off += b.length;
          if (!s.write(b)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    const proxy = await startProxy();
    const { ws } = await openWs(proxy.issue(tcpConnector(port)).url);
    let got = 0;
    let bad = -1;
    let carry = Buffer.alloc(0);
    ws!.on('message', (d: Buffer) => {
      const b = carry.length ? Buffer.concat([carry, d]) : d;
      const whole = b.length - (b.length % 4);
      for (let i = 0; i < whole && bad < 0; i += 4) if (b.readUInt32LE(i) !== got + i) bad = got + i;
      got += whole;
      carry = Buffer.from(b.subarray(whole));
    });
    // A client that stalls now and then: frames stay queued in the proxy while it keeps reading.
    let stalled = false;
    const flip = setInterval(() => {
      stalled = !stalled;
      if (stalled) ws!.pause();
      else ws!.resume();
    }, 3);
    cleanups.push(() => clearInterval(flip));
    await waitFor(() => got === total || bad >= 0, 20_000);
    clearInterval(flip);
    expect(bad).toBe(-1);
    expect(got).toBe(total);
  }, 30_000);

  it('pauses the WebSocket receive side while the VNC socket is backed up', async () => {
    let serverSock: Socket | null = null;
    const { port } = await fakeVncServer((s) => {
      serverSock = s;
      s.pause(); // a VNC server that does not read
    });
    const proxy = await startProxy();
    const { ws } = await openWs(proxy.issue(tcpConnector(port)).url);
    await waitFor(() => serverSock !== null);
    const msg = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    const target = 32 * 1024 * 1024;
    while (sent < target) {
      ws!.send(msg);
      sent += msg.length;
    }
    await waitFor(() => (proxy.stats().relays[0]?.wsPauses ?? 0) > 0);
    let got = 0;
    serverSock!.on('data', (d: Buffer) => (got += d.length));
    serverSock!.resume();
    await waitFor(() => got === target, 20_000);
    expect(proxy.stats().relays[0]!.wsPauses).toBeGreaterThan(0);
  }, 30_000);
});

describe('domain XML and URIs', () => {
  it('finds a TCP VNC display, wildcard listen on loopback', () => {
    const xml = `<domain><devices><graphics type='vnc' port='5901' autoport='yes' listen='0.0.0.0'>
      <listen type='address' address='0.0.0.0'/></graphics></devices></domain>`;
    expect(resolveVnc(xml)).toEqual({
      ok: true,
      endpoint: { kind: 'tcp', host: '127.0.0.1', port: 5901, passwordNeeded: false },
    });
  });

  it('finds a UNIX socket VNC display and the password flag', () => {
    const xml = `<domain><devices><graphics type="vnc" passwd="s&amp;cret"><listen type="socket" socket="/run/a b/vnc.sock"/></graphics></devices></domain>`;
    expect(resolveVnc(xml)).toEqual({
      ok: true,
      endpoint: { kind: 'unix', path: '/run/a b/vnc.sock', passwordNeeded: true },
    });
    expect(parseGraphics(xml)[0]!.attrs.passwd).toBe('s&cret');
  });

  it('reports SPICE-only and no graphics, ignores comments', () => {
    expect(
      resolveVnc(`<domain><devices><graphics type='spice' port='5900'/></devices></domain>`),
    ).toMatchObject({
      ok: false,
      code: 'SPICE_ONLY',
    });
    expect(
      resolveVnc(`<domain><devices><!-- <graphics type='vnc' port='5900'/> --></devices></domain>`),
    ).toMatchObject({ ok: false, code: 'NO_GRAPHICS' });
    expect(
      resolveVnc(`<domain><devices><graphics type='vnc' port='-1' autoport='yes'/></devices></domain>`),
    ).toMatchObject({ ok: false, code: 'VNC_UNREACHABLE' });
  });

  it('reads <graphics> only from /domain/devices: a decoy in <metadata> is never used', () => {
    // Whoever may set a VM's metadata must not be able to point the console at their own VNC server.
    const real = `<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>`;
    const domain = (device: string) => `<domain type='kvm'>
  <name>web</name>
  <metadata>
    <evil:x xmlns:evil="https://evil.example/ns"><graphics type='vnc' port='5999' listen='203.0.113.7'/></evil:x>
    <graphics type='vnc' port='5998' listen='198.51.100.1'><listen type='address' address='198.51.100.1'/></graphics>
  </metadata>
  <devices>
    <disk type='file' device='disk'><source file='/x.img'/><target dev='vda'/><graphics type='vnc' port='5997'/></disk>
    ${device}
  </devices>
</domain>`;
    expect(parseGraphics(domain(real)).map((g) => g.attrs.port)).toEqual(['5901']);
    expect(resolveVnc(domain(real))).toEqual({
      ok: true,
      endpoint: { kind: 'tcp', host: '127.0.0.1', port: 5901, passwordNeeded: false },
    });
    expect(resolveVnc(domain(''))).toMatchObject({ ok: false, code: 'NO_GRAPHICS' });
  });

  it('adds a VNC display to a persistent definition', () => {
    const out = addVncToDomainXml('<domain><devices><disk/></devices></domain>');
    expect(parseGraphics(out).map((g) => g.attrs)).toEqual([
      { type: 'vnc', autoport: 'yes', listen: '127.0.0.1' },
    ]);
    expect(resolveVnc(out.replace('autoport="yes"', 'port="5900"'))).toMatchObject({ ok: true });
  });

  it('parses libvirt URIs and builds ssh argument arrays', () => {
    expect(parseLibvirtUri('qemu:///system').local).toBe(true);
    expect(parseLibvirtUri('qemu+unix:///session?socket=/tmp/x y/s').params.get('socket')).toBe('/tmp/x y/s');
    const info = parseLibvirtUri('qemu+ssh://admin@kvm1.example:2222/system?keyfile=/k/id&no_verify=1');
    expect(info).toMatchObject({
      transport: 'ssh',
      host: 'kvm1.example',
      user: 'admin',
      port: 2222,
      local: false,
    });
    expect(sshArgs(info, { interactive: false, options: ['-W', '127.0.0.1:5900'] })).toEqual([
      '-o',
      'BatchMode=yes',
      '-p',
      '2222',
      '-l',
      'admin',
      '-i',
      '/k/id',
      '-o',
      'StrictHostKeyChecking=no',
      '-W',
      '127.0.0.1:5900',
      '--',
      'kvm1.example',
    ]);
    expect(
      sshArgs(info, { interactive: false, remoteCommand: ['nc', '-U', "/run/it's here"] }).slice(-3),
    ).toEqual(['nc', '-U', `'/run/it'\\''s here'`]);
    expect(() =>
      sshArgs(parseLibvirtUri('qemu+ssh://-oProxyCommand=x/system'), { interactive: true }),
    ).toThrow();
    expect(shQuote('$(reboot)')).toBe("'$(reboot)'");
  });
});
