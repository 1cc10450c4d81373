import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  connectionSchema,
  DEFAULT_CONNECTIONS,
  type Connection,
  type ConnectionEntry,
  type ConnectionState,
  type ConnectionStatus,
} from '../../shared/model/index.js';
import { CoreError } from '../base/errors.js';
import type { OpenConnectionFn } from '../base/connections.js';
import { readJson, SerialWriter } from '../base/config.js';
import { parseLibvirtUri, redactUri, type CloseInfo, type LibvirtClient } from '../libvirt/index.js';

const fileSchema = z.object({ version: z.literal(1), connections: z.array(z.unknown()) });

export interface ReconnectPolicy {
  /** First retry delay (ms); doubled after each failure. */
  initialMs: number;
  /** Upper bound of the delay (ms). */
  maxMs: number;
  /**
   * Upper bound for a daemon on this machine (a unix socket): trying one costs a failed connect() and
   * nothing else, so a restarted local daemon is picked up within this long of its return, however long
   * it was away. Remote hosts (ssh, tls, tcp) keep backing off to `maxMs`.
   */
  localMaxMs?: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { initialMs: 1000, maxMs: 30_000, localMaxMs: 1000 };

/** A connection to a daemon on this machine (its unix socket), as opposed to a remote host. */
const isLocalUri = (uri: string): boolean => {
  try {
    return parseLibvirtUri(uri).transport === 'unix';
  } catch {
    return false;
  }
};

/** Delay before retry number `attempt` (1-based): 1s, 2s, 4s, … capped at 30s. */
export const backoffDelay = (attempt: number, policy: ReconnectPolicy = DEFAULT_RECONNECT): number =>
  Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));

interface Live {
  conn: Connection;
  state: ConnectionState;
  reason: string | null;
  since: number;
  attempt: number;
  nextRetryAt: number | null;
  hostname: string | null;
  client: LibvirtClient | null;
  /** The user (or autoconnect) wants this connection up: reconnect when it drops. */
  wanted: boolean;
  timer: NodeJS.Timeout | null;
  connecting: Promise<void> | null;
  /** Bumped on every connect/disconnect so stale async results are dropped. */
  generation: number;
  /** Connected since it was last asked for: a failure now is "lost", not "could not connect". */
  wasConnected: boolean;
}

/** Two URIs name the same connection when they differ only in surrounding blanks or a trailing slash. */
export const sameUri = (a: string, b: string): boolean => {
  const norm = (u: string): string => u.trim().replace(/\/+$/, '');
  return norm(a) === norm(b);
};

export interface ConnectionManagerEvents {
  /** Saved list changed. */
  changed: [];
  status: [ConnectionStatus];
  /** A connection became connected (the client is subscribed to domain events already). */
  connected: [id: string, client: LibvirtClient];
  /** A connection was lost or closed; its client must not be used any more. */
  disconnected: [id: string, reason: string | null];
}

const describeClose = (info: CloseInfo): string => {
  if (info.error?.message) return info.error.message;
  switch (info.reason) {
    case 'eof':
      return 'The libvirt daemon closed the connection';
    case 'keepalive':
      return 'The libvirt daemon stopped answering (keepalive timeout)';
    case 'client':
      return 'Disconnected';
    default:
      return `Connection lost (${info.reason})`;
  }
};

/**
 * Saved connections (connections.json) and their live libvirt clients: connect/disconnect, autoconnect,
 * automatic reconnection with exponential backoff when the daemon goes away.
 */
export class ConnectionManager extends EventEmitter<ConnectionManagerEvents> {
  private readonly live = new Map<string, Live>();
  private readonly file: string;
  private readonly writer: SerialWriter;
  private stopped = false;
  /** No connections.json was found: autoconnect brings up the local connection once. */
  private firstRun = false;

  constructor(
    readonly configDir: string,
    private readonly openConnection: OpenConnectionFn,
    private readonly policy: ReconnectPolicy = DEFAULT_RECONNECT,
  ) {
    super();
    this.file = join(configDir, 'connections.json');
    this.writer = new SerialWriter(this.file);
  }

