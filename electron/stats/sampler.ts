/**
 * Stats sampler: per connected connection, ONE connectGetAllDomainStats call per tick for every VM
 * plus the host CPU/memory counters; rates are derived (rates.ts) and kept for an hour (ring.ts).
 * Renderers subscribe to what they show and get just those latest points pushed.
 *
 * Decision: every connected connection is sampled, subscribers or not, so a graph opened later has
 * its past. That stays cheap: one round trip for all VMs, no per-tick allocation in the history, and
 * history blocks are allocated only for VMs that have been running.
 */
import { performance } from 'node:perf_hooks';
import {
  VM_HISTORY_SERIES,
  type HostPoint,
  type StatsHistory,
  type StatsHistoryInput,
  type StatsSubscribeInput,
  type StatsTick,
  type VmPoint,
} from '../../shared/contract/stats.js';
import {
  DomainState,
  DomainStatsTypes,
  VIR_NODE_CPU_STATS_ALL_CPUS,
  VIR_NODE_MEMORY_STATS_ALL_CELLS,
} from '../libvirt/index.js';
import { CoreError } from '../base/errors.js';
import { SeriesBlock, TickClock } from './ring.js';
import {
  DomainRateTracker,
  hostCpuPercent,
  parseHostCpuStats,
  parseHostMemoryStats,
  type HostCpuCounters,
  type NodeStats,
  type StatParam,
  type VmRates,
} from './rates.js';

/** The stats groups sampled each tick (virDomainStatsTypes). */
export const SAMPLED_STATS =
  DomainStatsTypes.STATE |
  DomainStatsTypes.CPU_TOTAL |
  DomainStatsTypes.BALLOON |
  DomainStatsTypes.VCPU |
  DomainStatsTypes.INTERFACE |
  DomainStatsTypes.BLOCK;

/**
 * The part of the wire client the sampler uses. Hand-written and structural so the unit tests and the
 * bench can fake it (records with plain values, a generic `call` over two procedures only); the
 * composition root (core/services.ts) passes the real LibvirtClient without a cast, so the compiler
 * keeps this a true subset of it.
 */
export interface StatsClientPort {
  connectGetAllDomainStats(
    stats: number,
    flags?: number,
  ): Promise<{ dom: { uuid: string; name: string; id: number }; params: StatParam[] }[]>;
  nodeGetCPUStats?(cpuNum?: number, flags?: number): Promise<NodeStats>;
  nodeGetMemoryStats?(cellNum?: number, flags?: number): Promise<NodeStats>;
  nodeGetInfo?(): Promise<{ cpus: number }>;
  /**
   * The wire client's generic call: used to ask nodeGetCPUStats/nodeGetMemoryStats with the known
   * parameter count in one round trip instead of the convenience methods' two.
   */
  call?(name: string, args: unknown): Promise<unknown>;
}

type NodeStatsProc = 'nodeGetCPUStats' | 'nodeGetMemoryStats';

/** A stats record as the convenience method (uuid string) or the raw wire call (uuid bytes) gives it. */
interface RawRecord {
  dom: { name: string; uuid: string | Uint8Array; id: number };
  params: StatParam[];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 16 bytes → canonical 8-4-4-4-12 lower-case UUID. */
export function uuidString(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]!];
  }
  return s;
}

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Whether a record is the domain `vm` (same UUID, same name: a rename goes through the maps). */
const sameDomain = (vm: VmState, dom: RawRecord['dom']): boolean =>
  vm.name === dom.name &&
  (typeof dom.uuid === 'string'
    ? vm.uuid === dom.uuid
    : vm.uuidBytes !== null && bytesEqual(vm.uuidBytes, dom.uuid));

/**
 * Subscriptions (distinct ids) one session (a window or web-mode tab) may hold, and all together. The
 * UI needs a handful (host graphs, the visible list rows, one per open performance view); the caps keep
 * one renderer from making every tick fan out to thousands of subscriptions.
 */
export interface StatsLimits {
  subscriptionsPerSession: number;
  subscriptionsTotal: number;
}
export const STATS_LIMITS: Readonly<StatsLimits> = Object.freeze({
  subscriptionsPerSession: 64,
  subscriptionsTotal: 2048,
});

export interface SamplerOptions {
  /** Override STATS_LIMITS (tests). */
  limits?: Partial<StatsLimits>;
  /** Sampling interval, ms (default 1000, or $VIRTDESK_STATS_INTERVAL_MS). */
  intervalMs?: number;
  /** History kept, seconds (default 3600). */
  historySeconds?: number;
  /** Wall clock for sample timestamps (ms since the epoch). */
  now?: () => number;
  /** Do not start timers (tests and benchmarks drive `tick()` themselves). */
  manual?: boolean;
}

