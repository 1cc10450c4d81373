/**
 * Rate derivation from consecutive libvirt stats samples (pure, no I/O).
 *
 * `connectGetAllDomainStats` returns cumulative counters (cpu.time in ns, block/net byte and request
 * counters) and gauges (balloon.*, vcpu.current). A rate needs two samples of the same domain run; the
 * first sample of a run only sets the baseline. Whenever a counter goes backwards (the VM was restarted,
 * a disk or NIC was unplugged, a counter wrapped) the rate for that tick is "no value" (NaN, never
 * negative) and the new value becomes the baseline. A change of the domain id (restart) or a
 * non-running state resets every baseline.
 *
 * Per-tick work reuses preallocated objects (`DomainCounters`, `VmRates`), so sampling 1,000 VMs each
 * second produces no garbage beyond what the wire client decodes.
 */
import { DomainState } from '../libvirt/index.js';

/** Structural subset of the wire client's TypedParam. */
export interface StatParam {
  field: string;
  /** a plain value, or the wire form `{ tag, value }` of remote_typed_param_value */
  value: number | boolean | string | bigint | { tag: number; value: number | bigint | string };
}

/** Raw figures of one domain at one instant; NaN = not reported. Memory figures are KiB. */
export interface DomainCounters {
  /** wall time of the sample, ms (monotonic clock preferred) */
  t: number;
  /** domain id (-1 inactive); a change means the domain was restarted */
  id: number;
  state: number;
  cpuTime: number;
  vcpus: number;
  balloonCurrent: number;
  balloonMaximum: number;
  balloonAvailable: number;
  balloonUnused: number;
  balloonUsable: number;
  balloonRss: number;
  blockCount: number;
  rdBytes: number;
  wrBytes: number;
  rdReqs: number;
  wrReqs: number;
  netCount: number;
  rxBytes: number;
  txBytes: number;
}

export const newCounters = (): DomainCounters => ({
  t: NaN,
  id: -1,
  state: NaN,
  cpuTime: NaN,
  vcpus: NaN,
  balloonCurrent: NaN,
  balloonMaximum: NaN,
  balloonAvailable: NaN,
  balloonUnused: NaN,
  balloonUsable: NaN,
  balloonRss: NaN,
  blockCount: NaN,
  rdBytes: NaN,
  wrBytes: NaN,
  rdReqs: NaN,
  wrReqs: NaN,
  netCount: NaN,
  rxBytes: NaN,
  txBytes: NaN,
});

const num = (v: StatParam['value']): number =>
  typeof v === 'number'
    ? v
    : typeof v === 'bigint'
      ? Number(v)
      : typeof v === 'boolean'
        ? v
          ? 1
          : 0
        : typeof v === 'object' && v !== null
          ? typeof v.value === 'string'
            ? NaN
            : Number(v.value)
          : NaN;

/** Adds `v` to a sum that starts as NaN ("nothing reported yet"). */
const add = (sum: number, v: number): number => (Number.isNaN(sum) ? v : sum + v);

/**
 * Parses one domain's typed parameters into `into` (reset first). Sums block.N.* and net.N.* over all
 * devices. Unknown fields are ignored.
 */
export function parseDomainStats(
  params: readonly StatParam[],
  t: number,
  id: number,
  into: DomainCounters = newCounters(),
): DomainCounters {
  into.t = t;
  into.id = id;
  into.state = NaN;
  into.cpuTime = NaN;
  into.vcpus = NaN;
  into.balloonCurrent = NaN;
  into.balloonMaximum = NaN;
  into.balloonAvailable = NaN;
  into.balloonUnused = NaN;
  into.balloonUsable = NaN;
  into.balloonRss = NaN;
  into.blockCount = NaN;
  into.rdBytes = NaN;
  into.wrBytes = NaN;
  into.rdReqs = NaN;
  into.wrReqs = NaN;
  into.netCount = NaN;
  into.rxBytes = NaN;
  into.txBytes = NaN;
  let vcpuMax = NaN;
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const f = p.field;
    switch (f.charCodeAt(0)) {
      case 115: // s
        if (f === 'state.state') into.state = num(p.value);
        break;
      case 99: // c
        if (f === 'cpu.time') into.cpuTime = num(p.value);
        break;
      case 118: // v
        if (f === 'vcpu.current') into.vcpus = num(p.value);
        else if (f === 'vcpu.maximum') vcpuMax = num(p.value);
        break;
      case 98: // b
        if (f.startsWith('balloon.')) {
          switch (f) {
            case 'balloon.current':
              into.balloonCurrent = num(p.value);
              break;
            case 'balloon.maximum':
              into.balloonMaximum = num(p.value);
              break;
            case 'balloon.available':
              into.balloonAvailable = num(p.value);
              break;
            case 'balloon.unused':
              into.balloonUnused = num(p.value);
              break;
            case 'balloon.usable':
              into.balloonUsable = num(p.value);
              break;
            case 'balloon.rss':
              into.balloonRss = num(p.value);
              break;
          }
        } else if (f.startsWith('block.')) {
          if (f === 'block.count') into.blockCount = num(p.value);
          else if (f.endsWith('.rd.bytes')) into.rdBytes = add(into.rdBytes, num(p.value));
          else if (f.endsWith('.wr.bytes')) into.wrBytes = add(into.wrBytes, num(p.value));
          else if (f.endsWith('.rd.reqs')) into.rdReqs = add(into.rdReqs, num(p.value));
          else if (f.endsWith('.wr.reqs')) into.wrReqs = add(into.wrReqs, num(p.value));
        }
        break;
      case 110: // n
        if (f === 'net.count') into.netCount = num(p.value);
        else if (f.startsWith('net.')) {
          if (f.endsWith('.rx.bytes')) into.rxBytes = add(into.rxBytes, num(p.value));
          else if (f.endsWith('.tx.bytes')) into.txBytes = add(into.txBytes, num(p.value));
        }
        break;
    }
  }
  if (Number.isNaN(into.vcpus)) into.vcpus = vcpuMax;
  // A domain with zero disks/NICs reports count 0 and no per-device fields: that is a real 0.
  if (into.blockCount === 0) {
    into.rdBytes = into.wrBytes = into.rdReqs = into.wrReqs = 0;
  }
  if (into.netCount === 0) into.rxBytes = into.txBytes = 0;
  return into;
}