  /**
   * Load connections.json. On first run (no file) the two local QEMU connections are saved but not
   * autoconnected: connecting to qemu:///system may need polkit authentication or group membership, so we
   * let the user choose (and tick "connect automatically") instead of greeting them with errors/prompts.
   */
  async load(): Promise<void> {
    let raw: unknown;
    try {
      raw = await readJson(this.file);
    } catch (e) {
      const backup = `${this.file}.corrupt-${Date.now()}`;
      console.warn(`virtdesk: ${this.file} is not valid JSON (${(e as Error).message}); moved to ${backup}`);
      await rename(this.file, backup).catch(() => undefined);
      raw = undefined;
    }
    const conns: Connection[] = [];
    if (raw === undefined) {
      for (const d of DEFAULT_CONNECTIONS) conns.push({ id: randomUUID(), ...d });
    } else {
      const parsed = fileSchema.safeParse(raw);
      if (parsed.success) {
        const seen = new Set<string>();
        for (const c of parsed.data.connections) {
          const r = connectionSchema.safeParse(c);
          if (r.success && !seen.has(r.data.id)) {
            seen.add(r.data.id);
            conns.push(r.data);
          } else {
            const why = r.success ? 'duplicate id' : r.error.issues.map((i) => i.message).join('; ');
            console.warn(`virtdesk: ignoring invalid saved connection: ${why}`, redactUri(JSON.stringify(c)));
          }
        }
      } else console.warn(`virtdesk: ignoring unreadable ${this.file}`);
    }
    for (const c of conns) this.live.set(c.id, this.newLive(c));
    this.firstRun = raw === undefined;
    if (raw === undefined) await this.save();
  }

  /**
   * Connect every connection marked autoconnect (in the background; failures schedule retries). On a first
   * run, bring up the local system connection instead, or the user session when this user may not use the
   * system daemon; the one that connects is marked autoconnect so the next start finds it up too.
   */
  autoconnect(): Promise<void> {
    if (this.firstRun) {
      this.firstRun = false;
      return this.firstRunConnect();
    }
    for (const l of this.live.values()) {
      if (l.conn.autoconnect) this.connect(l.conn.id, { retryOnFailure: true }).catch(() => undefined);
    }
    return Promise.resolve();
  }

  private async firstRunConnect(): Promise<void> {
    for (const d of DEFAULT_CONNECTIONS) {
      const l = [...this.live.values()].find((x) => sameUri(x.conn.uri, d.uri));
      if (!l) continue;
      try {
        await this.connect(l.conn.id);
      } catch {
        // Not reachable or not allowed: a newcomer is not greeted with that error when the next one works.
        continue;
      }
      for (const other of this.live.values()) {
        if (other !== l && other.state === 'disconnected' && other.reason !== null) {
          this.setState(other, 'disconnected', null);
        }
      }
      await this.update({ id: l.conn.id, autoconnect: true }).catch(() => undefined);
      return;
    }
  }

  private newLive(conn: Connection): Live {
    return {
      conn,
      state: 'disconnected',
      reason: null,
      since: Date.now(),
      attempt: 0,
      nextRetryAt: null,
      hostname: null,
      client: null,
      wanted: false,
      timer: null,
      connecting: null,
      generation: 0,
      wasConnected: false,
    };
  }

  private async save(): Promise<void> {
    const data = { version: 1, connections: [...this.live.values()].map((l) => l.conn) };
    await this.writer.write(JSON.stringify(data, null, 2) + '\n');
  }

  private get(id: string): Live {
    const l = this.live.get(id);
    if (!l) throw new CoreError('not-found', `No such connection: ${id}`);
    return l;
  }

  private statusOf(l: Live): ConnectionStatus {
    return {
      id: l.conn.id,
      state: l.state,
      reason: l.reason,
      nextRetryAt: l.nextRetryAt,
      attempt: l.attempt,
      since: l.since,
      hostname: l.hostname,
      wasConnected: l.wasConnected,
    };
  }

  private setState(l: Live, state: ConnectionState, reason: string | null): void {
    l.state = state;
    l.reason = reason;
    l.since = Date.now();
    if (state !== 'reconnecting') l.nextRetryAt = null;
    if (state !== 'connected') l.hostname = state === 'disconnected' ? null : l.hostname;
    this.emit('status', this.statusOf(l));
  }

  list(): ConnectionEntry[] {
    return [...this.live.values()].map((l) => ({ ...l.conn, status: this.statusOf(l) }));
  }

  entry(id: string): ConnectionEntry {
    const l = this.get(id);
    return { ...l.conn, status: this.statusOf(l) };
  }