/** Index of each history series inside a VM's SeriesBlock. */
const VM_SERIES_INDEX: Record<(typeof VM_HISTORY_SERIES)[number], number> = {
  cpu: 0,
  memUsed: 1,
  diskRd: 2,
  diskWr: 3,
  netRx: 4,
  netTx: 5,
};
const HOST_SERIES = ['cpu', 'memUsed', 'memTotal'] as const;

interface VmState {
  uuid: string;
  /** the wire's UUID bytes (raw path), copied once, to recognise the domain at its record position */
  uuidBytes: Uint8Array | null;
  name: string;
  tracker: DomainRateTracker;
  /** allocated the first time the VM is seen active */
  block: SeriesBlock | null;
  seenTick: number;
}

interface ConnState {
  id: string;
  client: StatsClientPort;
  hostCpus: number;
  clock: TickClock;
  host: SeriesBlock;
  hostLatest: HostPoint | null;
  prevHostCpu: HostCpuCounters | null;
  /** ticks to skip before retrying a host call the driver does not support */
  cpuStatsBackoff: number;
  memStatsBackoff: number;
  /** parameter counts learned from the first answer (0 = unknown) */
  nparams: Record<NodeStatsProc, number>;
  vms: Map<string, VmState>;
  /** use the client's generic call for connectGetAllDomainStats (raw wire records) */
  raw: boolean;
  /** name → uuid bytes and string, so the raw path does not format 1,000 UUIDs per tick */
  uuidCache: Map<string, { bytes: Uint8Array; uuid: string }>;
  /**
   * The VM seen at each record position last tick. The daemon lists domains in a stable order, so a
   * tick normally recognises each domain by comparing its name and UUID bytes with the slot's, without
   * hashing a freshly decoded name or UUID into the maps.
   */
  slots: VmState[];
  timer: NodeJS.Timeout | null;
  inFlight: boolean;
  lastTickAt: number;
  skipped: number;
  errors: number;
  lastError: string | null;
  closed: boolean;
}

type Sub = StatsSubscribeInput & { connectionId: string };

interface SessionSubs {
  send: (tick: StatsTick) => void;
  subs: Map<string, Sub>;
}

const nn = (v: number): number | null => (Number.isFinite(v) ? v : null);

const toPoint = (r: VmRates): VmPoint => ({
  state: nn(r.state),
  cpu: nn(r.cpu),
  cpuHost: nn(r.cpuHost),
  memUsed: nn(r.memUsed),
  memAssigned: nn(r.memAssigned),
  diskRd: nn(r.diskRd),
  diskWr: nn(r.diskWr),
  diskRdIops: nn(r.diskRdIops),
  diskWrIops: nn(r.diskWrIops),
  netRx: nn(r.netRx),
  netTx: nn(r.netTx),
});

const isActive = (s: number): boolean =>
  s === DomainState.RUNNING || s === DomainState.BLOCKED || s === DomainState.PAUSED;

export class StatsSampler {
  readonly intervalMs: number;
  readonly capacity: number;
  private readonly now: () => number;
  private readonly manual: boolean;
  private readonly conns = new Map<string, ConnState>();
  private readonly sessions = new Map<string, SessionSubs>();
  /** scratch row written into a VM block each tick (no allocation) */
  private readonly row = new Float64Array(VM_HISTORY_SERIES.length);
  private readonly hostRow = new Float64Array(HOST_SERIES.length);

  private readonly limits: StatsLimits;

  constructor(opts: SamplerOptions = {}) {
    this.limits = { ...STATS_LIMITS, ...opts.limits };
    const envInterval = Number(process.env.VIRTDESK_STATS_INTERVAL_MS);
    this.intervalMs = Math.max(100, opts.intervalMs ?? (envInterval > 0 ? envInterval : 1000));
    const seconds = opts.historySeconds ?? 3600;
    this.capacity = Math.max(1, Math.round((seconds * 1000) / this.intervalMs));
    this.now = opts.now ?? Date.now;
    this.manual = opts.manual ?? false;
  }

  // ---- connections --------------------------------------------------------------------------------

