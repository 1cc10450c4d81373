/**
 * The call engine: multiplexes RPC calls, events and streams over one byte stream (UNIX socket or
 * an ssh child's stdio).
 *
 * - Every call gets a serial; replies are matched by serial, so they may arrive in any order.
 * - At most `maxInFlight` calls are outstanding (libvirtd's `max_client_requests` defaults to 5;
 *   the daemon stops reading our socket beyond it, so queueing here keeps small calls responsive).
 * - When the transport dies, every pending call rejects at once and 'close' fires exactly once.
 * - A call may carry a deadline (`timeoutMs`): past it, the caller gets a LibvirtCallTimeoutError. A
 *   call that was already sent keeps its in-flight slot until its late reply arrives (the daemon is
 *   still working on it and counts it against max_client_requests); that reply is then dropped.
 *   Keepalive stays the judge of the connection itself: a deadline never closes it.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { LibvirtCallTimeoutError, LibvirtConnectionError, ProtocolError, XdrError } from './errors.js';
import {
  FrameReassembler,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  decodePacket,
  decodeRemoteError,
  encodePacket,
  encodeStreamPacket,
  type Packet,
  type PacketHeader,
} from './packet.js';
import { decode } from './xdr/codec.js';
import type { XdrType, XdrValue } from './xdr/schema.js';

export type CloseReason = 'eof' | 'keepalive' | 'error' | 'client';

export interface CloseInfo {
  reason: CloseReason;
  error?: Error;
}

/** Receiver of the STREAM packets that follow a stream-opening call. */
export interface StreamSink {
  /** The serial of the call (and of every packet of the stream). */
  attach(engine: Engine, serial: number, prog: number, vers: number, proc: number): void;
  /**
   * A packet of the stream. Its payload is valid only during this call: the memory is reused for
   * later reads (socket-reads.ts), so what is kept must be copied or borrowed (borrowRead).
   */
  onPacket(packet: Packet): void;
  /** The opening call succeeded (called just before its promise resolves). */
  activate(): void;
  /** The opening call failed: the daemon has no such stream, so nothing must be sent for it. */
  openFailed(): void;
  /** The connection went away. */
  onConnectionClosed(error: Error): void;
}

export interface EngineOptions {
  /** Calls outstanding at once; more are queued (libvirtd's max_client_requests default: 5). */
  maxInFlight?: number;
}

export interface CallOptions {
  prog?: number;
  vers?: number;
  /** Registers a stream that shares the call's serial (domainOpenConsole, volume upload…). */
  stream?: StreamSink;
  /**
   * Deadline in ms, counted from the call (queued time included); unset or 0 = wait as long as the
   * connection lives (the default: migrations and creates may legitimately take minutes). A deadline
   * that passes while we ourselves do not read the socket (a download's consumer lags, see stream.ts)
   * is postponed until we read again: the reply may be sitting unread on our side.
   */
  timeoutMs?: number;
  /** Name of the call in error messages (the procedure name); defaults to "procedure <number>". */
  label?: string;
}

/** Sees a packet whose payload is valid only during the call (see StreamSink.onPacket): copy to keep. */
type MessageHandler = (packet: Packet) => void;

interface PendingCall {
  serial: number;
  frame: Buffer;
  retSchema: XdrType;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** The caller got its answer (reply, error or deadline); a later reply is only bookkeeping. */
  settled: boolean;
  timer?: NodeJS.Timeout;
  /** For a stream-opening call: what an abort of the stream must carry. */
  streamHeader?: { prog: number; vers: number; proc: number };
}

const DEFAULT_MAX_IN_FLIGHT = 5;

