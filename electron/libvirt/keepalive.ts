/**
 * libvirt's keepalive protocol (src/rpc/virkeepaliveprotocol.x): PING/PONG as MESSAGE packets of
 * program 0x6b656570 with empty payloads.
 *
 * We always answer the daemon's PINGs. Once `start()`ed (after the daemon said it supports the
 * keepalive program) we ping when the line has been idle for `interval` and give up on the peer
 * after `interval × count` without receiving anything at all.
 */
import { LibvirtConnectionError } from './errors.js';
import type { Engine } from './engine.js';
import { KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, MessageStatus, MessageType } from './packet.js';

export const KEEPALIVE_PROC_PING = 1;
export const KEEPALIVE_PROC_PONG = 2;

/** Unsent bytes above which we stop answering PINGs (the peer is not reading what we send). */
export const MAX_PONG_BACKLOG = 1024 * 1024;

export interface KeepaliveOptions {
  /** Seconds of silence before we ping (default 5). */
  interval?: number;
  /** Unanswered intervals before the peer is declared dead (default 5). */
  count?: number;
}

export class Keepalive {
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly count: number;

  constructor(
    private readonly engine: Engine,
    opts: KeepaliveOptions = {},
  ) {
    this.intervalMs = Math.max(1, (opts.interval ?? 5) * 1000);
    this.count = Math.max(1, Math.floor(opts.count ?? 5));
    engine.setProgramHandler(KEEPALIVE_PROGRAM, (packet) => {
      if (packet.header.type === MessageType.MESSAGE && packet.header.proc === KEEPALIVE_PROC_PING) {
        // A peer that floods PINGs without reading our PONGs would grow our write buffer without
        // bound; while it is that far behind, one more PONG tells it nothing new.
        if (engine.writeBacklog <= MAX_PONG_BACKLOG) this.send(KEEPALIVE_PROC_PONG);
      }
      // PONGs need no handling: any received byte already counts as a sign of life.
    });
    engine.once('close', () => this.stop());
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer || this.engine.closed) return;
    // Tick faster than the interval so detection is not late by almost a whole interval.
    const tick = Math.max(1, Math.min(this.intervalMs, 1000));
    this.timer = setInterval(() => this.check(), tick);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private lastPing = 0;

  private check(): void {
    const now = performance.now();
    if (this.engine.readingPaused) return; // we are not reading, so silence proves nothing
    const idle = now - this.engine.lastReceived;
    if (idle >= this.intervalMs * this.count) {
      this.stop();
      const secs = Math.round(idle / 1000);
      this.engine.close(
        'keepalive',
        new LibvirtConnectionError(`no response from libvirt for ${secs} s (keepalive timeout)`),
      );
      return;
    }
    if (idle >= this.intervalMs && now - this.lastPing >= this.intervalMs) {
      this.lastPing = now;
      this.send(KEEPALIVE_PROC_PING);
    }
  }

  private send(proc: number): void {
    if (this.engine.closed) return;
    this.engine.sendPacket({
      prog: KEEPALIVE_PROGRAM,
      vers: KEEPALIVE_PROTOCOL_VERSION,
      proc,
      type: MessageType.MESSAGE,
      serial: 0,
      status: MessageStatus.OK,
    });
  }
}
