/**
 * The RPC core every area of the typed client (api/*.ts) builds on: one generic call of the
 * declarative procedure table (protocol/remote.ts), stream-opening calls, event message plumbing,
 * the 'close' re-emit, and the per-connection feature probes the C library also caches.
 */
import { EventEmitter } from 'node:events';
import { isReadProcedure } from './deadlines.js';
import type { CallOptions, CloseInfo } from './engine.js';
import type { Packet } from './packet.js';
import { DrvFeature, TYPED_PARAM_STRING_OKAY } from './protocol/constants.js';
import {
  procedures,
  type EventMessageName,
  type ProcArgs,
  type ProcRet,
  type ProcedureDef,
  type ProcedureName,
  type StreamKind,
} from './protocol/remote.js';
import type { LibvirtStream } from './stream.js';
import type { LibvirtClientEvents } from './types.js';
import type { XdrType, XdrValue } from './xdr/schema.js';

/** What the client needs from the wire engine (Connection of connection.ts). */
export interface WireConnection {
  call<A extends XdrType, R extends XdrType>(
    proc: number,
    argSchema: A,
    args: XdrValue<A>,
    retSchema: R,
    opts?: CallOptions,
  ): Promise<XdrValue<R>>;
  onMessage(proc: number, handler: (packet: Packet) => void): () => void;
  /** A stream-opening call; resolves once the daemon accepted it (see stream.ts for the overflow policy). */
  openStream(
    proc: number,
    argSchema: XdrType,
    args: never,
    retSchema: XdrType,
    direction: StreamKind,
  ): Promise<{ stream: LibvirtStream; ret: unknown }>;
  on(event: 'close', listener: (info: CloseInfo) => void): unknown;
  close(): Promise<void> | void;
}

/** Options of one typed call. */
export interface RpcCallOptions {
  /**
   * Deadline in ms: past it the call rejects with LibvirtCallTimeoutError ("libvirt did not answer
   * <procedure> within N s") and its late reply is dropped. 0 = no deadline, even for a read that the
   * client's read timeout would cover. Unset = the client's read timeout for reads, none otherwise.
   */
  timeoutMs?: number;
}

/** `need_results` of the ListAll calls: ask the daemon for the objects, not just their count. */
export const NEED_RESULTS = 1;

/** Callback IDs the daemon gave this connection's event registrations (kept by api/events.ts). */
export interface EventRegistrations {
  domain: Map<number, EventMessageName>;
  network: Set<number>;
  pool: Set<number>;
  /** Event messages a handler is installed for. */
  listening: Set<EventMessageName>;
}

export class RpcCore extends EventEmitter<LibvirtClientEvents> {
  protected readonly registrations: EventRegistrations = {
    domain: new Map(),
    network: new Set(),
    pool: new Set(),
    listening: new Set(),
  };
  private readonly unlisten: (() => void)[] = [];
  private closed = false;
  private hostCpus: number | undefined;
  private typedParamString: Promise<number> | undefined;
  private changeProtection: Promise<boolean> | undefined;
  /** Default deadline (ms) of read-only calls; 0 = none. */
  private readTimeoutMs = 0;

  constructor(readonly connection: WireConnection) {
    super();
    connection.on('close', (info) => {
      this.closed = true;
      for (const off of this.unlisten.splice(0)) off();
      this.emit('close', info);
    });
  }

  /** True until the connection closed (for any reason). */
  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Gives every read-only call (deadlines.ts: Get/List/Lookup/Is… procedures, the stats calls) made
   * through this client, including the typed methods of api/*.ts, a deadline of `ms`; 0 removes it.
   * Calls that change state never get it: creating or migrating a VM may take minutes. Keepalive still
   * closes the connection when the daemon goes silent for good; the deadline only bounds the wait of
   * one call, the connection stays open and a stopped daemon that resumes answers again.
   */
  setReadTimeout(ms: number): void {
    this.readTimeoutMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
  }

  /** The read deadline in ms (0 = none). */
  get readTimeout(): number {
    return this.readTimeoutMs;
  }

  /** Calls any procedure of the protocol table. */
  call<N extends ProcedureName>(name: N, args: ProcArgs<N>, opts?: RpcCallOptions): Promise<ProcRet<N>> {
    const def = procedures[name];
    const timeoutMs =
      opts?.timeoutMs ?? (this.readTimeoutMs > 0 && isReadProcedure(name) ? this.readTimeoutMs : 0);
    const argSchema = def.args as XdrType;
    const retSchema = def.ret as XdrType;
    if (timeoutMs > 0) {
      const callOpts: CallOptions = { timeoutMs, label: name };
      return this.connection.call(def.proc, argSchema, args as never, retSchema, callOpts) as Promise<
        ProcRet<N>
      >;
    }
    return this.connection.call(def.proc, argSchema, args as never, retSchema) as Promise<ProcRet<N>>;
  }

  /** Sends REMOTE_PROC_CONNECT_CLOSE and closes the transport ('close' fires with reason 'client'). */
  async close(): Promise<void> {
    await this.connection.close();
  }

  /** Starts a stream-carrying call (direction from the table); the stream is discarded if the call fails. */
  protected async callWithStream<N extends ProcedureName>(
    name: N,
    args: ProcArgs<N>,
  ): Promise<{ ret: ProcRet<N>; stream: LibvirtStream }> {
    const def = procedures[name] as ProcedureDef;
    const { stream, ret } = await this.connection.openStream(
      def.proc,
      def.args,
      args as never,
      def.ret,
      def.stream ?? 'duplex',
    );
    return { ret: ret as ProcRet<N>, stream };
  }

  /** Listens to MESSAGE packets of `proc` until the connection closes. */
  protected onWireMessage(proc: number, handler: (packet: Packet) => void): void {
    this.unlisten.push(this.connection.onMessage(proc, handler));
  }

  /** Number of host CPUs (the length of CPU bitmaps), asked once. */
  protected async hostCpuCount(): Promise<number> {
    this.hostCpus ??= (await this.call('nodeGetInfo', undefined)).cpus;
    return this.hostCpus;
  }

  /** VIR_TYPED_PARAM_STRING_OKAY when the driver supports string parameters (as the C API adds it). */
  protected stringOkay(): Promise<number> {
    this.typedParamString ??= this.supportsFeature(DrvFeature.TYPED_PARAM_STRING).then((ok) =>
      ok ? TYPED_PARAM_STRING_OKAY : 0,
    );
    return this.typedParamString;
  }

  /** Whether the source may protect the domain's definition during a migration (as virDomainMigrate3). */
  protected supportsChangeProtection(): Promise<boolean> {
    this.changeProtection ??= this.supportsFeature(DrvFeature.MIGRATE_CHANGE_PROTECTION);
    return this.changeProtection;
  }

  private supportsFeature(feature: number): Promise<boolean> {
    return this.call('connectSupportsFeature', { feature }).then(
      (r) => r.supported !== 0,
      () => false,
    );
  }
}
