/**
 * Fixed-capacity ring buffers for the stats history. Everything is preallocated when a ring is created;
 * pushing a sample writes into typed arrays and allocates nothing.
 *
 * - `Ring`: one series on a Float64Array (host series, timestamps).
 * - `SeriesBlock`: several series that share one write head and one timestamp ring, stored in one typed
 *   array, slot-major (tick slot `k` holds its series at `[k * seriesCount, (k + 1) * seriesCount)`, so one
 *   tick's write touches one cache line). Per-VM history uses
 *   this with a Float32Array: rates and percentages need ~7 significant digits, and halving the bytes is
 *   what keeps an hour of 1 Hz history for 1,000 VMs under 100 MB.
 */

export type SampleArray = Float64Array | Float32Array;

/** One series; oldest-first reads, NaN marks "no value" (gap). */
export class Ring {
  readonly capacity: number;
  readonly data: Float64Array;
  private head = 0; // next write index
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    this.data[this.head] = value;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** `i` = 0 is the oldest retained value, `length - 1` the newest. */
  at(i: number): number {
    if (i < 0 || i >= this.count) return NaN;
    return this.data[physicalIndex(this.head, this.count, this.capacity, i)]!;
  }

  last(): number {
    return this.count === 0 ? NaN : this.at(this.count - 1);
  }

  /** Copies the newest `n` values (all when n is omitted) oldest-first into a plain array. */
  toArray(n = this.count): number[] {
    const k = Math.max(0, Math.min(n, this.count));
    const out = new Array<number>(k);
    const first = this.count - k;
    for (let i = 0; i < k; i++) out[i] = this.at(first + i);
    return out;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

function physicalIndex(head: number, count: number, capacity: number, i: number): number {
  // oldest element is at head - count (mod capacity)
  let p = head - count + i;
  if (p < 0) p += capacity;
  return p;
}

/**
 * A clock shared by several `SeriesBlock`s: one timestamp per tick. Blocks record which tick they were
 * created at, so a block created later reads back only the ticks it has seen.
 */
export class TickClock {
  readonly capacity: number;
  readonly times: Ring;
  /** Total ticks ever written (monotonic). */
  tick = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.times = new Ring(capacity);
  }

  /** Starts a new tick at wall time `t` and returns its slot index in every block. */
  advance(t: number): number {
    const slot = this.tick % this.capacity;
    this.times.push(t);
    this.tick++;
    return slot;
  }

  /** Slot index of the current (latest) tick. */
  get slot(): number {
    return (this.tick - 1 + this.capacity) % this.capacity;
  }
}

export class SeriesBlock {
  readonly clock: TickClock;
  readonly seriesCount: number;
  readonly data: SampleArray;
  /** First tick number this block has data for. */
  readonly bornTick: number;
  /** Last tick number this block was written at (ticks between are NaN). */
  private lastTick: number;

  constructor(clock: TickClock, seriesCount: number, kind: 'f32' | 'f64' = 'f32') {
    this.clock = clock;
    this.seriesCount = seriesCount;
    const n = clock.capacity * seriesCount;
    this.data = kind === 'f32' ? new Float32Array(n) : new Float64Array(n);
    this.data.fill(NaN);
    // Born at the current tick; it has no values yet.
    this.bornTick = clock.tick === 0 ? 0 : clock.tick - 1;
    this.lastTick = this.bornTick - 1;
  }

  /** Writes one value for the current tick of the clock. */
  set(series: number, value: number): void {
    this.fillGap();
    this.data[this.clock.slot * this.seriesCount + series] = value;
  }

  /** Writes all series for the current tick (`values.length` must equal `seriesCount`). */
  write(values: ArrayLike<number>): void {
    this.fillGap(false); // every series of the current slot is written below
    const base = this.clock.slot * this.seriesCount;
    for (let s = 0; s < this.seriesCount; s++) this.data[base + s] = values[s]!;
  }

  /** Marks ticks between the last write and now (exclusive of now) as NaN so stale slots do not leak. */
  private fillGap(clearCurrent = true): void {
    const now = this.clock.tick - 1;
    if (now <= this.lastTick) return;
    const cap = this.clock.capacity;
    const from = Math.max(this.lastTick + 1, now - cap + 1);
    for (let t = from; t < now; t++) {
      const slot = t % cap;
      this.data.fill(NaN, slot * this.seriesCount, (slot + 1) * this.seriesCount);
    }
    // the current slot may hold a value from `capacity` ticks ago: clear it too
    if (clearCurrent) {
      const slot = now % cap;
      this.data.fill(NaN, slot * this.seriesCount, (slot + 1) * this.seriesCount);
    }
    this.lastTick = now;
  }

  /** Number of ticks this block can read back (bounded by the capacity). */
  get length(): number {
    return Math.min(this.clock.tick - this.bornTick, this.clock.capacity, this.clock.times.length);
  }

  /**
   * Reads the newest `n` ticks oldest-first: `{ times, series: number[][] }`, NaN for ticks not written
   * (VM not running / not reported then).
   */
  read(n: number, seriesIdx?: readonly number[]): { times: number[]; series: number[][] } {
    const k = Math.max(0, Math.min(n, this.length));
    const cap = this.clock.capacity;
    const idx = seriesIdx ?? Array.from({ length: this.seriesCount }, (_, i) => i);
    const times = this.clock.times.toArray(k);
    const series = idx.map(() => new Array<number>(k));
    const firstTick = this.clock.tick - k;
    for (let i = 0; i < k; i++) {
      const t = firstTick + i;
      const slot = t % cap;
      const written = t <= this.lastTick;
      for (let j = 0; j < idx.length; j++) {
        series[j]![i] = written ? this.data[slot * this.seriesCount + idx[j]!]! : NaN;
      }
    }
    return { times, series };
  }

  get byteLength(): number {
    return this.data.byteLength;
  }
}
