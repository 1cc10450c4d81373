/**
 * libvirt streams (console, volume upload/download, screenshot) as a Node Duplex.
 *
 * Wire behaviour (src/remote/remote_daemon_stream.c):
 * - data travels as STREAM packets, status CONTINUE, raw bytes (≤ 262120 per packet);
 * - an empty STREAM packet from the daemon is EOF (libvirtd sends it with status CONTINUE, older
 *   code with OK); we then send our own STREAM/OK ("finish") and the daemon confirms with an empty
 *   STREAM/OK (an upload starts at the finish step);
 * - STREAM/ERROR from the daemon carries a remote_error; from us (empty) it aborts the stream;
 * - STREAM_HOLE only appears for sparse streams, which we never request, so it is skipped.
 *
 * Backpressure: writes are split into protocol-sized packets and the write callback waits for the
 * socket to drain after the last of them. Incoming data cannot be paused per stream: all calls and
 * streams share one socket. Unread data is buffered in the readable side, bounded by `maxBufferedBytes`; what happens
 * at the bound is the stream's `overflow` policy:
 * - 'pause' (default for 'read' streams: downloads, screenshots): the whole connection stops reading
 *   until this stream's consumer drains below its high-water mark. Lossless and memory-bounded, but
 *   other calls on the connection wait meanwhile, so do not make a download's consumer wait for
 *   another call on the same connection. Keepalive is suspended while we are the ones not reading.
 * - 'abort' (default for consoles): the stream is aborted with an error, the connection is unaffected,
 *   so a stuck console viewer cannot stall VM management.
 *
 * Incoming data lies in memory the connection reuses for later reads (socket-reads.ts). A consumer done
 * with a chunk may give it back with recycle() (a download's file writer does). Once it has done so, the
 * stream trusts it to give back the rest too: bulk data is then borrowed from the read slabs and handed
 * on as it is, without a copy, and each chunk given back frees its slab for reuse. Until then (and for
 * consumers that keep chunks, such as a screenshot's), data is copied into buffers of the stream's own:
 * a packet-sized one from a pool for bulk data, reused once given back, so a long transfer reuses a few
 * MiB instead of allocating one buffer per packet.
 */
import { Duplex } from 'node:stream';
import { BufferPool } from './buffer-pool.js';
import { borrowRead, returnRead } from './socket-reads.js';
import { LibvirtConnectionError, ProtocolError } from './errors.js';
import type { Engine, StreamSink } from './engine.js';
import {
  MessageStatus,
  MessageType,
  VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX,
  decodeRemoteError,
  encodeStreamHeader,
  encodeStreamPacket,
  type Packet,
  type PacketHeader,
} from './packet.js';

export type StreamOverflow = 'pause' | 'abort';

export interface LibvirtStreamOptions {
  /** Readable high-water mark in bytes (default 1 MiB). */
  readableHighWaterMark?: number;
  /** Unread incoming bytes at which the overflow policy applies (default 4 MiB for 'pause', 32 MiB for 'abort'). */
  maxBufferedBytes?: number;
  /** See the module comment (default 'pause'). */
  overflow?: StreamOverflow;
}

const EMPTY = Buffer.alloc(0);
/** Payloads from this size on are copied into pooled packet-sized buffers; smaller ones are just copied. */
const POOLED_FROM = 16 * 1024;
/**
 * Given-back buffers kept for reuse (~10 MiB): what a download holds at once is its unread data (the
 * 4 MiB pause bound) plus what its file writer queues (4 MiB), 32 packets; more are rarely out.
 */
const POOL_KEEP = 40;