export class Engine extends EventEmitter {
  /** Frames are decoded (or copied, stream data) before the next read: their buffers can be reused. */
  private readonly reassembler = new FrameReassembler(undefined, { reuse: true });
  private readonly maxInFlight: number;
  private readonly inFlight = new Map<number, PendingCall>();
  private readonly queue: PendingCall[] = [];
  private readonly streams = new Map<number, StreamSink>();
  private readonly messageHandlers = new Map<string, Set<MessageHandler>>();
  private readonly programHandlers = new Map<number, MessageHandler>();
  /** Writers waiting for the socket to drain (one shared 'drain' listener, any number of streams). */
  private drainWaiters: ((err?: Error) => void)[] = [];
  /** Holders of a reading pause (streams whose consumers are behind); reading resumes when empty. */
  private readonly pausers = new Set<object>();
  private nextSerial = 1;
  private closeInfo: CloseInfo | null = null;
  /** A frame was written this tick (an end-of-tick flush is scheduled). */
  private wroteThisTick = false;
  /** Later frames of this tick are being coalesced in the corked socket. */
  private corked = false;
  private readonly endOfTick = (): void => {
    this.wroteThisTick = false;
    if (!this.corked) return;
    this.corked = false;
    if (!this.closeInfo) this.socket.uncork();
  };
  /** When reading last resumed after a stream's pause (deadlines count reading time after it). */
  private resumedAt = -Infinity;
  /** Time (ms, monotonic) of the last byte received; keepalive uses it to judge liveness. */
  lastReceived = performance.now();