/** Derived figures for one domain at one tick. NaN = no value (first sample, reset, not reported). */
export interface VmRates {
  state: number;
  /** % of the VM's own vCPUs (0–100) */
  cpu: number;
  /** % of the whole host (0–100) */
  cpuHost: number;
  /** bytes in use inside the guest (or RSS of the QEMU process when the guest does not report) */
  memUsed: number;
  /** bytes assigned to the guest (balloon current, else maximum) */
  memAssigned: number;
  diskRd: number;
  diskWr: number;
  diskRdIops: number;
  diskWrIops: number;
  netRx: number;
  netTx: number;
}

export const newRates = (): VmRates => ({
  state: NaN,
  cpu: NaN,
  cpuHost: NaN,
  memUsed: NaN,
  memAssigned: NaN,
  diskRd: NaN,
  diskWr: NaN,
  diskRdIops: NaN,
  diskWrIops: NaN,
  netRx: NaN,
  netTx: NaN,
});

const isActive = (state: number): boolean =>
  state === DomainState.RUNNING || state === DomainState.BLOCKED || state === DomainState.PAUSED;

/**
 * Rate of a cumulative counter per second. NaN when either value is missing, the counter went backwards
 * (restart/reset/wrap: the caller's next baseline is the new value) or no time passed.
 */
export function counterRate(prev: number, cur: number, dtSeconds: number): number {
  if (!(dtSeconds > 0) || Number.isNaN(prev) || Number.isNaN(cur)) return NaN;
  const d = cur - prev;
  if (d < 0) return NaN;
  return d / dtSeconds;
}

const KIB = 1024;

/** Guest memory in use (bytes) following the best figure the guest reports. */
export function memoryUsed(c: DomainCounters): number {
  if (!Number.isNaN(c.balloonAvailable)) {
    if (!Number.isNaN(c.balloonUsable)) return Math.max(0, c.balloonAvailable - c.balloonUsable) * KIB;
    if (!Number.isNaN(c.balloonUnused)) return Math.max(0, c.balloonAvailable - c.balloonUnused) * KIB;
  }
  if (!Number.isNaN(c.balloonCurrent) && !Number.isNaN(c.balloonUnused))
    return Math.max(0, c.balloonCurrent - c.balloonUnused) * KIB;
  if (!Number.isNaN(c.balloonRss)) return c.balloonRss * KIB;
  return NaN;
}

export function memoryAssigned(c: DomainCounters): number {
  if (!Number.isNaN(c.balloonCurrent)) return c.balloonCurrent * KIB;
  if (!Number.isNaN(c.balloonMaximum)) return c.balloonMaximum * KIB;
  return NaN;
}

const clampPct = (v: number): number => (Number.isNaN(v) ? NaN : v < 0 ? 0 : v > 100 ? 100 : v);

/**
 * Derives the rates of `cur` against `prev` (null for the first sample). `hostCpus` is the number of
 * host logical CPUs (nodeGetInfo.cpus). Writes into and returns `out`.
 */
