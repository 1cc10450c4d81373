/**
 * Output batching and end-to-end flow control for console sessions (pure logic, no I/O).
 *
 * Units are UTF-16 code units of the strings sent as 'console.data' (the renderer acknowledges
 * `data.length` of what xterm.js has written), so both sides count the same thing.
 */

export interface FlowOptions {
  /** Pause the source when more than this many units are unacknowledged. */
  highWatermark: number;
  /** Resume the source when acknowledgements bring the unacknowledged count below this. */
  lowWatermark: number;
}

export const DEFAULT_FLOW: FlowOptions = { highWatermark: 256 * 1024, lowWatermark: 32 * 1024 };

export interface Pausable {
  pause(): void;
  resume(): void;
}

export interface FlowStats {
  unacked: number;
  maxUnacked: number;
  paused: boolean;
  pauseCount: number;
  bytesOut: number;
}

/** Counts unacknowledged output and pauses/resumes a source around the watermarks. */
export class FlowController {
  private unacked = 0;
  private maxUnacked = 0;
  private paused = false;
  private pauseCount = 0;
  private bytesOut = 0;
  private readonly opts: FlowOptions;

  constructor(
    private source: Pausable,
    opts: Partial<FlowOptions> = {},
  ) {
    this.opts = { ...DEFAULT_FLOW, ...opts };
    if (this.opts.lowWatermark > this.opts.highWatermark)
      throw new RangeError('lowWatermark > highWatermark');
  }

  /** Swap the source (after a re-spawn); a new source starts flowing, so re-apply the pause if needed. */
  setSource(source: Pausable): void {
    this.source = source;
    if (this.paused) source.pause();
  }

  /** `n` units were produced and will be delivered to the renderer. */
  produced(n: number): void {
    this.unacked += n;
    this.bytesOut += n;
    if (this.unacked > this.maxUnacked) this.maxUnacked = this.unacked;
    if (!this.paused && this.unacked > this.opts.highWatermark) {
      this.paused = true;
      this.pauseCount++;
      this.source.pause();
    }
  }

  /**
   * The renderer has written `n` units. More than is outstanding is refused (returns false, nothing
   * changes): clamping it would let a client switch flow control off by acknowledging ahead.
   */
  acked(n: number): boolean {
    if (n > this.unacked) return false;
    this.unacked -= n;
    this.maybeResume();
    return true;
  }

  /** Forget outstanding output (e.g. the renderer re-attached); resumes the source. */
  reset(): void {
    this.unacked = 0;
    this.maybeResume();
  }

  private maybeResume(): void {
    if (this.paused && this.unacked < this.opts.lowWatermark) {
      this.paused = false;
      this.source.resume();
    }
  }

  stats(): FlowStats {
    return {
      unacked: this.unacked,
      maxUnacked: this.maxUnacked,
      paused: this.paused,
      pauseCount: this.pauseCount,
      bytesOut: this.bytesOut,
    };
  }
}

export interface BatchOptions {
  /** Flush at most this long after the first buffered chunk. */
  maxDelayMs: number;
  /** Flush as soon as this many units are buffered. */
  maxSize: number;
}

export const DEFAULT_BATCH: BatchOptions = { maxDelayMs: 16, maxSize: 64 * 1024 };

type TimerHandle = ReturnType<typeof setTimeout>;
export interface TimerApi {
  set(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
}
const realTimers: TimerApi = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h) };

/** Coalesces many small pty chunks into fewer events (≤ maxDelayMs latency, ≤ maxSize per event). */
export class OutputBatcher {
  private parts: string[] = [];
  private size = 0;
  private timer: TimerHandle | null = null;
  private readonly opts: BatchOptions;

  constructor(
    private readonly emit: (data: string) => void,
    opts: Partial<BatchOptions> = {},
    private readonly timers: TimerApi = realTimers,
  ) {
    this.opts = { ...DEFAULT_BATCH, ...opts };
  }

  push(chunk: string): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.opts.maxSize) this.flush();
    else if (this.timer === null) this.timer = this.timers.set(() => this.flush(), this.opts.maxDelayMs);
  }

  flush(): void {
    if (this.timer !== null) {
      this.timers.clear(this.timer);
      this.timer = null;
    }
    if (this.size === 0) return;
    let data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    // Keep each event within maxSize (a single huge chunk is split; never split a surrogate pair).
    while (data.length > this.opts.maxSize) {
      let cut = this.opts.maxSize;
      const code = data.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
      this.emit(data.slice(0, cut));
      data = data.slice(cut);
    }
    this.emit(data);
  }

  /** Drop the pending timer (the buffered data is flushed first). */
  dispose(): void {
    this.flush();
  }
}