  status(id?: string): ConnectionStatus[] {
    if (id !== undefined) return [this.statusOf(this.get(id))];
    return [...this.live.values()].map((l) => this.statusOf(l));
  }

  has(id: string): boolean {
    return this.live.has(id);
  }

  /** The live client of a connected connection; throws `not-connected` otherwise. For E/F's services too. */
  getClient(id: string): LibvirtClient {
    const l = this.get(id);
    if (l.state !== 'connected' || !l.client) {
      throw new CoreError('not-connected', `Connection "${l.conn.name}" is not connected`);
    }
    return l.client;
  }

  /** Connected connection ids. */
  connectedIds(): string[] {
    return [...this.live.values()].filter((l) => l.state === 'connected').map((l) => l.conn.id);
  }

  /** Refuses a URI that is already saved (under another id), naming the saved connection. */
  private refuseDuplicate(uri: string, except?: string): void {
    for (const l of this.live.values()) {
      if (l.conn.id !== except && sameUri(l.conn.uri, uri)) {
        throw new CoreError(
          'duplicate',
          `This connection is already saved as “${l.conn.name}”.`,
          undefined,
          undefined,
          l.conn.id,
        );
      }
    }
  }

  /**
   * Save a new connection. With `connect`, it is saved only once it has connected: a URI that does not
   * work rejects with libvirt's error and nothing is saved (the user may then save it anyway, without
   * `connect`). A URI already saved is refused with `duplicate` naming the saved one.
   */
  async add(
    input: { name: string; uri: string; autoconnect: boolean },
    opts: { connect?: boolean } = {},
  ): Promise<ConnectionEntry> {
    const conn = connectionSchema.parse({ id: randomUUID(), ...input });
    this.refuseDuplicate(conn.uri);
    let client: LibvirtClient | null = null;
    if (opts.connect) {
      try {
        client = await this.openConnection(conn.uri);
      } catch (e) {
        if (e instanceof Error) e.message = redactUri(e.message);
        throw e;
      }
      try {
        // Another add of the same URI may have finished while this one was connecting.
        this.refuseDuplicate(conn.uri);
      } catch (e) {
        await Promise.resolve(client.close()).catch(() => undefined);
        throw e;
      }
    }
    this.live.set(conn.id, this.newLive(conn));
    await this.save();
    this.emit('changed');
    if (client) {
      const l = this.get(conn.id);
      l.wanted = true;
      await this.attempt(l, false, client);
    }
    return this.entry(conn.id);
  }

