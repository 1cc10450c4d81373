/**
 * Mutable time-series buffer shared by a chart and whoever feeds it (history fetch, live ticks). Kept
 * outside React state: appending a point notifies the chart, which redraws only when visible.
 */
export class ChartData {
  /** seconds since the epoch (uPlot's x unit) */
  t: number[] = [];
  ys: (number | null)[][];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly seriesCount: number,
    /** points kept (an hour at 1 Hz by default) */
    readonly capacity = 3600,
  ) {
    this.ys = Array.from({ length: seriesCount }, () => []);
  }

  /** Replaces everything (history fetched). `t` in ms. Keeps points appended after `tMs`'s end. */
  setHistory(tMs: readonly number[], ys: readonly (readonly (number | null)[])[]): void {
    const t = tMs.map((x) => x / 1000);
    const lastHist = t.length ? t[t.length - 1]! : -Infinity;
    // live points that arrived while the history call was in flight
    const keepFrom = this.t.findIndex((x) => x > lastHist);
    const liveT = keepFrom >= 0 ? this.t.slice(keepFrom) : [];
    const liveYs = this.ys.map((y) => (keepFrom >= 0 ? y.slice(keepFrom) : []));
    this.t = [...t, ...liveT];
    this.ys = this.ys.map((_, i) => [...(ys[i] ?? new Array<null>(t.length).fill(null)), ...liveYs[i]!]);
    this.trim();
    this.notify();
  }

  /** Appends one point (t in ms). Ignores a point not newer than the last one. */
  append(tMs: number, values: readonly (number | null)[]): void {
    const t = tMs / 1000;
    if (this.t.length && t <= this.t[this.t.length - 1]!) return;
    this.t.push(t);
    for (let i = 0; i < this.seriesCount; i++) this.ys[i]!.push(values[i] ?? null);
    this.trim();
    this.notify();
  }

  last(i: number): number | null {
    const y = this.ys[i];
    return y && y.length ? (y[y.length - 1] ?? null) : null;
  }

  /** Trims in batches so the arrays are not shifted on every tick. */
  private trim(): void {
    const over = this.t.length - this.capacity;
    if (over > 0 && (over >= 256 || this.t.length > this.capacity * 1.1)) {
      this.t.splice(0, over);
      for (const y of this.ys) y.splice(0, over);
    }
  }

  subscribe(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private notify(): void {
    for (const cb of this.listeners) cb();
  }
}