  /** Starts sampling a connected connection (replaces a previous client of the same id). */
  attach(connectionId: string, client: StatsClientPort): void {
    this.detach(connectionId);
    const clock = new TickClock(this.capacity);
    const c: ConnState = {
      id: connectionId,
      client,
      hostCpus: 0,
      clock,
      host: new SeriesBlock(clock, HOST_SERIES.length, 'f64'),
      hostLatest: null,
      prevHostCpu: null,
      cpuStatsBackoff: 0,
      memStatsBackoff: 0,
      nparams: { nodeGetCPUStats: 0, nodeGetMemoryStats: 0 },
      vms: new Map(),
      raw: typeof client.call === 'function',
      uuidCache: new Map(),
      slots: [],
      timer: null,
      inFlight: false,
      lastTickAt: 0,
      skipped: 0,
      errors: 0,
      lastError: null,
      closed: false,
    };
    this.conns.set(connectionId, c);
    if (client.nodeGetInfo) {
      client.nodeGetInfo().then(
        (info) => {
          c.hostCpus = info.cpus;
        },
        () => undefined,
      );
    }
    if (!this.manual) {
      c.timer = setInterval(() => void this.tick(connectionId), this.intervalMs);
      c.timer.unref?.();
      void this.tick(connectionId);
    }
  }

  /** Stops sampling a connection and drops its history. */
  detach(connectionId: string): void {
    const c = this.conns.get(connectionId);
    if (!c) return;
    c.closed = true;
    if (c.timer) clearInterval(c.timer);
    this.conns.delete(connectionId);
  }

  isAttached(connectionId: string): boolean {
    return this.conns.has(connectionId);
  }

  stop(): void {
    for (const id of [...this.conns.keys()]) this.detach(id);
    this.sessions.clear();
  }

  /** Sets the host CPU count used for "% of host" (normally read with nodeGetInfo on attach). */
  setHostCpus(connectionId: string, cpus: number): void {
    const c = this.conns.get(connectionId);
    if (c) c.hostCpus = cpus;
  }

  // ---- sampling -----------------------------------------------------------------------------------

  /**
   * One sampling tick of one connection. A tick that starts while the previous one is still waiting
   * for the daemon is skipped (never queued).
   */
  async tick(connectionId: string): Promise<boolean> {
    const c = this.conns.get(connectionId);
    if (!c || c.inFlight) {
      if (c) c.skipped++;
      return false;
    }
    c.inFlight = true;
    try {
      const t = this.now();
      const wantCpu = c.client.nodeGetCPUStats && c.cpuStatsBackoff-- <= 0;
      const wantMem = c.client.nodeGetMemoryStats && c.memStatsBackoff-- <= 0;
      const [records, cpuStats, memStats] = await Promise.all([
        this.allDomainStats(c),
        wantCpu
          ? this.nodeStats(c, 'nodeGetCPUStats').catch(() => {
              c.cpuStatsBackoff = 60;
              return null;
            })
          : null,
        wantMem
          ? this.nodeStats(c, 'nodeGetMemoryStats').catch(() => {
              c.memStatsBackoff = 60;
              return null;
            })
          : null,
      ]);
      if (c.closed) return false;
      const mono = performance.now();
      c.clock.advance(t);
      const tickNo = c.clock.tick;

      const slots = c.slots;
      for (let i = 0; i < records.length; i++) {
        const rec = records[i]!;
        let vm = i < slots.length ? slots[i]! : undefined;
        if (vm === undefined || !sameDomain(vm, rec.dom)) {
          vm = this.vmOf(c, rec.dom);
          if (i < slots.length) slots[i] = vm;
          else slots.push(vm);
        }
        vm.seenTick = tickNo;
        const r = vm.tracker.update(rec.params, mono, rec.dom.id, c.hostCpus);
        if (!vm.block) {
          if (!isActive(r.state)) continue; // never ran while we watched: no history to keep
          vm.block = new SeriesBlock(c.clock, VM_HISTORY_SERIES.length, 'f32');
        }
        const row = this.row;
        row[0] = r.cpu;
        row[1] = r.memUsed;
        row[2] = r.diskRd;
        row[3] = r.diskWr;
        row[4] = r.netRx;
        row[5] = r.netTx;
        vm.block.write(row);
      }
      // domains that disappeared were undefined: forget them
      if (c.vms.size > records.length) {
        for (const [uuid, vm] of c.vms) if (vm.seenTick !== tickNo) c.vms.delete(uuid);
        c.uuidCache.clear();
      }
      if (slots.length > records.length) slots.length = records.length;

      let cpuPct = NaN;
      if (cpuStats) {
        const cur = parseHostCpuStats(cpuStats, mono);
        cpuPct = hostCpuPercent(c.prevHostCpu, cur);
        c.prevHostCpu = cur;
      }
      const mem = memStats ? parseHostMemoryStats(memStats) : null;
      this.hostRow[0] = cpuPct;
      this.hostRow[1] = mem ? mem.used : NaN;
      this.hostRow[2] = mem ? mem.total : NaN;
      c.host.write(this.hostRow);
      c.hostLatest = {
        cpu: nn(cpuPct),
        memUsed: mem ? nn(mem.used) : null,
        memTotal: mem ? nn(mem.total) : null,
      };
      c.lastTickAt = t;
      c.lastError = null;
      this.push(c, t);
      return true;
    } catch (e) {
      c.errors++;
      c.lastError = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      c.inFlight = false;
    }
  }