  async update(input: {
    id: string;
    name?: string;
    uri?: string;
    autoconnect?: boolean;
  }): Promise<ConnectionEntry> {
    const l = this.get(input.id);
    if (input.uri !== undefined) this.refuseDuplicate(input.uri, l.conn.id);
    const uriChanged = input.uri !== undefined && input.uri !== l.conn.uri;
    l.conn = connectionSchema.parse({
      ...l.conn,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.uri !== undefined ? { uri: input.uri } : {}),
      ...(input.autoconnect !== undefined ? { autoconnect: input.autoconnect } : {}),
    });
    await this.save();
    this.emit('changed');
    if (uriChanged && l.wanted) {
      await this.disconnect(l.conn.id);
      this.connect(l.conn.id).catch(() => undefined);
    }
    return this.entry(l.conn.id);
  }

  async remove(id: string): Promise<boolean> {
    if (!this.live.has(id)) return false;
    await this.disconnect(id);
    this.live.delete(id);
    await this.save();
    this.emit('changed');
    return true;
  }

  /**
   * Connect. Resolves when connected; rejects with libvirt's error when it fails (the status then says
   * 'disconnected' with that reason, or 'reconnecting' when `retryOnFailure`).
   */
  async connect(id: string, opts: { retryOnFailure?: boolean } = {}): Promise<ConnectionStatus> {
    const l = this.get(id);
    l.wanted = true;
    if (l.state === 'connected') return this.statusOf(l);
    if (l.connecting) {
      await l.connecting;
      return this.statusOf(l);
    }
    // "Reconnect now" on a connection that is retrying by itself: a failure keeps it retrying, and a
    // connection that was lost stays "lost" (only a disconnect resets that).
    const retrying = l.state === 'reconnecting';
    this.clearTimer(l);
    l.attempt = 0;
    await this.attempt(l, opts.retryOnFailure ?? retrying); // records the outcome in the status
    return this.statusOf(l);
  }

  private clearTimer(l: Live): void {
    if (l.timer) clearTimeout(l.timer);
    l.timer = null;
    l.nextRetryAt = null;
  }

  /**
   * One connection attempt (with `opened`: set up a client opened already). On failure: schedule a retry
   * when `retry`, and rethrow.
   */
  private attempt(l: Live, retry: boolean, opened?: LibvirtClient): Promise<void> {
    const gen = ++l.generation;
    if (l.state !== 'reconnecting') this.setState(l, 'connecting', null);
    const p = (async () => {
      let client: LibvirtClient | null = null;
      try {
        client = opened ?? (await this.openConnection(l.conn.uri));
        if (gen !== l.generation || this.stopped || !this.live.has(l.conn.id)) {
          await Promise.resolve(client.close()).catch(() => undefined);
          throw new CoreError('connection', 'Connection attempt cancelled');
        }
        const c = client;
        c.on('close', (info) => this.onClose(l, c, info));
        await c.subscribeDomainEvents();
        const hostname = await c.connectGetHostname().catch(() => null);
        if (gen !== l.generation) {
          await Promise.resolve(c.close()).catch(() => undefined);
          throw new CoreError('connection', 'Connection attempt cancelled');
        }
        if (!c.isOpen) throw new CoreError('connection', 'The connection closed while it was being set up');
        l.client = c;
        l.hostname = hostname;
        l.attempt = 0;
        l.wasConnected = true;
        this.setState(l, 'connected', null);
        this.emit('connected', l.conn.id, c);
      } catch (e) {
        if (client && l.client !== client) await Promise.resolve(client.close()).catch(() => undefined);
        if (gen !== l.generation) throw e;
        // Saved URIs cannot carry passwords, but a message may quote any URI: never echo a password.
        const reason = redactUri(e instanceof Error ? e.message : String(e));
        if (e instanceof Error) e.message = redactUri(e.message);
        if (retry && l.wanted && !this.stopped) this.scheduleRetry(l, reason);
        else {
          l.wanted = false;
          this.setState(l, 'disconnected', reason);
        }
        throw e;
      }
    })();
    l.connecting = p;
    const done = (): void => {
      if (l.connecting === p) l.connecting = null;
    };
    p.then(done, done);
    return p;
  }

  private scheduleRetry(l: Live, reason: string | null): void {
    this.clearTimer(l);
    l.attempt += 1;
    const delay = Math.min(
      backoffDelay(l.attempt, this.policy),
      isLocalUri(l.conn.uri) ? (this.policy.localMaxMs ?? 1000) : Infinity,
    );
    l.nextRetryAt = Date.now() + delay;
    this.setState(l, 'reconnecting', reason);
    l.nextRetryAt = Date.now() + delay;
    l.timer = setTimeout(() => {
      l.timer = null;
      if (!l.wanted || this.stopped) return;
      this.attempt(l, true).catch(() => undefined);
    }, delay);
    l.timer.unref?.();
  }

  private onClose(l: Live, client: LibvirtClient, info: CloseInfo): void {
    if (l.client !== client) return; // an old client, or we closed it ourselves
    l.client = null;
    l.generation++;
    const reason = info.reason === 'client' ? null : describeClose(info);
    this.setState(l, 'disconnected', reason);
    this.emit('disconnected', l.conn.id, reason);
    if (l.wanted && !this.stopped && info.reason !== 'client') this.scheduleRetry(l, reason);
  }

  /** Disconnect and stop reconnecting. */
  async disconnect(id: string): Promise<ConnectionStatus> {
    const l = this.get(id);
    l.wanted = false;
    l.generation++;
    this.clearTimer(l);
    l.attempt = 0;
    l.wasConnected = false;
    const client = l.client;
    l.client = null;
    const wasUp = l.state !== 'disconnected';
    if (wasUp) {
      this.setState(l, 'disconnected', null);
      if (client) this.emit('disconnected', id, null);
    }
    if (client) await Promise.resolve(client.close()).catch(() => undefined);
    return this.statusOf(l);
  }

  /** Disconnect everything (app exit). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.live.keys()].map((id) => this.disconnect(id).catch(() => undefined)));
    await this.writer.flush();
  }
}
