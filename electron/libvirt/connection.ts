/**
 * `openConnection(uri)`: transport + call engine + authentication + REMOTE_PROC_CONNECT_OPEN +
 * keepalive, exposed as the generic `Connection` that the typed client (client.ts) builds on.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { Engine, type CallOptions, type CloseInfo } from './engine.js';
import { LibvirtConnectionError, LibvirtError } from './errors.js';
import { Keepalive } from './keepalive.js';
import { REMOTE_PROGRAM, type Packet } from './packet.js';
import { LibvirtStream, type LibvirtStreamOptions } from './stream.js';
import { openTransport, type TransportOptions } from './transport.js';
import { withTimeout } from './timeout.js';
import { daemonUriName, parseLibvirtUri, uriParam } from './uri.js';
import { decode } from './xdr/codec.js';
import { array, int, optional, string, struct, uhyper, uint, voidT } from './xdr/schema.js';
import type { XdrType, XdrValue } from './xdr/schema.js';

/** Procedures the engine itself needs (numbers from src/remote/remote_protocol.x). */
export const WireProc = {
  CONNECT_OPEN: 1,
  CONNECT_CLOSE: 2,
  CONNECT_GET_VERSION: 4,
  CONNECT_SUPPORTS_FEATURE: 60,
  AUTH_LIST: 66,
  AUTH_POLKIT: 70,
} as const;

const REMOTE_STRING_MAX = 4194304;
const REMOTE_AUTH_TYPE_LIST_MAX = 20;
const AUTH_NONE = 0;
const AUTH_SASL = 1;
const AUTH_POLKIT = 2;
const VIR_CONNECT_RO = 1;
const VIR_DRV_FEATURE_PROGRAM_KEEPALIVE = 10;

const connectOpenArgs = struct({ name: optional(string(REMOTE_STRING_MAX)), flags: uint });
const supportsFeatureArgs = struct({ feature: int });
const supportsFeatureRet = struct({ supported: int });
const authListRet = struct({ types: array(int, REMOTE_AUTH_TYPE_LIST_MAX) });
const authPolkitRet = struct({ complete: int });
export const connectGetVersionRet = struct({ hv_ver: uhyper });

export interface OpenOptions extends TransportOptions {
  /** Open read-only (VIR_CONNECT_RO and the read-only socket). */
  readOnly?: boolean;
  /** Seconds between our keepalive pings when idle (default 5); 0 disables our pings. */
  keepaliveInterval?: number;
  /** Missed intervals before the daemon is declared dead (default 5). */
  keepaliveCount?: number;
  /** Calls in flight at once (default 5, libvirtd's max_client_requests). */
  maxInFlight?: number;
  /** Upper bound for authentication + CONNECT_OPEN once the transport is up (ms, default 30000). */
  handshakeTimeout?: number;
}

export type MessageHandler = (packet: Packet) => void;

/**
 * One open libvirt connection. Events: 'close' (CloseInfo, once), 'listenerError' (a message
 * handler threw).
 */
export class Connection extends EventEmitter {
  private closing: Promise<void> | null = null;
  private daemonClosed = false;

  constructor(
    readonly engine: Engine,
    readonly keepalive: Keepalive,
    /** The URI as given. */
    readonly uri: string,
    /** The name the daemon was asked to open. */
    readonly daemonUri: string,
  ) {
    super();
    engine.once('close', (info: CloseInfo) => this.emit('close', info));
    engine.on('listenerError', (err: unknown) => this.emit('listenerError', err));
  }

  get closed(): boolean {
    return this.engine.closed;
  }

  /** Generic call of the remote program; the reply is decoded with `retSchema`. */
  call<A extends XdrType, R extends XdrType>(
    proc: number,
    argSchema: A,
    args: XdrValue<A>,
    retSchema: R,
    opts?: CallOptions,
  ): Promise<XdrValue<R>> {
    const ret = this.engine.call(proc, argSchema, args, retSchema, opts);
    // The hot path hands the engine's promise through; only CONNECT_CLOSE needs a continuation.
    if (proc !== WireProc.CONNECT_CLOSE || (opts?.prog ?? REMOTE_PROGRAM) !== REMOTE_PROGRAM) return ret;
    return ret.then((value) => {
      this.daemonClosed = true;
      return value;
    });
  }

  /** Listens to events (MESSAGE packets) of a remote procedure; returns the unsubscribe function. */
  onMessage(proc: number, handler: MessageHandler): () => void {
    return this.engine.onMessage(proc, handler);
  }

  /** Listens to events and decodes their payload with `schema`. Decode failures go to 'listenerError'. */
  onEvent<T extends XdrType>(proc: number, schema: T, handler: (msg: XdrValue<T>) => void): () => void {
    return this.engine.onMessage(proc, (packet) => handler(decode(schema, packet.payload)));
  }

