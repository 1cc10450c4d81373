/**
 * VNC proxy benchmark: our WebSocket-to-VNC proxy vs websockify (/usr/bin/websockify, default options: no
 * verbose logging, its fixed 64 KiB reads, binary subprotocol) in the same run, same source: a local fake
 * TCP server that streams a fixed pattern ('S') or echoes small messages ('E').
 *
 * Source and our proxy each run in their own process. Measures VNC→browser throughput (MiB/s for 256 MiB,
 * best of 3, interleaved) and echo round trip p50, compared with direct TCP (added latency). The client is
 * a minimal WebSocket client on a raw socket (VD_BENCH_VNC_CLIENT=ws: the `ws` package's client, which is
 * itself the bottleneck at ~1.5–2 s CPU per GiB, so both proxies look alike); every received byte is
 * checked against the source pattern. CPU per GiB is printed for each proxy (user + system, websockify's
 * forked per-connection children included), the client and the source: throughput on a shared 2-core
 * machine swings with other load, CPU per GiB much less.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { importBuilt } from './built.js';

/** Node's `onread`: one reused buffer, no stream machinery; returning true keeps the socket reading. */
const readInto = (buffer: Buffer, onChunk: (b: Buffer) => void) => ({
  buffer,
  callback: (n: number): boolean => {
    onChunk(buffer.subarray(0, n));
    return true;
  },
});

const STREAM_BYTES = Number(process.env.VD_BENCH_VNC_BYTES ?? 256 * 1024 * 1024);
const ECHO_ROUNDS = 2000;
const ECHO_WARMUP = 200;
const ECHO_SIZE = 32;
const CHILD_FLAG = 'VD_BENCH_VNC_PROXY_CHILD';
/** 'raw' (default): a minimal WebSocket client on a raw TCP socket reading into 1 MiB buffers, so the
 * load generator is cheap and the proxies are what is measured; 'ws': the `ws` package's client. */
const CLIENT = process.env.VD_BENCH_VNC_CLIENT === 'ws' ? 'ws' : 'raw';

/** The source streams this 256 KiB pattern over and over; clients check every byte they receive against it. */
const PATTERN_LEN = 256 * 1024;
const PATTERN = Buffer.allocUnsafe(PATTERN_LEN);
for (let i = 0; i < PATTERN_LEN; i++) PATTERN[i] = (i * 7 + (i >>> 9) * 13) & 0xff;

/** Checks a received stream against the pattern (memcmp per segment): counts bytes, throws on mismatch. */
class StreamCheck {
  pos = 0;
  add(b: Buffer): void {
    let o = 0;
    while (o < b.length) {
      const at = this.pos % PATTERN_LEN;
      const n = Math.min(b.length - o, PATTERN_LEN - at);
      if (!b.subarray(o, o + n).equals(PATTERN.subarray(at, at + n)))
        throw new Error(`stream corrupted near byte ${this.pos}`);
      o += n;
      this.pos += n;
    }
  }
}

