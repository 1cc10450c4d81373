/**
 * WebSocket-to-VNC proxy for the graphical console (noVNC in the renderer ↔ the VM's VNC server).
 *
 * - Listens on loopback only (127.0.0.1, port 0); peers that are not loopback are refused.
 * - Each console session gets one unguessable single-use token (32 random bytes, base64url) that expires
 *   if unused (~30 s); tokens are compared in constant time (SHA-256 digests + timingSafeEqual).
 * - Browser Origins other than the app's own (app:// or a loopback http(s) page) are refused.
 * - Binary frames only; backpressure both ways: the VNC socket is paused while the WebSocket's
 *   bufferedAmount is above a high watermark, and the WebSocket's receiving socket is paused while the VNC
 *   socket's write() returns false.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect as netConnect, isIP, type AddressInfo, type NetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Receives bytes from the VNC server. When `release` is given, `chunk` is a view of a recyclable read
 * buffer: the sink calls `release()` once nothing references the bytes any more (e.g. once they were
 * written to the WebSocket's socket); a sink that never calls it just leaves the buffer to the GC.
 */
export type VncDataSink = (chunk: Buffer, release?: () => void) => void;

/**
 * Opens the byte stream to the VNC server (TCP, UNIX socket or an ssh channel). Bytes from the server are
 * delivered to `onData` (not as 'data' events, so TCP/UNIX sockets can read into large buffers); the
 * returned Duplex is used for writing, pause()/resume() (backpressure) and close.
 */
export type VncConnector = (onData: VncDataSink) => Promise<Duplex>;

/**
 * The VNC socket is read into 1 MiB buffers (few syscalls); reads of at least HANDOVER_MIN bytes hand their
 * buffer over (zero copy; the buffer is recycled once written), smaller ones are copied out. Each read
 * goes to the browser as one frame (as websockify does): one message event per read for noVNC, and less
 * framing work here (16 × 64 KiB frames per read cost ~15% more proxy CPU). See tests/bench/vnc-proxy.bench.ts.
 */
const HANDOVER_MIN = 256 * 1024; // ≤ 4x over-allocation while a frame is queued
const READ_BUFFER = 1024 * 1024;
/** Largest frame sent to the browser (only chunks from other Duplexes can be larger than a read). */
const MAX_FRAME = READ_BUFFER;

/** Read buffers kept per connection for reuse (recycling avoids fresh pages, i.e. page faults, per read). */
const POOL_MAX = 4;