  constructor(
    private readonly socket: Duplex,
    opts: EngineOptions = {},
  ) {
    super();
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flushDrainWaiters());
    socket.on('end', () => this.close('eof', new LibvirtConnectionError('libvirt closed the connection')));
    socket.on('close', () => this.close('eof', new LibvirtConnectionError('connection closed')));
    socket.on('error', (err: Error) =>
      this.close('error', new LibvirtConnectionError(`connection error: ${err.message}`, { cause: err })),
    );
  }

  get closed(): boolean {
    return this.closeInfo !== null;
  }

  get closeReason(): CloseInfo | null {
    return this.closeInfo;
  }

  /** Calls in flight plus queued. */
  get pendingCalls(): number {
    return this.inFlight.size + this.queue.length;
  }

  /** Performs one RPC call and resolves with the decoded reply. */
  call<A extends XdrType, R extends XdrType>(
    proc: number,
    argSchema: A,
    args: XdrValue<A>,
    retSchema: R,
    opts: CallOptions = {},
  ): Promise<XdrValue<R>> {
    return new Promise<XdrValue<R>>((resolve, reject) => {
      if (this.closeInfo) {
        reject(this.closedError());
        return;
      }
      const serial = this.allocSerial();
      const prog = opts.prog ?? REMOTE_PROGRAM;
      const vers = opts.vers ?? REMOTE_PROTOCOL_VERSION;
      let frame: Buffer;
      try {
        const header = { prog, vers, proc, type: MessageType.CALL, serial, status: MessageStatus.OK };
        frame = encodePacket(header, { schema: argSchema, value: args });
      } catch (err) {
        reject(err instanceof XdrError ? new XdrError(`procedure ${proc} arguments: ${err.message}`) : err);
        return;
      }
      if (opts.stream) {
        this.streams.set(serial, opts.stream);
        opts.stream.attach(this, serial, prog, vers, proc);
      }
      const sink = opts.stream;
      const pending: PendingCall = {
        serial,
        frame,
        retSchema,
        settled: false,
        resolve: (value) => {
          if (pending.settled) return;
          pending.settled = true;
          clearTimeout(pending.timer);
          sink?.activate();
          resolve(value as XdrValue<R>);
        },
        reject: (err) => {
          if (pending.settled) return;
          pending.settled = true;
          clearTimeout(pending.timer);
          if (sink) {
            this.streams.delete(serial);
            sink.openFailed();
          }
          reject(err);
        },
      };
      if (sink) pending.streamHeader = { prog, vers, proc };
      const timeoutMs = opts.timeoutMs ?? 0;
      if (timeoutMs > 0) this.armDeadline(pending, timeoutMs, opts.label ?? `procedure ${proc}`);
      if (this.inFlight.size < this.maxInFlight) this.dispatch(pending);
      else this.queue.push(pending);
    });
  }

  /** Handlers for unsolicited MESSAGE packets (events) of `prog`, by procedure number. */
  onMessage(proc: number, handler: MessageHandler, prog = REMOTE_PROGRAM): () => void {
    const key = `${prog}:${proc}`;
    let set = this.messageHandlers.get(key);
    if (!set) {
      set = new Set();
      this.messageHandlers.set(key, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.messageHandlers.delete(key);
    };
  }

  /** Takes over every packet of another program (the keepalive protocol). */
  setProgramHandler(prog: number, handler: MessageHandler): void {
    this.programHandlers.set(prog, handler);
  }

  /** Bytes written to the socket that the peer has not taken yet (Node's write buffer). */
  get writeBacklog(): number {
    return this.socket.writableLength;
  }

  /** True while some stream holds reading paused (keepalive must not count that as silence). */
  get readingPaused(): boolean {
    return this.pausers.size > 0;
  }

  /** Stops reading the socket until every holder resumed (stream backpressure). */
  pauseReading(holder: object): void {
    if (this.closeInfo) return;
    this.pausers.add(holder);
    this.socket.pause();
  }

  resumeReading(holder: object): void {
    if (!this.pausers.delete(holder) || this.pausers.size > 0 || this.closeInfo) return;
    // Silence while we were not reading says nothing about the peer.
    this.lastReceived = performance.now();
    this.resumedAt = this.lastReceived;
    this.socket.resume();
  }

  /** Stops routing packets to a stream (after it finished or was aborted). */
  releaseStream(serial: number): void {
    this.streams.delete(serial);
  }

  /**
   * Writes a ready frame right away (stream data, keepalive), bypassing the call queue.
   * `onFlushed` runs once the socket can take more (backpressure), or with an error if closed.
   */
  sendFrame(frame: Buffer, onFlushed?: (err?: Error) => void): void {
    if (this.closeInfo) {
      if (onFlushed) queueMicrotask(() => onFlushed(this.closedError()));
      return;
    }
    const ok = this.write(frame);
    if (!onFlushed) return;
    if (ok) queueMicrotask(() => onFlushed());
    else this.drainWaiters.push(onFlushed);
  }

  /** Sends a frame built from a header and an optional XDR body. */
  sendPacket(header: PacketHeader, body?: { schema: XdrType; value: unknown }): void {
    this.sendFrame(encodePacket(header, body));
  }

  /** Half-closes the socket so libvirt sees EOF; 'close' fires with reason 'client'. */
  end(): void {
    if (this.closeInfo) return;
    this.close('client');
  }

  /** Tears the connection down; idempotent. Pending calls reject with LibvirtConnectionError. */
  close(reason: CloseReason, error?: Error): void {
    if (this.closeInfo) return;
    this.closeInfo = error ? { reason, error } : { reason };
    const err = this.closedError();
    const pending = [...this.inFlight.values(), ...this.queue];
    this.inFlight.clear();
    this.queue.length = 0;
    for (const p of pending) p.reject(err);
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const s of streams) s.onConnectionClosed(err);
    this.flushDrainWaiters(err);
    this.reassembler.reset();
    this.pausers.clear();
    if (reason === 'client') {
      this.socket.end();
      // Give the peer a moment to read our CONNECT_CLOSE, then make sure nothing lingers.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    this.emit('close', this.closeInfo);
  }

  /**
   * Rejects `p` once `ms` passed without its reply. A queued call is withdrawn (never sent); a sent one
   * stays in flight, settled, until the daemon's late reply frees its slot. While we ourselves do not
   * read (a stream's consumer lags), the reply may be sitting unread in our socket: the deadline waits
   * until we have been reading again for `ms`.
   */
  private armDeadline(p: PendingCall, ms: number, label: string): void {
    const postpone = (delay: number): void => {
      p.timer = setTimeout(expire, delay);
      p.timer.unref();
    };
    const expire = (): void => {
      if (p.settled || this.closeInfo) return;
      if (this.pausers.size > 0) {
        postpone(Math.min(ms, 1000));
        return;
      }
      // Reading resumed lately: what piled up meanwhile (the reply among it) gets `ms` to be read.
      const sinceResume = performance.now() - this.resumedAt;
      if (sinceResume < ms) {
        postpone(ms - sinceResume);
        return;
      }
      const silentMs = performance.now() - this.lastReceived;
      const detail = silentMs >= ms ? ' (nothing received from it meanwhile)' : '';
      const queued = this.queue.indexOf(p);
      if (queued >= 0) this.queue.splice(queued, 1);
      p.reject(new LibvirtCallTimeoutError(label, ms, detail));
    };
    postpone(ms);
  }

  private closedError(): LibvirtConnectionError {
    const info = this.closeInfo;
    if (!info) return new LibvirtConnectionError('connection is open');
    if (info.error instanceof LibvirtConnectionError) return info.error;
    if (info.reason === 'client') return new LibvirtConnectionError('connection closed by client');
    const why = info.error ? `: ${info.error.message}` : '';
    return new LibvirtConnectionError(`connection closed (${info.reason})${why}`, { cause: info.error });
  }

  private flushDrainWaiters(err?: Error): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w(err);
  }

  private allocSerial(): number {
    const s = this.nextSerial;
    this.nextSerial = s >= 0xffffffff ? 1 : s + 1;
    return s;
  }

  /**
   * Writes a frame. The first frame of a tick goes out at once (a lone sequential call pays no
   * extra latency); further frames of the same tick are coalesced (socket corked until the next
   * tick), so a burst of pipelined calls costs two syscalls instead of one per call.
   */
  private write(frame: Buffer): boolean {
    if (!this.wroteThisTick) {
      this.wroteThisTick = true;
      process.nextTick(this.endOfTick);
    } else if (!this.corked) {
      this.corked = true;
      this.socket.cork();
    }
    return this.socket.write(frame);
  }

  private dispatch(p: PendingCall): void {
    this.inFlight.set(p.serial, p);
    this.write(p.frame);
  }

  private pump(): void {
    while (!this.closeInfo && this.inFlight.size < this.maxInFlight && this.queue.length > 0) {
      this.dispatch(this.queue.shift() as PendingCall);
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closeInfo) return;
    this.lastReceived = performance.now();
    let frames: Buffer[];
    try {
      frames = this.reassembler.push(chunk);
    } catch (err) {
      this.close('error', err as Error);
      return;
    }
    for (let i = 0; i < frames.length; i++) {
      if (this.closeInfo) return;
      try {
        this.onPacket(decodePacket(frames[i] as Buffer));
      } catch (err) {
        this.close('error', err instanceof Error ? err : new ProtocolError(String(err)));
        return;
      }
    }
  }

  private onPacket(packet: Packet): void {
    const { header } = packet;
    const programHandler = this.programHandlers.get(header.prog);
    if (programHandler) {
      programHandler(packet);
      return;
    }
    switch (header.type) {
      case MessageType.REPLY:
        this.onReply(packet);
        return;
      case MessageType.MESSAGE:
        this.onEvent(packet);
        return;
      case MessageType.STREAM:
      case MessageType.STREAM_HOLE:
        // Late packets of an aborted stream have no sink any more; dropping them is harmless.
        this.streams.get(header.serial)?.onPacket(packet);
        return;
      case MessageType.REPLY_WITH_FDS:
        throw new ProtocolError('file descriptor passing is not supported');
      default:
        throw new ProtocolError(`unexpected message type ${header.type} from server`);
    }
  }

  private onReply(packet: Packet): void {
    const { header, payload } = packet;
    const p = this.inFlight.get(header.serial);
    if (!p) throw new ProtocolError(`reply for unknown serial ${header.serial}`);
    this.inFlight.delete(header.serial);
    if (p.settled) {
      // The late reply of a call whose deadline passed: nobody waits for it any more.
      this.abortAbandonedStream(p, header.status);
      this.pump();
      return;
    }
    if (header.status === MessageStatus.OK) {
      let value: unknown;
      try {
        value = decode(p.retSchema, payload);
      } catch (err) {
        p.reject(
          err instanceof XdrError
            ? new XdrError(`procedure ${header.proc} reply: ${err.message}`)
            : (err as Error),
        );
        this.pump();
        return;
      }
      p.resolve(value);
    } else if (header.status === MessageStatus.ERROR) {
      try {
        p.reject(decodeRemoteError(payload));
      } catch (err) {
        p.reject(err as Error);
      }
    } else {
      p.reject(new ProtocolError(`reply with invalid status ${header.status}`));
    }
    this.pump();
  }

  /** A stream the daemon opened after its caller gave up: tell the daemon to drop it. */
  private abortAbandonedStream(p: PendingCall, status: number): void {
    const h = p.streamHeader;
    if (!h || status !== MessageStatus.OK) return;
    const abort = { ...h, type: MessageType.STREAM, serial: p.serial, status: MessageStatus.ERROR };
    this.write(encodeStreamPacket(abort, Buffer.alloc(0)));
  }

  private onEvent(packet: Packet): void {
    const handlers = this.messageHandlers.get(`${packet.header.prog}:${packet.header.proc}`);
    if (!handlers) return;
    for (const h of [...handlers]) {
      try {
        h(packet);
      } catch (err) {
        // A faulty listener must not take the connection down.
        this.emit('listenerError', err);
      }
    }
  }
}