/** Fake VNC source: first byte 'S' → stream STREAM_BYTES; 'E' → echo everything. */
async function startSource(): Promise<{ server: Server; port: number }> {
  const chunk = PATTERN;
  const server = createServer((s) => {
    s.setNoDelay(true);
    s.on('error', () => {});
    s.once('data', (first: Buffer) => {
      if (first[0] === 0x53 /* S */) {
        let left = STREAM_BYTES;
        const pump = (): void => {
          while (left > 0) {
            const n = Math.min(left, chunk.length);
            left -= n;
            if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
              return void s.once('drain', pump);
          }
          // keep the connection open: websockify drops data still queued when its target closes
        };
        pump();
      } else {
        if (first.length > 1) s.write(first.subarray(1));
        s.on('data', (d) => s.write(d));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

interface Endpoint {
  name: string;
  /** Open a byte pipe to the source through this path; returns send/receive helpers. */
  open(): Promise<Pipe>;
}

interface Pipe {
  send(b: Buffer): void;
  onData(cb: (b: Buffer) => void): void;
  closed: Promise<void>;
  close(): void;
}

function directEndpoint(port: number): Endpoint {
  return {
    name: 'direct',
    open: () =>
      new Promise((resolve, reject) => {
        let cb: (b: Buffer) => void = () => {};
        const buf = Buffer.allocUnsafe(1024 * 1024);
        const s: Socket = netConnect({
          host: '127.0.0.1',
          port,
          onread: readInto(buf, (b) => cb(b)),
        });
        s.once('connect', () => {
          s.setNoDelay(true);
          resolve({
            send: (b) => void s.write(b),
            onData: (f) => void (cb = f),
            closed: new Promise((r) => s.once('close', () => r())),
            close: () => s.destroy(),
          });
        });
        s.once('error', reject);
      }),
  };
}

/**
 * Minimal WebSocket client on a raw TCP socket (RFC 6455 handshake, masked binary frames out, unmasked
 * frames in), reading into a 1 MiB buffer: payload segments are handed to the callback as views of that
 * buffer (valid during the call only). Cheap enough that the proxy, not the client, limits throughput.
 */
function rawWsPipe(url: string): Promise<Pipe> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    let cb: (b: Buffer) => void = () => {};
    let handshake: Buffer | null = Buffer.alloc(0);
    // frame parser state
    let hdr = Buffer.alloc(0); // partial header bytes
    let left = 0; // payload bytes left in the current frame
    let opcode = 0;
    const fail = (e: Error): void => {
      s.destroy();
      reject(e);
    };
    const frames = (b: Buffer): void => {
      let o = 0;
      while (o < b.length) {
        if (left > 0) {
          const n = Math.min(left, b.length - o);
          if (opcode === 2 || opcode === 0) cb(b.subarray(o, o + n));
          left -= n;
          o += n;
          continue;
        }
        // parse a header (may straddle reads)
        const h = hdr.length ? Buffer.concat([hdr, b.subarray(o, o + 14)]) : b.subarray(o, o + 14);
        if (h.length < 2) return void (hdr = Buffer.from(h));
        const len7 = h[1]! & 0x7f;
        const masked = (h[1]! & 0x80) !== 0;
        const hlen = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
        if (masked) return fail(new Error('server sent a masked frame'));
        if (h.length < hlen) {
          hdr = Buffer.from(h);
          return;
        }
        opcode = h[0]! & 0x0f;
        left = len7 === 126 ? h.readUInt16BE(2) : len7 === 127 ? Number(h.readBigUInt64BE(2)) : len7;
        if (opcode === 8) return void s.destroy();
        if (opcode === 1) return fail(new Error('server sent a text frame'));
        o += hlen - hdr.length;
        hdr = Buffer.alloc(0);
      }
    };
    const buf = Buffer.allocUnsafe(1024 * 1024);
    const s: Socket = netConnect({
      host: u.hostname,
      port: Number(u.port),
      onread: readInto(buf, (b) => {
        if (handshake === null) return frames(b);
        handshake = Buffer.concat([handshake, b]);
        const end = handshake.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = handshake.subarray(0, end).toString('latin1');
        const rest = Buffer.from(handshake.subarray(end + 4));
        handshake = null;
        if (
          !/^HTTP\/1\.1 101/.test(head) ||
          !head.includes(accept) ||
          !/^sec-websocket-protocol: *binary\r?$/im.test(head)
        )
          return fail(new Error(`handshake failed: ${head.split('\r\n')[0]}`));
        s.setNoDelay(true);
        resolve({
          send: (p) => {
            const mask = randomBytes(4);
            const h =
              p.length < 126
                ? Buffer.from([0x82, 0x80 | p.length])
                : Buffer.from([0x82, 0xfe, p.length >> 8, p.length & 0xff]);
            const m = Buffer.allocUnsafe(p.length);
            for (let i = 0; i < p.length; i++) m[i] = p[i]! ^ mask[i & 3]!;
            s.write(Buffer.concat([h, mask, m]));
          },
          onData: (f) => void (cb = f),
          closed: new Promise((r) => s.once('close', () => r())),
          close: () => s.destroy(),
        });
        if (rest.length) frames(rest);
      }),
    });
    s.once('connect', () =>
      s.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n`,
      ),
    );
    s.once('error', reject);
  });
}

const clientPipe = (url: string): Promise<Pipe> => (CLIENT === 'raw' ? rawWsPipe(url) : wsPipe(url));

function wsPipe(url: string): Promise<Pipe> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary'], { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => {
      (ws as unknown as { _socket?: Socket })._socket?.setNoDelay(true);
      resolve({
        send: (b) => ws.send(b, { binary: true }),
        onData: (cb) => void ws.on('message', (d: Buffer) => cb(d)),
        closed: new Promise((r) => ws.once('close', () => r())),
        close: () => ws.terminate(),
      });
    });
    ws.once('error', reject);
  });
}

async function throughput(ep: Endpoint): Promise<number> {
  const pipe = await ep.open();
  let got = 0;
  let msgs = 0;
  const check = new StreamCheck();
  const done = new Promise<void>((resolve, reject) =>
    pipe.onData((b) => {
      try {
        check.add(b);
      } catch (e) {
        reject(e as Error);
      }
      got += b.length;
      msgs++;
      if (got >= STREAM_BYTES) resolve();
    }),
  );
  const t0 = performance.now();
  pipe.send(Buffer.from('S'));
  await Promise.race([
    done,
    pipe.closed.then(() =>
      got < STREAM_BYTES ? Promise.reject(new Error(`${ep.name}: closed after ${got} bytes`)) : undefined,
    ),
  ]);
  const secs = (performance.now() - t0) / 1000;
  if (check.pos !== STREAM_BYTES) throw new Error(`${ep.name}: got ${check.pos} bytes, want ${STREAM_BYTES}`);
  if (process.env.VD_BENCH_DEBUG)
    console.log(`# ${ep.name}: ${msgs} messages, ${(got / msgs / 1024).toFixed(1)} KiB avg`);
  pipe.close();
  return STREAM_BYTES / (1024 * 1024) / secs;
}

async function echoP50(ep: Endpoint): Promise<number> {
  const pipe = await ep.open();
  const msg = Buffer.alloc(ECHO_SIZE, 0x61);
  let want = 0;
  let got = 0;
  let wake: (() => void) | null = null;
  pipe.onData((b) => {
    got += b.length;
    if (got >= want && wake) {
      const w = wake;
      wake = null;
      w();
    }
  });
  pipe.send(Buffer.from('E'));
  const samples: number[] = [];
  for (let i = 0; i < ECHO_WARMUP + ECHO_ROUNDS; i++) {
    want += ECHO_SIZE;
    const t0 = performance.now();
    await new Promise<void>((r) => {
      wake = r;
      pipe.send(msg);
    });
    if (i >= ECHO_WARMUP) samples.push(performance.now() - t0);
  }
  pipe.close();
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        const s = netConnect({ host: '127.0.0.1', port }, () => {
          s.destroy();
          resolve();
        });
        s.once('error', reject);
      });
      return;
    } catch {
      if (Date.now() - t0 > ms) throw new Error(`port ${port} did not open`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function startChild(mode: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...(process.env.VD_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/vdprof'] : []),
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
    ],
    {
      env: { ...process.env, [CHILD_FLAG]: mode },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
}

/** The fake source in its own process, so it does not share the measuring client's event loop. */
async function startSourceChild(): Promise<{ port: number; child: ChildProcess }> {
  const child = startChild('source');
  const [m] = (await once(child, 'message')) as [{ port: number }];
  return { port: m.port, child };
}

/** Our proxy in a child process; it issues a fresh single-use token per connection over IPC. */
async function startOurProxy(sourcePort: number): Promise<{ endpoint: Endpoint; child: ChildProcess }> {
  const child = startChild(`proxy:${sourcePort}`);
  const [ready] = (await once(child, 'message')) as [{ ready: boolean }];
  if (!ready.ready) throw new Error('proxy child failed');
  const issue = async (): Promise<string> => {
    child.send({ issue: true });
    const [m] = (await once(child, 'message')) as [{ url: string }];
    return m.url;
  };
  return { endpoint: { name: 'virtdesk', open: async () => clientPipe(await issue()) }, child };
}

async function runChild(sourcePort: number): Promise<void> {
  const { VncProxy, netConnector } =
    await importBuilt<typeof import('../../electron/console/vnc-proxy.js')>('console/vnc-proxy');
  const proxy = new VncProxy();
  await proxy.listen();
  const connector = netConnector({ host: '127.0.0.1', port: sourcePort });
  process.on('message', (m: { issue?: boolean }) => {
    if (m.issue) process.send!({ url: proxy.issue(connector).url });
  });
  process.on('disconnect', () => void proxy.close().then(() => process.exit(0)));
  process.send!({ ready: true });
}

/** CPU time (ms, user and system) of a process and its descendants, from /proc (Linux; 0 when unavailable). */
function cpuSplit(pid: number | undefined): { user: number; sys: number } {
  const r = { user: 0, sys: 0 };
  if (!pid) return r;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime + cutime, stime + cstime: websockify forks a process per connection; once it exited and was
    // reaped its CPU time only shows up in the parent's cutime/cstime.
    r.user = ((f[11]! + f[13]!) * 1000) / 100;
    r.sys = ((f[12]! + f[14]!) * 1000) / 100;
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const k of kids ? kids.split(' ') : []) {
      const c = cpuSplit(Number(k));
      r.user += c.user;
      r.sys += c.sys;
    }
  } catch {
    // process gone
  }
  return r;
}

/** CPU time (ms) of a process and its descendants. */
function cpuMs(pid: number | undefined): number {
  const c = cpuSplit(pid);
  return c.user + c.sys;
}

const fmt = (v: number, digits = 3): string => v.toFixed(digits);

export default async function bench(): Promise<void> {
  const websockifyBin = '/usr/bin/websockify';
  const children: ChildProcess[] = [];
  try {
    const source = await startSourceChild();
    children.push(source.child);
    const ours = await startOurProxy(source.port);
    children.push(ours.child);
    const wsPort = await freePort();
    const wsfy = spawn(websockifyBin, [`127.0.0.1:${wsPort}`, `127.0.0.1:${source.port}`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    children.push(wsfy);
    await waitForPort(wsPort);
    const websockify: Endpoint = { name: 'websockify', open: () => clientPipe(`ws://127.0.0.1:${wsPort}/`) };
    const direct = directEndpoint(source.port);

    // Throughput: best of 3 runs each, interleaved (the machine may be busy with other work).
    const tp: Record<string, number> = { direct: 0, virtdesk: 0, websockify: 0 };
    const cpu: Record<string, number> = { direct: 0, virtdesk: 0, websockify: 0 };
    const clientCpu: Record<string, number> = { direct: 0, virtdesk: 0, websockify: 0 };
    const pids: Record<string, number | undefined> = { virtdesk: ours.child.pid, websockify: wsfy.pid };
    const srcCpu: Record<string, number> = { direct: 0, virtdesk: 0, websockify: 0 };
    const sysCpu: Record<string, number> = { direct: 0, virtdesk: 0, websockify: 0 };
    for (let run = 0; run < 3; run++) {
      for (const ep of [direct, ours.endpoint, websockify]) {
        const c0 = cpuMs(pids[ep.name]);
        const sys0 = cpuSplit(pids[ep.name]).sys;
        const s0 = cpuMs(source.child.pid);
        const own0 = process.cpuUsage();
        tp[ep.name] = Math.max(tp[ep.name]!, await throughput(ep));
        cpu[ep.name]! += cpuMs(pids[ep.name]) - c0;
        sysCpu[ep.name]! += cpuSplit(pids[ep.name]).sys - sys0;
        srcCpu[ep.name]! += cpuMs(source.child.pid) - s0;
        const own = process.cpuUsage(own0);
        clientCpu[ep.name]! += (own.user + own.system) / 1000;
      }
    }
    const lat: Record<string, number> = {};
    for (const ep of [direct, ours.endpoint, websockify]) lat[ep.name] = await echoP50(ep);

    const mib = STREAM_BYTES / (1024 * 1024);
    console.log(
      `# vnc proxy throughput (${mib} MiB): direct ${fmt(tp.direct!, 0)} MiB/s, virtdesk ${fmt(tp.virtdesk!, 0)} MiB/s, websockify ${fmt(tp.websockify!, 0)} MiB/s`,
    );
    console.log(
      `# vnc echo p50 (${ECHO_SIZE} B, ${ECHO_ROUNDS} rounds): direct ${fmt(lat.direct!)} ms, virtdesk ${fmt(lat.virtdesk!)} ms, websockify ${fmt(lat.websockify!)} ms`,
    );
    const gib = (3 * STREAM_BYTES) / 1024 ** 3;
    console.log(
      `# CPU per GiB relayed: proxy virtdesk ${fmt(cpu.virtdesk! / gib, 0)} ms (${fmt(sysCpu.virtdesk! / gib, 0)} system), ` +
        `websockify ${fmt(cpu.websockify! / gib, 0)} ms (${fmt(sysCpu.websockify! / gib, 0)} system); ` +
        `ws client via virtdesk ${fmt(clientCpu.virtdesk! / gib, 0)} ms, via websockify ${fmt(clientCpu.websockify! / gib, 0)} ms, direct ${fmt(clientCpu.direct! / gib, 0)} ms (${CLIENT} client); ` +
        `source ${fmt(srcCpu.virtdesk! / gib, 0)} / ${fmt(srcCpu.websockify! / gib, 0)} / ${fmt(srcCpu.direct! / gib, 0)} ms`,
    );
    const ratio = tp.virtdesk! / tp.websockify!;
    const added = Math.max(0, lat.virtdesk! - lat.direct!);
    console.log(
      `BENCH vnc.throughput_ratio ${fmt(ratio, 2)} x target >=1.5 ${ratio >= 1.5 ? 'PASS' : 'MISS'}`,
    );
    console.log(`BENCH vnc.added_latency_p50 ${fmt(added)} ms target <0.5 ${added < 0.5 ? 'PASS' : 'MISS'}`);
  } finally {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        if (c.connected) {
          c.disconnect(); // children exit on disconnect
          await Promise.race([once(c, 'exit'), new Promise((r) => setTimeout(r, 2000))]);
          if (c.exitCode !== null || c.signalCode !== null) continue;
        }
        c.kill('SIGTERM');
        await Promise.race([once(c, 'exit'), new Promise((r) => setTimeout(r, 3000))]);
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }
    }
  }
}

const childMode = process.env[CHILD_FLAG];
if (childMode === 'source') {
  void startSource().then(({ port }) => {
    process.send!({ port });
    process.on('disconnect', () => process.exit(0));
  });
} else if (childMode?.startsWith('proxy:')) {
  void runChild(Number(childMode.slice(6)));
}