  /**
   * Performs a stream-opening call (domainOpenConsole, storageVolUpload/Download, domainScreenshot)
   * and resolves with the stream once the daemon accepted it. `direction` picks the overflow policy
   * for unread incoming data: 'duplex' (console) aborts, 'read'/'write' pause the connection.
   */
  async openStream<A extends XdrType, R extends XdrType>(
    proc: number,
    argSchema: A,
    args: XdrValue<A>,
    retSchema: R,
    direction: 'read' | 'write' | 'duplex' = 'duplex',
    streamOpts: LibvirtStreamOptions = {},
  ): Promise<{ stream: LibvirtStream; ret: XdrValue<R> }> {
    // Downloads must not lose data (pause the connection when the reader lags); an interactive
    // console must not stall the connection (abort it instead). See stream.ts.
    const overflow = streamOpts.overflow ?? (direction === 'duplex' ? 'abort' : 'pause');
    const stream = new LibvirtStream({ ...streamOpts, overflow });
    try {
      const ret = await this.engine.call(proc, argSchema, args, retSchema, { stream });
      return { stream, ret };
    } catch (err) {
      stream.discard();
      throw err;
    }
  }

  /** REMOTE_PROC_CONNECT_GET_VERSION, handy for liveness checks. */
  async getVersion(): Promise<bigint> {
    return (await this.call(WireProc.CONNECT_GET_VERSION, voidT, undefined, connectGetVersionRet)).hv_ver;
  }

  /** Sends REMOTE_PROC_CONNECT_CLOSE (unless already done) and closes the transport. */
  close(): Promise<void> {
    if (!this.closing) this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.keepalive.stop();
    if (this.engine.closed) return;
    if (!this.daemonClosed) {
      try {
        await withTimeout(this.call(WireProc.CONNECT_CLOSE, voidT, undefined, voidT), 5000, 'connectClose');
      } catch {
        // The daemon may be gone already; closing the socket is all that is left to do.
      }
    }
    this.engine.end();
  }
}

/** Authenticates the way the daemon asks: none or polkit; SASL is refused with a clear error. */
async function authenticate(engine: Engine, uri: string, requested: string | undefined): Promise<void> {
  const { types } = await engine.call(WireProc.AUTH_LIST, voidT, undefined, authListRet);
  if (types.length === 0 || types.includes(AUTH_NONE)) return;
  if (types.includes(AUTH_POLKIT) && (requested === undefined || requested === 'polkit')) {
    const { complete } = await engine.call(WireProc.AUTH_POLKIT, voidT, undefined, authPolkitRet);
    if (complete !== 1) throw new LibvirtConnectionError(`polkit authentication for ${uri} did not complete`);
    return;
  }
  if (types.includes(AUTH_SASL)) {
    throw new LibvirtConnectionError(
      `${uri} requires SASL authentication, which VirtDesk does not support; ` +
        'use a UNIX socket (polkit) or ssh connection instead',
    );
  }
  throw new LibvirtConnectionError(`${uri} offers no supported authentication method (${types.join(', ')})`);
}

/** Wraps an already open byte stream (tests, custom transports) without authenticating. */
export function connectionOverSocket(
  socket: Duplex,
  opts: Pick<OpenOptions, 'maxInFlight' | 'keepaliveInterval' | 'keepaliveCount'> & { uri?: string } = {},
): Connection {
  const engine = new Engine(socket, { maxInFlight: opts.maxInFlight });
  const keepalive = new Keepalive(engine, { interval: opts.keepaliveInterval, count: opts.keepaliveCount });
  return new Connection(engine, keepalive, opts.uri ?? '', opts.uri ?? '');
}

/** Opens, authenticates and starts keepalive; rejects with LibvirtError/LibvirtConnectionError. */
export async function openConnection(uri: string, opts: OpenOptions = {}): Promise<Connection> {
  const parsed = parseLibvirtUri(uri);
  const socket = await openTransport(parsed, opts);
  const engine = new Engine(socket, { maxInFlight: opts.maxInFlight });
  const interval = opts.keepaliveInterval ?? 5;
  // Always constructed: the daemon's PINGs must be answered even when our own pings are disabled.
  const keepalive = new Keepalive(engine, { interval: interval || 5, count: opts.keepaliveCount });
  const name = daemonUriName(parsed);
  const conn = new Connection(engine, keepalive, uri, name);
  // A daemon that accepts but never answers (frozen, or a stuck ssh session) must not hang us:
  // closing the engine rejects the pending handshake call.
  const handshakeMs = opts.handshakeTimeout ?? 30_000;
  const timer = setTimeout(
    () =>
      engine.close(
        'error',
        new LibvirtConnectionError(
          `timed out after ${handshakeMs} ms waiting for libvirt to answer on ${uri}`,
        ),
      ),
    handshakeMs,
  );
  timer.unref();
  try {
    await authenticate(engine, uri, uriParam(parsed, 'auth'));
    // Asked before CONNECT_OPEN, as libvirt's remote driver does.
    const { supported } = await engine.call(
      WireProc.CONNECT_SUPPORTS_FEATURE,
      supportsFeatureArgs,
      { feature: VIR_DRV_FEATURE_PROGRAM_KEEPALIVE },
      supportsFeatureRet,
    );
    await engine.call(
      WireProc.CONNECT_OPEN,
      connectOpenArgs,
      { name, flags: opts.readOnly ? VIR_CONNECT_RO : 0 },
      voidT,
    );
    if (supported === 1 && interval > 0) keepalive.start();
    return conn;
  } catch (err) {
    engine.close('client');
    if (err instanceof LibvirtError || err instanceof LibvirtConnectionError) throw err;
    throw new LibvirtConnectionError(`cannot open ${uri}: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