export class LibvirtStream extends Duplex implements StreamSink {
  private engine: Engine | null = null;
  private serial = 0;
  private prog = 0;
  private vers = 0;
  private proc = 0;
  private readonly maxBufferedBytes: number;
  private readonly overflow: StreamOverflow;
  /** True while this stream holds the connection's reading paused. */
  private pausingConnection = false;
  /** Set while our finish (STREAM/OK) awaits the daemon's confirmation. */
  private finishing: ((err?: Error) => void) | null = null;
  private remoteEof = false;
  private done = false;
  /** False until the opening call succeeded and the stream was handed to its user. */
  private live = false;
  /** A failure that happened before the stream was handed out (reply and error in one read). */
  private heldError: Error | null = null;
  /** Buffers for bulk data, made on the first large packet (a console never needs them). */
  private pool: BufferPool | null = null;
  /** Set by the first recycle(): the consumer gives chunks back, so bulk data may be borrowed. */
  private consumerRecycles = false;

  constructor(opts: LibvirtStreamOptions = {}) {
    super({ readableHighWaterMark: opts.readableHighWaterMark ?? 1024 * 1024, allowHalfOpen: true });
    this.overflow = opts.overflow ?? 'pause';
    this.maxBufferedBytes = opts.maxBufferedBytes ?? (this.overflow === 'pause' ? 4 : 32) * 1024 * 1024;
  }

  /** The serial shared by the opening call and every packet of this stream. */
  get streamSerial(): number {
    return this.serial;
  }

  attach(engine: Engine, serial: number, prog: number, vers: number, proc: number): void {
    this.engine = engine;
    this.serial = serial;
    this.prog = prog;
    this.vers = vers;
    this.proc = proc;
  }

  /** Called by the engine once the opening call succeeded. */
  activate(): void {
    // The caller gets the stream in a promise continuation; setImmediate runs after it, so a failure
    // that arrived in the same read as the reply is emitted only once listeners can be attached.
    setImmediate(() => {
      if (this.live) return;
      this.live = true;
      const held = this.heldError;
      this.heldError = null;
      if (held) this.destroy(held);
    });
  }

  onPacket(packet: Packet): void {
    if (this.done || this.destroyed) return;
    const { header, payload } = packet;
    if (header.type === MessageType.STREAM_HOLE) return;
    switch (header.status) {
      case MessageStatus.CONTINUE:
        if (payload.length === 0) {
          this.onRemoteEof();
          return;
        }
        if (this.remoteEof) {
          this.abortWith(new ProtocolError('stream data after end of stream'));
          return;
        }
        if (this.overflow === 'abort' && this.readableLength + payload.length > this.maxBufferedBytes) {
          this.abortWith(
            new LibvirtConnectionError(
              `stream consumer too slow: more than ${this.maxBufferedBytes} unread bytes, stream aborted`,
            ),
          );
          return;
        }
        this.push(this.own(payload));
        if (this.overflow === 'pause' && this.readableLength >= this.maxBufferedBytes && this.engine) {
          this.pausingConnection = true;
          this.engine.pauseReading(this);
        }
        return;
      case MessageStatus.OK:
        if (this.finishing) this.complete();
        else this.onRemoteEof();
        return;
      case MessageStatus.ERROR: {
        let err: Error;
        try {
          err = decodeRemoteError(payload);
        } catch (e) {
          err = e as Error;
        }
        this.fail(err);
        return;
      }
      default:
        this.fail(new ProtocolError(`stream packet with invalid status ${header.status}`));
    }
  }

  /**
   * Gives back a chunk this stream emitted, once the consumer is completely done with it (written,
   * hashed, dropped): its memory holds a later packet then. Only for whole chunks as 'data' gave them:
   * a view gives back the memory of the whole chunk. Optional; a chunk never given back is simply
   * collected.
   */
  recycle(chunk: Uint8Array): void {
    this.consumerRecycles = true;
    if (!returnRead(chunk)) this.pool?.give(chunk);
  }

  onConnectionClosed(error: Error): void {
    if (this.done) return;
    this.fail(error);
  }

