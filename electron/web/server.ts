/**
 * Web mode: the renderer and the contract served to a browser.
 *
 * - HTTP: serves the built renderer (dist/renderer) read-only, GET/HEAD only, with the same strict CSP as
 *   Electron, correct MIME types and no way out of the folder (no traversal, no dotfiles, no symlink escape).
 *   One POST route, BROWSER_UPLOAD_PATH: a file of the browser's computer streamed into a volume (token in
 *   Authorization, the page's WebSocket session named; see shared/contract/storage.ts).
 * - WebSocket at /ws: JSON frames `{t:'call', id, name, input}` → `{t:'result', id, ok, value | error}`,
 *   pushed `{t:'event', name, payload}`. Requires the random token (URL `?token=` on the WS URL, or a first
 *   frame `{t:'auth', token}`), compared in constant time; browser Origins other than the page's own are
 *   refused; frames are limited in size; a client that stops reading is dropped.
 * - Binds 127.0.0.1 by default. Any other address needs TLS (`tls`: HTTPS + WSS) or an explicit
 *   `insecureNoTls`; the host terminal is off there unless asked for (`terminal`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EventPayload } from '../../shared/contract/index.js';
import {
  BROWSER_UPLOAD_PATH,
  BROWSER_UPLOAD_SESSION_HEADER,
  browserUploadQuerySchema,
} from '../../shared/contract/storage.js';
import { toRemoteError } from '../core/errors.js';
import { streamSource } from '../storage/transfers.js';
import { CONSOLE_LIMITS } from '../console/limits.js';
import { Core, type CoreOptions } from '../core/core.js';
import type { Session } from '../core/sessions.js';
import { mimeType, safeRelativePath, securityHeaders } from '../settings.js';

export interface WebServerOptions {
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0 = any free port). */
  port?: number;
  /** Access token (default: 32 random bytes, base64url). */
  token?: string;
  /** Use this core (not stopped by close()); default: a new Core started with `configDir`. */
  core?: Core;
  configDir?: string;
  /** Options for the core created when `core` is not given. */
  coreOptions?: CoreOptions;
  /** Folder with the built renderer (default: <package>/dist/renderer). */
  rendererDir?: string;
  /** Largest accepted WebSocket frame (default 1 MiB). */
  maxPayload?: number;
  /** PEM certificate and key: serve HTTPS and WSS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Allow cleartext HTTP on a non-loopback address (refused otherwise). */
  insecureNoTls?: boolean;
  /** Offer the host terminal (console.openHost); default: only when bound to loopback. */
  terminal?: boolean;
}

export interface WebServer {
  /** Page URL including the token, e.g. http://127.0.0.1:8765/?token=… (https:// with TLS) */
  url: string;
  host: string;
  port: number;
  token: string;
  core: Core;
  server: Server;
  close(): Promise<void>;
}

/** WebSocket close codes used by the server. */
export const WS_CLOSE = { unauthorized: 4401, badFrame: 4400, tooSlow: 4408 } as const;

const AUTH_TIMEOUT_MS = 5000;
/** A browser upload whose body stops arriving for this long is abandoned. */
const UPLOAD_IDLE_MS = 60_000;
const MAX_IN_FLIGHT = 256;
/** Authenticated WebSockets at most (one per browser tab; a runaway client cannot exhaust the process). */
const MAX_SOCKETS = 64;
/**
 * Unauthenticated WebSockets (waiting for their auth frame) at most. Counted apart from authenticated
 * ones, so sockets held open without the token never lock the real user out.
 */
const MAX_PENDING_AUTH = 32;
/**
 * TCP connections not (yet) carrying an authenticated session at most; beyond it the oldest is
 * dropped, so idle pre-auth connections cannot pile up either.
 */
const MAX_UNAUTHENTICATED_CONNECTIONS = 128;
/** Time for a connection to send its request headers (short: before that it is unauthenticated). */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * Drop a client whose unsent data exceeds this (it stopped reading). Checked before each frame, so one
 * large answer (a screenshot) still goes out; what piles up behind a reader that stopped is bounded.
 */
const MAX_BUFFERED = 16 * 1024 * 1024;

const HOST_TERMINAL_OFF = {
  code: 'HOST_TERMINAL_UNSUPPORTED',
  message:
    'The host terminal is turned off on this web server (--no-terminal, the default when it is ' +
    'reachable from the network). Restart it with --terminal to allow it.',
};

/** Constant-time token comparison (hashing first makes lengths equal). */
export const tokenMatches = (given: unknown, expected: string): boolean => {
  if (typeof given !== 'string' || given.length > 1024) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
};

export const generateToken = (): string => randomBytes(32).toString('base64url');