export function computeRates(
  prev: DomainCounters | null,
  cur: DomainCounters,
  hostCpus: number,
  out: VmRates = newRates(),
): VmRates {
  out.state = cur.state;
  out.memUsed = isActive(cur.state) || Number.isNaN(cur.state) ? memoryUsed(cur) : NaN;
  out.memAssigned = memoryAssigned(cur);
  const sameRun =
    prev !== null &&
    prev.id === cur.id &&
    cur.id !== -1 &&
    (isActive(cur.state) || Number.isNaN(cur.state)) &&
    (isActive(prev.state) || Number.isNaN(prev.state));
  const dt = sameRun ? (cur.t - prev.t) / 1000 : NaN;
  if (!sameRun || !(dt > 0)) {
    out.cpu = out.cpuHost = NaN;
    out.diskRd = out.diskWr = out.diskRdIops = out.diskWrIops = out.netRx = out.netTx = NaN;
    return out;
  }
  const cpuNsPerSec = counterRate(prev.cpuTime, cur.cpuTime, dt);
  const vcpus = cur.vcpus > 0 ? cur.vcpus : 1;
  out.cpu = clampPct((cpuNsPerSec / 1e9 / vcpus) * 100);
  out.cpuHost = hostCpus > 0 ? clampPct((cpuNsPerSec / 1e9 / hostCpus) * 100) : NaN;
  out.diskRd = counterRate(prev.rdBytes, cur.rdBytes, dt);
  out.diskWr = counterRate(prev.wrBytes, cur.wrBytes, dt);
  out.diskRdIops = counterRate(prev.rdReqs, cur.rdReqs, dt);
  out.diskWrIops = counterRate(prev.wrReqs, cur.wrReqs, dt);
  out.netRx = counterRate(prev.rxBytes, cur.rxBytes, dt);
  out.netTx = counterRate(prev.txBytes, cur.txBytes, dt);
  return out;
}

/**
 * Keeps the previous counters of one domain and derives rates tick after tick. Two counter objects are
 * swapped, nothing is allocated per tick.
 */
export class DomainRateTracker {
  private a = newCounters();
  private b = newCounters();
  private hasPrev = false;
  readonly rates = newRates();

  /** Feeds the next sample; returns the (reused) rates object. */
  update(params: readonly StatParam[], t: number, id: number, hostCpus: number): VmRates {
    const cur = parseDomainStats(params, t, id, this.b);
    computeRates(this.hasPrev ? this.a : null, cur, hostCpus, this.rates);
    // swap: cur becomes prev
    this.b = this.a;
    this.a = cur;
    this.hasPrev = true;
    return this.rates;
  }

  reset(): void {
    this.hasPrev = false;
  }
}

/** Host CPU counters from nodeGetCPUStats(VIR_NODE_CPU_STATS_ALL_CPUS): ns, cumulative. */
export interface HostCpuCounters {
  t: number;
  /** sum of all counters (kernel+user+idle+iowait) */
  total: number;
  /** idle + iowait */
  idle: number;
  /** some drivers report a ready-made utilization % instead */
  utilization: number;
}

/** The wire client returns node stats as a record; tests may pass typed-param lists. */
export type NodeStats = readonly StatParam[] | Readonly<Record<string, number>>;

const entries = (s: NodeStats): readonly StatParam[] =>
  Array.isArray(s)
    ? (s as readonly StatParam[])
    : Object.entries(s).map(([field, value]) => ({ field, value }));

export function parseHostCpuStats(stats: NodeStats, t: number): HostCpuCounters {
  const params = entries(stats);
  let total = NaN;
  let idle = NaN;
  let utilization = NaN;
  for (const p of params) {
    const v = num(p.value);
    switch (p.field) {
      case 'kernel':
      case 'user':
        total = add(total, v);
        break;
      case 'idle':
      case 'iowait':
        total = add(total, v);
        idle = add(idle, v);
        break;
      case 'utilization':
        utilization = v;
        break;
    }
  }
  return { t, total, idle, utilization };
}

/** Host CPU % busy between two samples. */
export function hostCpuPercent(prev: HostCpuCounters | null, cur: HostCpuCounters): number {
  if (!Number.isNaN(cur.utilization)) return clampPct(cur.utilization);
  if (!prev) return NaN;
  const dTotal = cur.total - prev.total;
  const dIdle = cur.idle - prev.idle;
  if (!(dTotal > 0) || Number.isNaN(dIdle) || dIdle < 0) return NaN;
  return clampPct((1 - dIdle / dTotal) * 100);
}

/** Host memory from nodeGetMemoryStats(VIR_NODE_MEMORY_STATS_ALL_CELLS): KiB → bytes. */
export interface HostMemory {
  total: number;
  used: number;
  free: number;
}

export function parseHostMemoryStats(stats: NodeStats): HostMemory {
  const params = entries(stats);
  let total = NaN;
  let free = NaN;
  let buffers = 0;
  let cached = 0;
  for (const p of params) {
    const v = num(p.value);
    if (p.field === 'total') total = v;
    else if (p.field === 'free') free = v;
    else if (p.field === 'buffers') buffers = v;
    else if (p.field === 'cached') cached = v;
  }
  const used = Number.isNaN(total) || Number.isNaN(free) ? NaN : Math.max(0, total - free - buffers - cached);
  return { total: total * KIB, used: used * KIB, free: free * KIB };
}