  /**
   * All domains' stats in one call. With the wire client, the generic `call` returns the decoded XDR
   * records directly (UUID bytes, `{ tag, value }` parameters), which saves re-mapping 1,000 records
   * and formatting 1,000 UUIDs per tick; anything unexpected falls back to the convenience method.
   */
  private async allDomainStats(c: ConnState): Promise<readonly RawRecord[]> {
    if (c.raw) {
      const r = (await c.client.call!('connectGetAllDomainStats', {
        doms: [],
        stats: SAMPLED_STATS,
        flags: 0,
      })) as { retStats?: RawRecord[] } | null;
      const recs = r?.retStats;
      if (Array.isArray(recs) && (recs.length === 0 || recs[0]!.dom.uuid instanceof Uint8Array)) return recs;
      c.raw = false;
    }
    return c.client.connectGetAllDomainStats(SAMPLED_STATS, 0);
  }

  /** The VM of a record not found at its usual position (first tick, domain list changed). */
  private vmOf(c: ConnState, dom: RawRecord['dom']): VmState {
    const raw = typeof dom.uuid !== 'string';
    const uuid = typeof dom.uuid === 'string' ? dom.uuid : this.uuidOf(c, dom.name, dom.uuid);
    let vm = c.vms.get(uuid);
    if (!vm) {
      vm = {
        uuid,
        uuidBytes: null,
        name: dom.name,
        tracker: new DomainRateTracker(),
        block: null,
        seenTick: 0,
      };
      c.vms.set(uuid, vm);
    }
    if (raw && vm.uuidBytes === null) vm.uuidBytes = Uint8Array.from(dom.uuid as Uint8Array);
    // keep the old string when unchanged: retaining each tick's decoded copy would promote garbage
    if (vm.name !== dom.name) vm.name = dom.name;
    return vm;
  }

  private uuidOf(c: ConnState, name: string, bytes: Uint8Array): string {
    const hit = c.uuidCache.get(name);
    if (hit && bytesEqual(hit.bytes, bytes)) return hit.uuid;
    const uuid = uuidString(bytes);
    c.uuidCache.set(name, { bytes: Uint8Array.from(bytes), uuid });
    return uuid;
  }

  /** Host CPU/memory counters of all CPUs/cells; one round trip once the parameter count is known. */
  private async nodeStats(c: ConnState, proc: NodeStatsProc): Promise<NodeStats> {
    const n = c.nparams[proc];
    if (n > 0 && c.client.call) {
      const args =
        proc === 'nodeGetCPUStats'
          ? { cpuNum: VIR_NODE_CPU_STATS_ALL_CPUS, nparams: n, flags: 0 }
          : { nparams: n, cellNum: VIR_NODE_MEMORY_STATS_ALL_CELLS, flags: 0 };
      const r = (await c.client.call(proc, args)) as { params: StatParam[] };
      return r.params;
    }
    const all = proc === 'nodeGetCPUStats' ? VIR_NODE_CPU_STATS_ALL_CPUS : VIR_NODE_MEMORY_STATS_ALL_CELLS;
    const rec = await c.client[proc]!(all, 0);
    c.nparams[proc] = Array.isArray(rec) ? rec.length : Object.keys(rec).length;
    return rec;
  }

  // ---- subscriptions ------------------------------------------------------------------------------

  /** Adds or replaces (same id) a subscription of one session; a new id beyond the caps is refused. */
  subscribe(sessionId: string, send: (tick: StatsTick) => void, sub: StatsSubscribeInput): void {
    let s = this.sessions.get(sessionId);
    if (!s?.subs.has(sub.id)) {
      const { subscriptionsPerSession: mine, subscriptionsTotal: all } = this.limits;
      if ((s?.subs.size ?? 0) >= mine)
        throw new CoreError(
          'limit-reached',
          `Too many stats subscriptions in this window (the limit is ${mine}); unsubscribe one first.`,
        );
      if (this.subscriptionCount() >= all)
        throw new CoreError(
          'limit-reached',
          `Too many stats subscriptions in VirtDesk (the limit is ${all} for all windows together); unsubscribe one first.`,
        );
    }
    if (!s) {
      s = { send, subs: new Map() };
      this.sessions.set(sessionId, s);
    }
    s.send = send;
    s.subs.set(sub.id, sub as Sub);
  }