export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Find the package root (folder with our package.json) from this module's location. */
const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'virtdesk') return dir;
      } catch {
        // keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
};

export const defaultRendererDir = (): string => join(packageRoot(), 'dist', 'renderer');

const hostForUrl = (host: string): string => {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return isIP(host) === 6 ? `[${host}]` : host;
};

export async function startWebServer(opts: WebServerOptions = {}): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? generateToken();
  if (token.length < 16) throw new Error('The access token must be at least 16 characters');
  if (!isLoopbackHost(host) && !opts.tls && !opts.insecureNoTls) {
    throw new Error(
      `Refusing to serve cleartext HTTP on ${host}: give a TLS certificate and key, or allow it explicitly.`,
    );
  }
  const scheme = opts.tls ? 'https' : 'http';
  const terminal = opts.terminal ?? isLoopbackHost(host);
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  const ownsCore = !opts.core;
  const core =
    opts.core ?? new Core({ ...opts.coreOptions, ...(opts.configDir ? { configDir: opts.configDir } : {}) });
  if (ownsCore) await core.start();
  const headers = securityHeaders();
  let rendererRoot: string | null = null;
  const rootDir = async (): Promise<string | null> => {
    if (rendererRoot) return rendererRoot;
    try {
      rendererRoot = await realpath(rendererDir);
    } catch {
      return null;
    }
    return rendererRoot;
  };

  let port = 0;
  /** Host header values under which the page is legitimately reached (DNS-rebinding guard). */
  const allowedHosts = (): Set<string> => {
    const names = new Set<string>([hostForUrl(host)]);
    if (isLoopbackHost(host) || host === '0.0.0.0' || host === '::') {
      for (const n of ['127.0.0.1', 'localhost', '[::1]']) names.add(n);
    }
    return new Set([...names].map((n) => `${n}:${port}`));
  };
  const hostAllowed = (req: IncomingMessage): boolean => {
    const h = req.headers.host?.toLowerCase();
    if (!h) return false;
    if (allowedHosts().has(h)) return true;
    // Non-loopback bind on all interfaces: accept any IP literal host with our port (no DNS names).
    if (host === '0.0.0.0' || host === '::') {
      const m = /^(\[[0-9a-f:.]+\]|[0-9.]+):(\d+)$/.exec(h);
      return !!m && Number(m[2]) === port && isIP(m[1]!.replace(/^\[|\]$/g, '')) !== 0;
    }
    return false;
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    type: string,
    extra = {},
  ): void => {
    res.writeHead(status, {
      ...headers,
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      ...extra,
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  /**
   * A file from the browser's computer streamed into a volume (see BROWSER_UPLOAD_PATH): the same upload
   * as storage.upload (TransferService.uploadFrom), its source the request body. Bounded memory: the
   * body is piped with backpressure into the libvirt stream.
   */
  const handleBrowserUpload = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = (status: number, body: object): void =>
      send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
    const refuse = (status: number, message: string, code: string): void => {
      // The body is not wanted: close the connection after answering rather than read it.
      res.setHeader('Connection', 'close');
      json(status, { ok: false, error: { message, code } });
      req.resume();
    };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${scheme}://${req.headers.host?.toLowerCase()}`)
      return refuse(403, 'Forbidden', 'forbidden');
    const auth = req.headers.authorization;
    if (!tokenMatches(auth?.startsWith('Bearer ') ? auth.slice(7) : undefined, token))
      return refuse(401, 'Unauthorized', 'unauthorized');
    markAuthenticated(req.socket);
    const session = core.sessions.get(String(req.headers[BROWSER_UPLOAD_SESSION_HEADER] ?? ''));
    if (!session) return refuse(400, 'This page has no session with VirtDesk (reload it).', 'invalid-input');
    const query = browserUploadQuerySchema.safeParse(
      Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams),
    );
    if (!query.success) return refuse(400, 'The upload request is not valid.', 'invalid-input');
    const size = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(size) || size < 1)
      return refuse(411, 'The upload needs the file’s size (Content-Length).', 'invalid-input');
    // A browser that stops sending for this long is gone: the upload is cancelled (its volume deleted).
    req.socket.setTimeout(UPLOAD_IDLE_MS, () => req.destroy(new Error('the browser stopped sending')));
    const { fileName, ...input } = query.data;
    try {
      const value = await core.services.transfers.uploadFrom(
        session,
        input,
        streamSource(fileName, size, req),
      );
      json(200, { ok: true, value });
    } catch (e) {
      if (!res.writableEnded && !res.destroyed) json(200, { ok: false, error: toRemoteError(e) });
    } finally {
      // Gone already when the upload was cancelled (the request was destroyed with its socket).
      (req.socket as Socket | null)?.setTimeout(0);
    }
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req)) return send(res, 421, 'Misdirected request\n', 'text/plain; charset=utf-8');
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === BROWSER_UPLOAD_PATH)
      return handleBrowserUpload(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'Method not allowed\n', 'text/plain; charset=utf-8', { Allow: 'GET, HEAD' });
    }
    const urlPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    if (urlPath === '/ws') return send(res, 426, 'Upgrade required\n', 'text/plain; charset=utf-8');
    const rel = safeRelativePath(urlPath);
    if (!rel) return send(res, 400, 'Bad request\n', 'text/plain; charset=utf-8');
    const root = await rootDir();
    if (!root) {
      return send(
        res,
        503,
        'The VirtDesk UI is not built. Run `npm run build` first.\n',
        'text/plain; charset=utf-8',
      );
    }
    const serve = async (relPath: string): Promise<boolean> => {
      let file: string;
      try {
        file = await realpath(join(root, relPath));
      } catch {
        return false;
      }
      if (file !== root && !file.startsWith(root + sep)) return false; // symlink escaping the folder
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) return false;
      const body = await readFile(file);
      const isHtml = relPath.endsWith('.html');
      send(res, 200, body, mimeType(file), {
        'Cache-Control': isHtml ? 'no-store' : 'no-cache',
      });
      return true;
    };
    if (await serve(rel)) return;
    // SPA fallback for client-side routes (paths without a file extension).
    if (!/\.[A-Za-z0-9]+$/.test(rel) && (await serve('index.html'))) return;
    send(res, 404, 'Not found\n', 'text/plain; charset=utf-8');
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handleHttp(req, res).catch((e: unknown) => {
      console.error('virtdesk web: request failed:', e);
      if (!res.headersSent) send(res, 500, 'Internal error\n', 'text/plain; charset=utf-8');
      else res.destroy();
    });
  };
  // https.Server is an http.Server for everything used here (requests, upgrades, timeouts, close).
  const server: Server = opts.tls
    ? (createHttpsServer(
        { cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: HEADERS_TIMEOUT_MS },
        onRequest,
      ) as unknown as Server)
    : createServer(onRequest);
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  // No bound on a whole request: an upload's body (BROWSER_UPLOAD_PATH, the only route that reads one)
  // may take hours, and has its own idle timeout; the header phase stays bounded by headersTimeout.
  server.requestTimeout = 0;

  const sockets = new Set<WebSocket>();
  const pendingAuth = new Set<WebSocket>();
  /** Raw connections without an authenticated session, oldest first. */
  const unauthenticated = new Set<Duplex>();
  // With TLS, requests and upgrades see the TLS socket of 'secureConnection'.
  server.on(opts.tls ? 'secureConnection' : 'connection', (conn: Socket) => {
    unauthenticated.add(conn);
    conn.once('close', () => unauthenticated.delete(conn));
    if (unauthenticated.size > MAX_UNAUTHENTICATED_CONNECTIONS) {
      const oldest = unauthenticated.values().next().value;
      if (oldest) {
        unauthenticated.delete(oldest);
        oldest.destroy();
      }
    }
  });
  const markAuthenticated = (s: Duplex): void => {
    unauthenticated.delete(s);
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1024 * 1024 });

  const reject = (socket: Duplex, status: number, text: string): void => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://x');
    const vnc = url.pathname.startsWith('/vnc/');
    if (url.pathname !== '/ws' && !vnc) return reject(socket, 404, 'Not Found');
    if (!hostAllowed(req)) return reject(socket, 421, 'Misdirected Request');
    const origin = req.headers.origin;
    // Browsers always send Origin on WebSockets: it must be this very page. Non-browser clients send
    // none and are still held to the token.
    if (origin !== undefined && !(origin === `${scheme}://${req.headers.host?.toLowerCase()}`)) {
      return reject(socket, 403, 'Forbidden');
    }
    // A display: the VNC proxy's single-use token (issued to an authenticated session) is the key.
    if (vnc) return core.services.consoles.acceptVncUpgrade(req, socket, head);
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && !tokenMatches(queryToken, token)) return reject(socket, 401, 'Unauthorized');
    const authed = queryToken !== null;
    if (authed ? sockets.size >= MAX_SOCKETS : pendingAuth.size >= MAX_PENDING_AUTH) {
      return reject(socket, 503, 'Service Unavailable');
    }
    if (authed) markAuthenticated(socket);
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, socket, authed));
  });

  const onSocket = (ws: WebSocket, raw: Duplex, authed: boolean): void => {
    if (authed) sockets.add(ws);
    else pendingAuth.add(ws);
    let session: Session | null = null;
    let inFlight = 0;
    const sendFrame = (frame: object, sent?: (err?: Error) => void): boolean => {
      if (ws.readyState !== ws.OPEN) return false;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        ws.close(WS_CLOSE.tooSlow, 'Client too slow');
        return false;
      }
      ws.send(JSON.stringify(frame), sent);
      return true;
    };
    /**
     * Console output queued in this socket (sent, not yet written out) per console. The renderer's
     * acknowledgements pace the pty, but a client can acknowledge without reading: past
     * CONSOLE_LIMITS.queuedOutputPerConsole the console is closed with a message (the socket stays).
     */
    const consoleQueued = new Map<string, number>();
    const sendConsoleData = (s: Session, payload: EventPayload<'console.data'>): void => {
      const id = payload.sessionId;
      const queued = consoleQueued.get(id) ?? 0;
      if (queued < 0) return; // closed for not reading: drop what was still on its way
      if (queued > CONSOLE_LIMITS.queuedOutputPerConsole) {
        consoleQueued.set(id, -1);
        core.services.consoles.consoles.abort(
          s,
          id,
          `The console was closed: more than ${CONSOLE_LIMITS.queuedOutputPerConsole / 1024 / 1024} MiB ` +
            'of its output were waiting for this window to read them.',
        );
        return;
      }
      const size = payload.data.length;
      consoleQueued.set(id, queued + size);
      sendFrame({ t: 'event', name: 'console.data', payload }, () => {
        const left = (consoleQueued.get(id) ?? 0) - size;
        if (left < 0) return; // closed meanwhile: keep the marker
        if (left === 0) consoleQueued.delete(id);
        else consoleQueued.set(id, left);
      });
    };
    const startSession = (): void => {
      const s = core.openSession((name, payload) => {
        if (name === 'console.data') return sendConsoleData(s, payload as EventPayload<'console.data'>);
        // The console is gone: forget its count (callbacks still in flight find nothing to lower).
        if (name === 'console.exit')
          consoleQueued.delete((payload as EventPayload<'console.exit'>).sessionId);
        sendFrame({ t: 'event', name, payload });
      });
      session = s;
      sendFrame({ t: 'ready', sessionId: session.id });
    };
    let authTimer: NodeJS.Timeout | null = null;
    if (authed) startSession();
    else {
      authTimer = setTimeout(
        () => ws.close(WS_CLOSE.unauthorized, 'Authentication required'),
        AUTH_TIMEOUT_MS,
      );
    }
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let msg: unknown;
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(data.toString());
      } catch {
        ws.close(WS_CLOSE.badFrame, 'Frames must be JSON text');
        return;
      }
      if (!msg || typeof msg !== 'object') {
        ws.close(WS_CLOSE.badFrame, 'Bad frame');
        return;
      }
      const frame = msg as { t?: unknown; id?: unknown; name?: unknown; input?: unknown; token?: unknown };
      if (!session) {
        if (frame.t === 'auth' && tokenMatches(frame.token, token)) {
          if (authTimer) clearTimeout(authTimer);
          pendingAuth.delete(ws);
          if (sockets.size >= MAX_SOCKETS) {
            ws.close(1013, 'Too many sessions');
            return;
          }
          sockets.add(ws);
          markAuthenticated(raw);
          startSession();
        } else ws.close(WS_CLOSE.unauthorized, 'Unauthorized');
        return;
      }
      if (frame.t !== 'call') return; // ignore unknown frame types (forward compatibility)
      const id = frame.id;
      if (!(
        (typeof id === 'number' && Number.isSafeInteger(id)) ||
        (typeof id === 'string' && id.length <= 64)
      )) {
        ws.close(WS_CLOSE.badFrame, 'Bad call id');
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        sendFrame({
          t: 'result',
          id,
          ok: false,
          error: { message: 'Too many calls in flight', code: 'busy' },
        });
        return;
      }
      if (!terminal && frame.name === 'console.openHost') {
        sendFrame({ t: 'result', id, ok: false, error: HOST_TERMINAL_OFF });
        return;
      }
      inFlight++;
      const s = session as Session;
      void core.dispatch(s, frame.name, frame.input).then((r) => {
        inFlight--;
        sendFrame(
          r.ok
            ? { t: 'result', id, ok: true, value: r.value }
            : { t: 'result', id, ok: false, error: r.error },
        );
      });
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      sockets.delete(ws);
      pendingAuth.delete(ws);
      if (authTimer) clearTimeout(authTimer);
      if (session) core.closeSession(session);
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `${scheme}://${hostForUrl(host)}:${port}/?token=${token}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const ws of [...sockets, ...pendingAuth]) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (ownsCore) await core.stop();
    })());

  return { url, host, port, token, core, server, close };
}