/** A TCP or UNIX-socket connector that reads into large buffers (fewer syscalls, fewer, larger frames). */
export function netConnector(
  target: { host: string; port: number } | { path: string },
  timeoutMs = 10_000,
): VncConnector {
  return (onData) =>
    new Promise((resolve, reject) => {
      const pool: Buffer[] = [];
      let buf: Buffer = Buffer.allocUnsafe(READ_BUFFER);
      const sock = netConnect({
        ...target,
        onread: {
          buffer: () => buf,
          callback: (n: number, b: Uint8Array): boolean => {
            if (n >= HANDOVER_MIN) {
              // Hand the buffer over (zero copy); it comes back to the pool once the sink releases it.
              const whole = buf;
              let released = false;
              buf = pool.pop() ?? Buffer.allocUnsafe(READ_BUFFER);
              onData(Buffer.from(b.buffer, b.byteOffset, n), () => {
                if (released) return;
                released = true;
                if (pool.length < POOL_MAX) pool.push(whole);
              });
            } else {
              onData(Buffer.from(b.subarray(0, n)));
            }
            return true;
          },
        },
      } as NetConnectOpts);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error('connection timed out'));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.off('error', reject);
        if ('host' in target) sock.setNoDelay(true);
        sock.resume(); // flowing, so 'end' is emitted (the bytes go to onread, never to 'data')
        resolve(sock);
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
}

/** A connector over any Duplex (e.g. an ssh channel): its 'data' events feed the sink. */
export function duplexConnector(open: () => Promise<Duplex>): VncConnector {
  return async (onData) => {
    const d = await open();
    d.on('data', (chunk: Buffer) => onData(chunk));
    return d;
  };
}

export interface VncProxyOptions {
  /** Bind address; must be a loopback address. Default 127.0.0.1. */
  host?: string;
  /** Unused tokens expire after this long. Default 30 s. */
  tokenTtlMs?: number;
  /** Extra accepted Origins (exact match), besides app:// and loopback http(s) pages. */
  allowedOrigins?: string[];
  /** Pause the VNC socket while ws.bufferedAmount is above this. Default 1 MiB. */
  highWatermark?: number;
  /** Resume it when bufferedAmount falls below this. Default 256 KiB. */
  lowWatermark?: number;
  /** Close the listener when no token is pending and no connection is open. Default false. */
  closeWhenIdle?: boolean;
}

export interface VncRelayStats {
  id: number;
  /** Times the VNC socket was paused because the WebSocket was backed up. */
  vncPauses: number;
  /** Times the WebSocket receive side was paused because the VNC socket was backed up. */
  wsPauses: number;
  bytesToClient: number;
  bytesToServer: number;
}

export interface VncProxyStats {
  listening: boolean;
  port: number | null;
  pendingTokens: number;
  activeConnections: number;
  totalConnections: number;
  rejected: number;
  relays: VncRelayStats[];
}

export type RejectReason = 'not-loopback' | 'origin' | 'token' | 'path';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. Pure (exported for tests). */
export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  let a = addr.toLowerCase();
  if (a.startsWith('::ffff:')) a = a.slice(7);
  if (isIP(a) === 4) return a.startsWith('127.');
  if (isIP(a) === 6) return a === '::1' || a === '0:0:0:0:0:0:0:1';
  return false;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Origin policy (pure, exported for tests): no Origin (a non-browser client; the token still applies),
 * the packaged app's own scheme (app://…), a loopback http(s) page (web mode on this machine), or an
 * explicitly allowed origin. Everything else — including 'null' (sandboxed/file pages) — is refused.
 */
export function isAllowedOrigin(origin: string | undefined, extra: readonly string[] = []): boolean {
  if (origin === undefined) return true;
  if (extra.includes(origin)) return true;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.protocol === 'app:') return true;
  if (
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    (LOOPBACK_HOSTS.has(u.hostname) || (isIP(u.hostname) === 4 && u.hostname.startsWith('127.')))
  )
    return true;
  return false;
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

interface PendingToken {
  hash: Buffer;
  connect: VncConnector;
  timer: ReturnType<typeof setTimeout>;
  onConnection?: (ws: WebSocket) => void;
}

export interface IssuedToken {
  token: string;
  path: string;
  url: string;
  expiresInMs: number;
}

export class VncProxy extends EventEmitter {
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly pending = new Set<PendingToken>();
  private readonly sockets = new Set<WebSocket>();
  private readonly relays = new Map<WebSocket, VncRelayStats>();
  private readonly opts: Required<VncProxyOptions>;
  private boundPort: number | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private totalConnections = 0;
  private rejected = 0;
  private nextId = 1;

  constructor(opts: VncProxyOptions = {}) {
    super();
    this.opts = {
      host: opts.host ?? '127.0.0.1',
      tokenTtlMs: opts.tokenTtlMs ?? 30_000,
      allowedOrigins: opts.allowedOrigins ?? [],
      highWatermark: opts.highWatermark ?? 4 * 1024 * 1024,
      lowWatermark: opts.lowWatermark ?? 1024 * 1024,
      closeWhenIdle: opts.closeWhenIdle ?? false,
    };
    if (!isLoopbackAddress(this.opts.host))
      throw new Error(`VNC proxy must bind to loopback, not ${this.opts.host}`);
    this.server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' }).end('WebSocket only\n');
    });
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: 16 * 1024 * 1024,
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  /** Start listening; resolves with the port. */
  async listen(): Promise<number> {
    if (this.boundPort !== null) return this.boundPort;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.opts.host, port: 0, exclusive: true }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    return this.boundPort;
  }

  get listening(): boolean {
    return this.boundPort !== null && !this.closed;
  }

  get port(): number | null {
    return this.boundPort;
  }

  /** The address the listener is bound to (tests check it is loopback). */
  address(): AddressInfo | null {
    const a = this.server.address();
    return a && typeof a === 'object' ? a : null;
  }

  /** Issue a single-use token for one console session. */
  issue(
    connect: VncConnector,
    opts: { ttlMs?: number; onConnection?: (ws: WebSocket) => void } = {},
  ): IssuedToken {
    if (this.boundPort === null || this.closed) throw new Error('VNC proxy is not listening');
    const token = randomBytes(32).toString('base64url');
    const ttl = opts.ttlMs ?? this.opts.tokenTtlMs;
    const entry: PendingToken = {
      hash: digest(token),
      connect,
      timer: setTimeout(() => {
        this.pending.delete(entry);
        this.emit('expired');
        this.maybeIdle();
      }, ttl),
    };
    if (opts.onConnection) entry.onConnection = opts.onConnection;
    entry.timer.unref?.();
    this.pending.add(entry);
    const path = `/vnc/${token}`;
    return { token, path, url: `ws://${this.hostForUrl()}:${this.boundPort}${path}`, expiresInMs: ttl };
  }

  /** Withdraw a token that was not used yet. */
  revoke(token: string): void {
    const found = this.take(token);
    if (found) this.maybeIdle();
  }

  stats(): VncProxyStats {
    return {
      listening: this.listening,
      port: this.boundPort,
      pendingTokens: this.pending.size,
      activeConnections: this.sockets.size,
      totalConnections: this.totalConnections,
      rejected: this.rejected,
      relays: [...this.relays.values()].map((r) => ({ ...r })),
    };
  }

  /** Stop listening, drop pending tokens and close every relay. */
  async close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.closed = true;
    for (const p of this.pending) clearTimeout(p.timer);
    this.pending.clear();
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.wss.close();
    this.emit('close');
  }

  private hostForUrl(): string {
    return this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
  }

  /** Find and remove the pending token matching `token`; constant-time comparison over all entries. */
  private take(token: string): PendingToken | null {
    const h = digest(token);
    let found: PendingToken | null = null;
    for (const p of this.pending) {
      if (timingSafeEqual(p.hash, h) && found === null) found = p;
    }
    if (found) {
      clearTimeout(found.timer);
      this.pending.delete(found);
    }
    return found;
  }

  private reject(socket: Duplex, status: number, reason: RejectReason): void {
    this.rejected++;
    this.emit('rejected', reason);
    const text = status === 403 ? 'Forbidden' : status === 401 ? 'Unauthorized' : 'Not Found';
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (!isLoopbackAddress(req.socket.remoteAddress)) return this.reject(socket, 403, 'not-loopback');
    const origin = req.headers.origin;
    if (!isAllowedOrigin(origin, this.opts.allowedOrigins)) return this.reject(socket, 403, 'origin');
    this.acceptUpgrade(req, socket, head);
  }

  /**
   * Takes a `/vnc/<token>` upgrade that another server received (web mode mounts the proxy on its own
   * port, so a browser reaching VirtDesk through one forwarded port also gets its displays). That server
   * has vetted the peer and the Origin; the single-use token is checked here as always.
   */
  acceptUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.closed) return this.reject(socket, 404, 'path');
    const m = /^\/vnc\/([A-Za-z0-9_-]{20,100})(?:\?.*)?$/.exec(req.url ?? '');
    if (!m) return this.reject(socket, 404, 'path');
    const entry = this.take(m[1]!);
    if (!entry) return this.reject(socket, 401, 'token');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      void this.startRelay(ws, entry);
    });
  }

  private async startRelay(ws: WebSocket, entry: PendingToken): Promise<void> {
    this.totalConnections++;
    this.sockets.add(ws);
    const stats: VncRelayStats = {
      id: this.nextId++,
      vncPauses: 0,
      wsPauses: 0,
      bytesToClient: 0,
      bytesToServer: 0,
    };
    this.relays.set(ws, stats);
    let vnc: Duplex | null = null;
    let done = false;
    const finish = (code: number, reason: string): void => {
      if (done) return;
      done = true;
      this.sockets.delete(ws);
      this.relays.delete(ws);
      vnc?.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
      this.emit('relayClosed', stats);
      this.maybeIdle();
    };
    // Messages that arrive while the VNC side is connecting are held (noVNC waits for the server first).
    const early: Array<[Buffer, boolean]> = [];
    const onEarly = (data: Buffer, isBinary: boolean): void => void early.push([data, isBinary]);
    ws.on('message', onEarly);
    ws.on('close', () => finish(1000, 'closed'));
    ws.on('error', () => finish(1011, 'websocket error'));
    entry.onConnection?.(ws);
    // Bytes from the server before the relay below is wired up are held here.
    let deliver: VncDataSink | null = null;
    const held: Buffer[] = [];
    // Held chunks are delivered without their release callback (their buffers are left to the GC).
    const sink: VncDataSink = (chunk, release) => (deliver ? deliver(chunk, release) : void held.push(chunk));
    try {
      vnc = await entry.connect(sink);
    } catch (err) {
      finish(1011, `VNC server unreachable: ${(err as Error).message}`);
      return;
    }
    if (done) {
      vnc.destroy();
      return;
    }
    const sock = vnc;
    ws.off('message', onEarly);
    const { highWatermark, lowWatermark } = this.opts;
    let vncPaused = false;

    // VNC → browser: pause the VNC socket while the WebSocket is backed up.
    const onSent = (): void => {
      if (vncPaused && ws.bufferedAmount < lowWatermark) {
        vncPaused = false;
        sock.resume();
      }
    };
    /** A write callback that releases the read buffer after the last of `frames` writes completed. */
    const sentAndRelease = (release: () => void, frames: number): ((err?: Error) => void) => {
      let left = frames;
      let failed = false;
      return (err) => {
        if (err) failed = true;
        if (--left === 0 && !failed) release();
        onSent();
      };
    };
    // A chunk larger than MAX_FRAME goes out as several frames in one corked write (one syscall).
    const raw = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    deliver = (chunk, release) => {
      if (ws.readyState !== ws.OPEN) return;
      stats.bytesToClient += chunk.length;
      if (chunk.length <= MAX_FRAME) {
        ws.send(chunk, { binary: true, compress: false }, release ? sentAndRelease(release, 1) : onSent);
      } else {
        // The read buffer is recycled only after every frame's write completed (the socket holds no
        // reference any more).
        const cb = release ? sentAndRelease(release, Math.ceil(chunk.length / MAX_FRAME)) : onSent;
        raw?.cork();
        for (let o = 0; o < chunk.length; o += MAX_FRAME)
          ws.send(chunk.subarray(o, o + MAX_FRAME), { binary: true, compress: false }, cb);
        raw?.uncork();
      }
      if (!vncPaused && ws.bufferedAmount > highWatermark) {
        vncPaused = true;
        stats.vncPauses++;
        sock.pause();
      }
    };
    for (const chunk of held.splice(0)) deliver(chunk);
    // Browser → VNC: pause the WebSocket's socket while the VNC socket is backed up.
    const toVnc = (data: Buffer, isBinary: boolean): void => {
      if (!isBinary) return finish(1003, 'binary frames only');
      stats.bytesToServer += data.length;
      if (!sock.write(data) && !ws.isPaused) {
        stats.wsPauses++;
        ws.pause();
      }
    };
    sock.on('drain', () => {
      if (ws.isPaused) ws.resume();
    });
    const serverClosed = (): void => finish(1000, 'VNC server closed the connection');
    sock.on('end', serverClosed);
    sock.on('close', serverClosed);
    sock.on('error', (err: Error) => finish(1011, `VNC connection error: ${err.message}`));
    ws.on('message', (data: Buffer, isBinary: boolean) => toVnc(data, isBinary));
    for (const [data, isBinary] of early.splice(0)) toVnc(data, isBinary);
  }

  private maybeIdle(): void {
    if (this.opts.closeWhenIdle && !this.closed && this.pending.size === 0 && this.sockets.size === 0) {
      this.emit('idle');
      void this.close();
    }
  }
}