  override _read(): void {
    // Node asks for more once the consumer drained below the high-water mark.
    this.stopPausingConnection();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.engine || this.done || this.remoteEof) {
      cb(new LibvirtConnectionError('stream is not open for writing'));
      return;
    }
    // The chunk goes out as protocol-sized packets, all queued at once; the callback waits for the socket
    // to drain after the last. Waiting after each packet would idle the socket between packets (its
    // buffer is far smaller than a packet), and the chunk is in memory already: queuing its packets costs
    // one copy of it, no more.
    // Each packet's header and its slice of the chunk go out back to back (the engine coalesces the
    // writes of a tick): the data itself is never copied.
    for (let offset = 0; offset < chunk.length; offset += VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX) {
      const piece = chunk.subarray(offset, offset + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX);
      const last = offset + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX >= chunk.length;
      this.engine.sendFrame(encodeStreamHeader(this.header(MessageStatus.CONTINUE), piece.length));
      if (last) this.engine.sendFrame(piece, (err) => cb(err));
      else this.engine.sendFrame(piece);
    }
    if (chunk.length === 0) cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.done) {
      cb();
      return;
    }
    if (this.finishing) {
      // EOF handshake already running; finish when it completes.
      const prev = this.finishing;
      this.finishing = (err) => {
        prev(err);
        cb(err);
      };
      return;
    }
    this.sendFinish(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.done && this.engine && !this.engine.closed) {
      // Abort: empty STREAM/ERROR. The daemon's confirmation is dropped with the sink.
      this.engine.sendFrame(this.frame(MessageStatus.ERROR, EMPTY));
    }
    this.release();
    const finishing = this.finishing;
    this.finishing = null;
    finishing?.(err ?? new LibvirtConnectionError('stream destroyed'));
    cb(err);
  }

  private sendFinish(cb: (err?: Error) => void): void {
    if (!this.engine) {
      cb(new LibvirtConnectionError('stream is not attached'));
      return;
    }
    this.finishing = cb;
    this.engine.sendFrame(this.frame(MessageStatus.OK, EMPTY));
  }

  private complete(): void {
    const finishing = this.finishing;
    this.finishing = null;
    this.release();
    this.push(null);
    finishing?.();
  }

  /** Daemon reached EOF: confirm with our finish; the readable side ends on the daemon's reply. */
  private onRemoteEof(): void {
    if (this.remoteEof || this.finishing) return;
    this.remoteEof = true;
    this.sendFinish(() => undefined);
  }

  openFailed(): void {
    this.release();
  }

  /** Drops a stream whose opening call failed; nothing is sent to the daemon. */
  discard(): void {
    this.release();
    this.destroy();
  }

  /** Aborts towards the daemon and fails locally. */
  private abortWith(err: Error): void {
    if (this.live) {
      this.destroy(err);
      return;
    }
    if (this.engine && !this.engine.closed && !this.done) {
      this.engine.sendFrame(this.frame(MessageStatus.ERROR, EMPTY));
    }
    this.fail(err);
  }

  private fail(err: Error): void {
    const finishing = this.finishing;
    this.finishing = null;
    this.release();
    if (finishing) finishing(err);
    if (this.live) this.destroy(err);
    else this.heldError ??= err;
  }

  /** A packet's data, borrowed or copied (the packet's memory is reused for later reads). */
  private own(payload: Buffer): Buffer {
    if (payload.length < POOLED_FROM || payload.length > VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX)
      return Buffer.from(payload);
    if (this.consumerRecycles && borrowRead(payload)) return payload;
    this.pool ??= new BufferPool(VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX, POOL_KEEP);
    const buf = this.pool.take();
    payload.copy(buf);
    return buf.subarray(0, payload.length);
  }

  private stopPausingConnection(): void {
    if (!this.pausingConnection) return;
    this.pausingConnection = false;
    this.engine?.resumeReading(this);
  }

  private release(): void {
    this.stopPausingConnection();
    if (this.done) return;
    this.done = true;
    this.engine?.releaseStream(this.serial);
  }

  private header(status: number): PacketHeader {
    return {
      prog: this.prog,
      vers: this.vers,
      proc: this.proc,
      type: MessageType.STREAM,
      serial: this.serial,
      status,
    };
  }

  private frame(status: number, data: Uint8Array): Buffer {
    return encodeStreamPacket(this.header(status), data);
  }
}
