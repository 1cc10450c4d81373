import {
  calls,
  events,
  isCallName,
  type CallName,
  type EventName,
  type EventPayload,
  type RemoteError,
} from '../../shared/contract/index.js';
import {
  DEFAULT_RECONNECT,
  type ConnectionManager,
  type ReconnectPolicy,
} from '../connections/connection-manager.js';
import { resolveConfigDir } from '../base/config.js';
import type { OpenConnectionFn } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import { inputRefusal, toRemoteError, zodIssues } from './errors.js';
import { createHandlers, type AnyHandler } from './handlers.js';
import { openConnection, type LibvirtClient } from '../libvirt/index.js';
import { createServices, type Services } from './services.js';
import { Session, SessionRegistry, type EventSink } from './sessions.js';
import type { VmService } from '../vms/vm-service.js';

export interface CoreOptions {
  /** Settings folder; default `$VIRTDESK_CONFIG_DIR`, `$XDG_CONFIG_HOME/virtdesk` or `~/.config/virtdesk`. */
  configDir?: string;
  /** Opens a libvirt connection; default: the wire client's `openConnection` (electron/libvirt). */
  openConnection?: OpenConnectionFn;
  /** Validate handler outputs and pushed events against the contract (default: NODE_ENV !== 'production'). */
  validateOutput?: boolean;
  reconnect?: ReconnectPolicy;
  /** Connect the autoconnect connections on start (default true). */
  autoconnect?: boolean;
  /** How long a guest may take to shut down before Force Off is offered (ms; default 60 s; tests: less). */
  shutdownGraceMs?: number;
}

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: RemoteError };

/**
 * How long the UI waits for libvirt to answer a read (a lookup, list, XML or stats call) before it says the
 * host is not answering: a stopped or wedged daemon must not leave a page spinning forever. Calls that
 * change state (create, migrate, …) keep no deadline; keepalive still ends a dead connection.
 */
export const UI_READ_TIMEOUT_MS = 30_000;

const defaultOpen: OpenConnectionFn = (uri) => openConnection(uri, { readTimeoutMs: UI_READ_TIMEOUT_MS });

/**
 * The plain-Node core of the main process: contract dispatch, sessions (renderers), connections and VMs.
 * Electron (main.ts) and web mode (web/server.ts) are thin transports over `openSession` + `dispatch`.
 */
export class Core {
  readonly configDir: string;
  /** Every feature service, created and wired by the composition root (services.ts). */
  readonly services: Services;
  readonly sessions = new SessionRegistry();
  private readonly handlers: Record<string, AnyHandler>;
  private readonly validateOutput: boolean;
  private readonly stopServices: () => Promise<void>;
  private started = false;

  constructor(private readonly options: CoreOptions = {}) {
    this.configDir = options.configDir ?? resolveConfigDir();
    this.validateOutput = options.validateOutput ?? process.env.NODE_ENV !== 'production';
    const composition = createServices(
      {
        configDir: this.configDir,
        openConnection: options.openConnection ?? defaultOpen,
        reconnect: options.reconnect ?? DEFAULT_RECONNECT,
        shutdownGraceMs: options.shutdownGraceMs,
      },
      (name, payload) => this.broadcast(name, payload),
    );
    this.services = composition.services;
    this.stopServices = composition.stop;
    this.handlers = createHandlers(this.services) as unknown as Record<string, AnyHandler>;
  }

  /** The saved connections (a shortcut to `services.connections`). */
  get connections(): ConnectionManager {
    return this.services.connections;
  }

  /** The VM cache (a shortcut to `services.vms`). */
  get vms(): VmService {
    return this.services.vms;
  }

  /** Load saved connections and start autoconnecting (does not wait for connections). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.connections.load();
    if (this.options.autoconnect ?? true) void this.connections.autoconnect();
  }

  /** The live libvirt client of a connected connection (throws `not-connected`). For feature services. */
  getClient(connectionId: string): LibvirtClient {
    return this.connections.getClient(connectionId);
  }

  /** A renderer connected (Electron window / WebSocket). `sink` delivers pushed events to it. */
  openSession(sink: EventSink): Session {
    return this.sessions.open(sink);
  }

  closeSession(session: Session | string): void {
    this.sessions.close(session);
  }

  /** Push an event to every renderer. */
  broadcast<N extends EventName>(name: N, payload: EventPayload<N>): void {
    if (this.validateOutput) {
      const r = events[name].safeParse(payload);
      if (!r.success) {
        console.error(`virtdesk: event ${name} does not match the contract:`, r.error.issues);
        return;
      }
    }
    for (const s of this.sessions.all()) s.send(name, payload);
  }

  /** Validate and run one call. Never throws: errors become `{ ok: false, error: RemoteError }`. */
  async dispatch(session: Session, name: unknown, rawInput: unknown): Promise<DispatchResult> {
    if (!isCallName(name)) {
      const shown = typeof name === 'string' ? name.slice(0, 100) : typeof name;
      return { ok: false, error: { message: `Unknown call: ${shown}`, code: 'unknown-call' } };
    }
    const spec = calls[name as CallName];
    const parsed = spec.input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      return {
        ok: false,
        error: {
          // A sentence for a person, never a schema path: a refinement's own sentence (written for people,
          // e.g. the refused password in a URI), else a plain one; the paths stay in `issues`, where forms
          // put them on their fields.
          message: inputRefusal(parsed.error),
          code: 'invalid-input',
          issues,
        },
      };
    }
    const handler = this.handlers[name];
    if (!handler) return { ok: false, error: { message: `No handler for ${name}`, code: 'internal' } };
    try {
      const value = await handler(parsed.data, { session });
      if (this.validateOutput) {
        const out = spec.output.safeParse(value);
        if (!out.success) {
          console.error(`virtdesk: output of ${name} does not match the contract:`, out.error.issues);
          throw new CoreError(
            'internal',
            `Internal error: the result of ${name} is malformed`,
            zodIssues(out.error),
          );
        }
      }
      return { ok: true, value: value ?? null };
    } catch (e) {
      const error = toRemoteError(e);
      if (error.code === 'internal') console.error(`virtdesk: ${name} failed:`, e);
      return { ok: false, error };
    }
  }

  async stop(): Promise<void> {
    this.sessions.closeAll();
    await this.stopServices();
  }
}
