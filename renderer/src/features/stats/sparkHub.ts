/**
 * CPU sparklines of the VM list, drawn cheaply: one tiny canvas per mounted row, fed by 'stats.tick'
 * outside React. Main is asked only for the rows that are visible (a 'list' subscription replaced as
 * rows scroll in and out); each frame redraws only the visible rows whose data changed.
 */
import { getApi } from '../../api/client.js';
import { newSubscriptionId, onTick, subscribe, unsubscribe } from './statsStore.js';

export const SPARK_POINTS = 60;
export const SPARK_W = 84;
export const SPARK_H = 24;

interface Row {
  uuid: string;
  canvas: HTMLCanvasElement | null;
  ctx?: CanvasRenderingContext2D | null;
  values: Float32Array;
  head: number;
  count: number;
  visible: boolean;
  dirty: boolean;
  hasHistory: boolean;
}

class SparkHub {
  private readonly rows = new Map<string, Row>();
  private readonly subId = newSubscriptionId('spark');
  private offTick: (() => void) | null = null;
  private subTimer: ReturnType<typeof setTimeout> | null = null;
  private frame = 0;
  private lastSent = '';
  private readonly io: IntersectionObserver;
  private color = '#3584e4';
  private colorRead = false;

  constructor(readonly connectionId: string) {
    this.io = new IntersectionObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const uuid = (e.target as HTMLElement).dataset.uuid;
        const row = uuid ? this.rows.get(uuid) : undefined;
        if (row && row.visible !== e.isIntersecting) {
          row.visible = e.isIntersecting;
          changed = true;
          if (row.visible) this.markDirty(row);
        }
      }
      if (changed) this.scheduleSubscription();
    });
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  private readonly onVisibility = (): void => {
    if (!document.hidden) for (const r of this.rows.values()) if (r.visible) this.markDirty(r);
  };

  get size(): number {
    return this.rows.size;
  }

  attach(uuid: string, canvas: HTMLCanvasElement): void {
    let row = this.rows.get(uuid);
    if (!row) {
      row = {
        uuid,
        canvas: null,
        values: new Float32Array(SPARK_POINTS).fill(NaN),
        head: 0,
        count: 0,
        visible: false,
        dirty: true,
        hasHistory: false,
      };
      this.rows.set(uuid, row);
    }
    if (row.canvas !== canvas) row.ctx = undefined;
    row.canvas = canvas;
    canvas.dataset.uuid = uuid;
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    canvas.width = SPARK_W * dpr;
    canvas.height = SPARK_H * dpr;
    if (!this.colorRead) {
      // once per hub: getComputedStyle forces a style recalculation
      this.colorRead = true;
      const accent = getComputedStyle(canvas).getPropertyValue('--accent-bg-color').trim();
      if (accent) this.color = accent;
    }
    this.io.observe(canvas);
    if (!this.offTick) this.offTick = onTick(this.connectionId, (tick) => this.onTickData(tick.cpu));
  }

  detach(uuid: string, canvas: HTMLCanvasElement): void {
    const row = this.rows.get(uuid);
    this.io.unobserve(canvas);
    if (!row || row.canvas !== canvas) return;
    this.rows.delete(uuid);
    this.scheduleSubscription();
    if (this.rows.size === 0) this.dispose();
  }

  private dispose(): void {
    this.offTick?.();
    this.offTick = null;
    if (this.subTimer) clearTimeout(this.subTimer);
    this.subTimer = null;
    unsubscribe(this.subId);
    this.lastSent = '';
    this.io.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
    hubs.delete(this.connectionId);
  }

  /** Debounced: tell main which rows are visible now, and fetch the recent past of new ones. */
  private scheduleSubscription(): void {
    if (this.subTimer) return;
    this.subTimer = setTimeout(() => {
      this.subTimer = null;
      const visible = [...this.rows.values()].filter((r) => r.visible).map((r) => r.uuid);
      const key = visible.join(',');
      if (key === this.lastSent) return;
      this.lastSent = key;
      void subscribe({ id: this.subId, connectionId: this.connectionId, kind: 'list', vmUuids: visible });
      const need = visible.filter((u) => !this.rows.get(u)!.hasHistory).slice(0, 500);
      if (need.length) void this.fetchHistory(need);
    }, 100);
  }

  private async fetchHistory(uuids: string[]): Promise<void> {
    for (const u of uuids) this.rows.get(u)!.hasHistory = true;
    try {
      const h = await getApi().call('stats.history', {
        connectionId: this.connectionId,
        target: 'list',
        vmUuids: uuids,
        seconds: SPARK_POINTS,
      });
      for (const uuid of uuids) {
        const row = this.rows.get(uuid);
        const ys = h.series[uuid];
        if (!row || !ys) continue;
        // history first, then whatever ticks arrived meanwhile
        const live: number[] = [];
        for (let i = 0; i < row.count; i++) live.push(this.at(row, i));
        row.head = 0;
        row.count = 0;
        for (const v of ys) this.push(row, v ?? NaN);
        for (const v of live) this.push(row, v);
        this.markDirty(row);
      }
    } catch {
      for (const u of uuids) {
        const r = this.rows.get(u);
        if (r) r.hasHistory = false;
      }
    }
  }

  private at(row: Row, i: number): number {
    let p = row.head - row.count + i;
    if (p < 0) p += SPARK_POINTS;
    return row.values[p]!;
  }

  private push(row: Row, v: number): void {
    row.values[row.head] = v;
    row.head = (row.head + 1) % SPARK_POINTS;
    if (row.count < SPARK_POINTS) row.count++;
  }

  private onTickData(cpu: Record<string, number | null> | undefined): void {
    if (!cpu) return;
    for (const uuid in cpu) {
      const row = this.rows.get(uuid);
      if (!row) continue;
      this.push(row, cpu[uuid] ?? NaN);
      if (row.visible) this.markDirty(row);
      else row.dirty = true;
    }
  }

  private markDirty(row: Row): void {
    row.dirty = true;
    if (!this.frame && !document.hidden) this.frame = requestAnimationFrame(this.draw);
  }

  private readonly draw = (): void => {
    this.frame = 0;
    for (const row of this.rows.values()) {
      if (!row.dirty || !row.visible || !row.canvas) continue;
      row.dirty = false;
      this.drawRow(row);
    }
  };

  private drawRow(row: Row): void {
    const c = row.canvas!;
    const ctx = (row.ctx ??= c.getContext('2d'));
    if (!ctx) return;
    const w = c.width;
    const h = c.height;
    ctx.clearRect(0, 0, w, h);
    if (row.count === 0) return;
    const step = w / (SPARK_POINTS - 1);
    const x0 = (SPARK_POINTS - row.count) * step;
    ctx.lineWidth = Math.max(1, h / 20);
    ctx.strokeStyle = this.color;
    ctx.fillStyle = this.color + '33';
    ctx.beginPath();
    let open = false;
    let firstX = 0;
    let lastX = 0;
    const flush = () => {
      if (!open) return;
      ctx.stroke();
      ctx.lineTo(lastX, h);
      ctx.lineTo(firstX, h);
      ctx.closePath();
      ctx.fill();
      ctx.beginPath();
      open = false;
    };
    for (let i = 0; i < row.count; i++) {
      const v = this.at(row, i);
      const x = x0 + i * step;
      if (!Number.isFinite(v)) {
        flush();
        continue;
      }
      const y = h - 1 - (Math.min(100, Math.max(0, v)) / 100) * (h - 2);
      if (!open) {
        ctx.moveTo(x, y);
        firstX = x;
        open = true;
      } else ctx.lineTo(x, y);
      lastX = x;
    }
    flush();
    const last = this.at(row, row.count - 1);
    c.title = Number.isFinite(last) ? `CPU ${last.toFixed(1)} %` : '';
  }
}

const hubs = new Map<string, SparkHub>();

export const sparkHub = (connectionId: string): SparkHub => {
  let h = hubs.get(connectionId);
  if (!h) hubs.set(connectionId, (h = new SparkHub(connectionId)));
  return h;
};