  unsubscribe(sessionId: string, id: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    s.subs.delete(id);
    if (s.subs.size === 0) this.sessions.delete(sessionId);
  }

  dropSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  subscriptionCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.subs.size;
    return n;
  }

  private push(c: ConnState, t: number): void {
    for (const s of this.sessions.values()) {
      let tick: StatsTick | null = null;
      for (const sub of s.subs.values()) {
        if (sub.connectionId !== c.id) continue;
        tick ??= { connectionId: c.id, t, intervalMs: this.intervalMs };
        if (sub.kind === 'host') {
          tick.host = c.hostLatest ?? { cpu: null, memUsed: null, memTotal: null };
        } else if (sub.kind === 'vms') {
          tick.vms ??= {};
          for (const uuid of sub.vmUuids) {
            const vm = c.vms.get(uuid);
            if (vm) tick.vms[uuid] = toPoint(vm.tracker.rates);
          }
        } else {
          tick.cpu ??= {};
          for (const uuid of sub.vmUuids) {
            const vm = c.vms.get(uuid);
            if (vm) tick.cpu[uuid] = nn(vm.tracker.rates.cpu);
          }
        }
      }
      if (tick) {
        try {
          s.send(tick);
        } catch {
          /* a renderer that went away is cleaned up by its session close */
        }
      }
    }
  }

  // ---- reads --------------------------------------------------------------------------------------

  /** Latest point of one VM (null when unknown). */
  latest(connectionId: string, uuid: string): VmPoint | null {
    const vm = this.conns.get(connectionId)?.vms.get(uuid);
    return vm ? toPoint(vm.tracker.rates) : null;
  }

  latestHost(connectionId: string): HostPoint | null {
    return this.conns.get(connectionId)?.hostLatest ?? null;
  }

  status(connectionId: string): {
    ticks: number;
    skipped: number;
    errors: number;
    lastError: string | null;
    vms: number;
    raw: boolean;
  } | null {
    const c = this.conns.get(connectionId);
    if (!c) return null;
    return {
      ticks: c.clock.tick,
      skipped: c.skipped,
      errors: c.errors,
      lastError: c.lastError,
      vms: c.vms.size,
      raw: c.raw,
    };
  }

  history(input: StatsHistoryInput): StatsHistory {
    const c = this.conns.get(input.connectionId);
    const n = Math.ceil((input.seconds * 1000) / this.intervalMs);
    const empty: StatsHistory = { intervalMs: this.intervalMs, t: [], series: {} };
    if (!c) return empty;
    const nulls = (a: number[]): (number | null)[] => a.map((v) => (Number.isFinite(v) ? v : null));
    if (input.target === 'host') {
      const r = c.host.read(n);
      return {
        intervalMs: this.intervalMs,
        t: r.times,
        series: Object.fromEntries(HOST_SERIES.map((k, i) => [k, nulls(r.series[i]!)])),
      };
    }
    if (input.target === 'vm') {
      const vm = c.vms.get(input.vmUuid);
      if (!vm?.block) return { ...empty, series: Object.fromEntries(VM_HISTORY_SERIES.map((k) => [k, []])) };
      const r = vm.block.read(n);
      return {
        intervalMs: this.intervalMs,
        t: r.times,
        series: Object.fromEntries(VM_HISTORY_SERIES.map((k) => [k, nulls(r.series[VM_SERIES_INDEX[k]]!)])),
      };
    }
    // list: CPU of several VMs on the connection's common time axis
    const k = Math.min(n, c.clock.times.length);
    const t = c.clock.times.toArray(k);
    const series: Record<string, (number | null)[]> = {};
    for (const uuid of input.vmUuids) {
      const vm = c.vms.get(uuid);
      if (!vm?.block) {
        series[uuid] = new Array<number | null>(k).fill(null);
        continue;
      }
      const r = vm.block.read(k, [VM_SERIES_INDEX.cpu]);
      const pad = k - r.times.length;
      series[uuid] = [...new Array<null>(pad).fill(null), ...nulls(r.series[0]!)];
    }
    return { intervalMs: this.intervalMs, t, series };
  }

  /** Bytes held by the history buffers (all connections). */
  historyBytes(): number {
    let b = 0;
    for (const c of this.conns.values()) {
      b += c.clock.times.data.byteLength + c.host.byteLength;
      for (const vm of c.vms.values()) b += vm.block?.byteLength ?? 0;
    }
    return b;
  }
}
