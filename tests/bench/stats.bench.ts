/**
 * Stats sampler cost at 1 Hz with 1,000 running test-driver domains on a private daemon:
 * - stats.main_cpu_per_tick  main-process CPU while sampling (process.cpuUsage over N ticks / wall), %,
 *                            minus the same process's idle baseline measured just before; the wire
 *                            client and the sampler are the built ones (dist/), as the app runs them
 * - stats.history_mb         memory of an hour of history for 1,000 VMs (the larger of: the buffers'
 *                            byteLength, and the measured heap+ArrayBuffer delta after filling 3,600
 *                            ticks synthetically with full-size stats records)
 * - stats.sparkline_max_frame_ms  renderer main-thread work per frame (rAF → after paint, plus the
 *                            WebSocket message handling since the previous frame), max over ~10 s,
 *                            Chromium in web mode with the 1,000-row VM list and its sparklines updating
 *                            (wall clock; the main thread's CPU time per frame from a Chrome trace and a
 *                            no-tick control are printed alongside)
 */
import fs from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { StatParam } from '../../electron/stats/rates.js';
import { StatsSampler, type StatsClientPort } from '../../electron/stats/sampler.js';
import { importBuilt } from './built.js';
import { shareWithDaemon, startPrivateDaemon } from '../support/daemon.js';
import type { CDPSession } from 'playwright-core';
import { launchBrowser, startApp, stopAll } from '../e2e/support/app.js';

const VMS = Number(process.env.VD_BENCH_STATS_VMS ?? 1000);
const CPU_SECONDS = Number(process.env.VD_BENCH_STATS_SECONDS ?? 20);
const HOUR = 3600;
const FRAME_MS = Number(process.env.VD_BENCH_STATS_FRAME_MS ?? 10_000);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
const uuidOf = (i: number) => `5a75be0c-0000-4000-8000-${hex(i, 12)}`;

const bench = (name: string, value: number, unit: string, target: number) =>
  process.stdout.write(
    `BENCH ${name} ${value.toFixed(value < 10 ? 2 : 1)} ${unit} target <${target} ${value < target ? 'PASS' : 'MISS'}\n`,
  );

/** Test-driver node file: `count` running domains with a disk and a NIC each. */
function nodeXml(count: number): string {
  const doms: string[] = [];
  for (let i = 0; i < count; i++) {
    doms.push(
      `<domain type='test'><name>stats-${String(i).padStart(4, '0')}</name><uuid>${uuidOf(i)}</uuid>` +
        `<memory unit='MiB'>512</memory><currentMemory unit='MiB'>512</currentMemory><vcpu>${1 + (i % 4)}</vcpu>` +
        `<os><type arch='x86_64'>hvm</type></os><devices>` +
        `<disk type='file' device='disk'><source file='/var/lib/libvirt/images/s${i}.img'/><target dev='vda' bus='virtio'/></disk>` +
        `<interface type='network'><source network='default'/><mac address='52:54:00:00:${hex((i >> 8) & 255, 2)}:${hex(i & 255, 2)}'/></interface>` +
        `</devices></domain>`,
    );
  }
  return `<?xml version='1.0'?>\n<node>\n${doms.join('\n')}\n</node>\n`;
}

/**
 * A synthetic stats source shaped like the QEMU driver's answer (state, cpu-total, balloon, vcpu, one
 * disk, one NIC: ~40 typed parameters per domain). Records are built once and their counters advanced
 * in place, so the source itself adds no garbage.
 */
function syntheticClient(count: number, uuids: (i: number) => string): StatsClientPort & { advance(): void } {
  const records = Array.from({ length: count }, (_, i) => {
    const p = (field: string, value: number): StatParam => ({ field, value });
    const params: StatParam[] = [
      p('state.state', 1),
      p('state.reason', 1),
      p('cpu.time', 1e9 * i),
      p('cpu.user', 0),
      p('cpu.system', 0),
      p('balloon.current', 524288),
      p('balloon.maximum', 524288),
      p('balloon.swap_in', 0),
      p('balloon.swap_out', 0),
      p('balloon.major_fault', 0),
      p('balloon.minor_fault', 0),
      p('balloon.unused', 200000),
      p('balloon.available', 500000),
      p('balloon.usable', 250000),
      p('balloon.rss', 600000),
      p('vcpu.current', 1),
      p('vcpu.maximum', 1),
      p('vcpu.0.state', 1),
      p('vcpu.0.time', 0),
      p('vcpu.0.wait', 0),
      p('net.count', 1),
      p('net.0.rx.bytes', 0),
      p('net.0.rx.pkts', 0),
      p('net.0.rx.errs', 0),
      p('net.0.rx.drop', 0),
      p('net.0.tx.bytes', 0),
      p('net.0.tx.pkts', 0),
      p('net.0.tx.errs', 0),
      p('net.0.tx.drop', 0),
      p('block.count', 1),
      p('block.0.rd.reqs', 0),
      p('block.0.rd.bytes', 0),
      p('block.0.rd.times', 0),
      p('block.0.wr.reqs', 0),
      p('block.0.wr.bytes', 0),
      p('block.0.wr.times', 0),
      p('block.0.fl.reqs', 0),
      p('block.0.fl.times', 0),
      p('block.0.allocation', 0),
      p('block.0.capacity', 1 << 30),
      p('block.0.physical', 1 << 30),
    ];
    params.unshift({ field: 'block.0.name', value: 'vda' }, { field: 'net.0.name', value: 'vnet0' });
    return { dom: { uuid: uuids(i), name: `stats-${i}`, id: i + 1 }, params };
  });
  const idx = (f: string) => records[0]!.params.findIndex((p) => p.field === f);
  const CPU = idx('cpu.time');
  const RX = idx('net.0.rx.bytes');
  const TX = idx('net.0.tx.bytes');
  const RD = idx('block.0.rd.bytes');
  const WR = idx('block.0.wr.bytes');
  let phase = 0;
  return {
    advance() {
      phase++;
      for (let i = 0; i < records.length; i++) {
        const ps = records[i]!.params;
        // a CPU between 5 % and 95 % that moves with time, different per VM
        const busy = 0.5 + 0.45 * Math.sin((phase + i) / 7);
        (ps[CPU] as { value: number }).value += busy * 1e9;
        (ps[RX] as { value: number }).value += 1000 + i;
        (ps[TX] as { value: number }).value += 500 + i;
        (ps[RD] as { value: number }).value += 4096;
        (ps[WR] as { value: number }).value += 8192;
      }
    },
    async connectGetAllDomainStats() {
      return records;
    },
    async nodeGetCPUStats() {
      return { kernel: phase * 1e8, user: phase * 3e8, idle: phase * 1.6e9, iowait: 0 };
    },
    async nodeGetMemoryStats() {
      return { total: 32 << 20, free: 8 << 20, buffers: 1 << 20, cached: 4 << 20 };
    },
    async nodeGetInfo() {
      return { cpus: 16 };
    },
  };
}

/**
 * Page scripts as strings (functions passed to page.evaluate would carry tsx's `__name` helpers).
 * WS_BUSY_SCRIPT times every WebSocket message handler into window.__wsBusy (ms).
 */
const WS_BUSY_SCRIPT = `(() => {
  window.__wsBusy = 0;
  const wrap = (fn) => function (ev) {
    const t = performance.now();
    try { return fn.call(this, ev); } finally { window.__wsBusy += performance.now() - t; }
  };
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() { return desc.get.call(this); },
    set(fn) { desc.set.call(this, typeof fn === 'function' ? wrap(fn) : fn); },
  });
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, fn, opts) {
    return add.call(this, type, type === 'message' && typeof fn === 'function' ? wrap(fn) : fn, opts);
  };
})()`;

/**
 * Per animation frame: time from the rAF callback to the first task after the frame was rendered
 * (style, layout, paint, the sparklines' own rAF draw) plus WebSocket handling since the last frame.
 */
const MEASURE_FRAMES = `async (ms) => {
  const frames = [];
  const ch = new MessageChannel();
  let t0 = 0;
  let lastBusy = window.__wsBusy;
  const titles = () => [...document.querySelectorAll('[data-testid=cpu-sparkline]')].map((c) => c.title);
  const titles0 = titles();
  await new Promise((resolve) => {
    const end = performance.now() + ms;
    const onFrame = () => {
      t0 = performance.now();
      ch.port2.postMessage(0);
    };
    ch.port1.onmessage = () => {
      const busy = window.__wsBusy;
      frames.push(performance.now() - t0 + (busy - lastBusy));
      lastBusy = busy;
      if (performance.now() > end) resolve();
      else requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
  });
  const titles1 = titles();
  frames.sort((a, b) => a - b);
  return {
    frames: frames.length,
    max: frames[frames.length - 1],
    p99: frames[Math.floor(frames.length * 0.99)],
    median: frames[Math.floor(frames.length / 2)],
    sparklines: titles1.length,
    changed: titles1.filter((t, i) => t !== titles0[i]).length,
  };
}`;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Ends the Chrome trace and sums the renderer main thread's CPU time (`tdur` of its top-level tasks)
 * per 16.7 ms interval.
 */
async function mainThreadCpuPerFrame(
  cdp: CDPSession,
): Promise<{ intervals: number; p99: number; max: number }> {
  const complete = new Promise<{ stream?: string }>((resolve) =>
    cdp.once('Tracing.tracingComplete', resolve),
  );
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  if (!stream) throw new Error('no trace stream');
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = events.filter(
    (e) =>
      e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`) && typeof e.tdur === 'number' && /RunTask$/.test(e.name),
  );
  // the page's renderer: the main thread with the most tasks
  const count = new Map<string, number>();
  for (const t of tasks) count.set(`${t.pid}:${t.tid}`, (count.get(`${t.pid}:${t.tid}`) ?? 0) + 1);
  const main = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
  const mine = tasks.filter((t) => `${t.pid}:${t.tid}` === main).sort((a, b) => a.ts - b.ts);
  if (mine.length === 0) throw new Error('no renderer main-thread tasks in the trace');
  const FRAME_US = 1e6 / 60;
  const start = mine[0]!.ts;
  const buckets = new Map<number, number>();
  let end = -Infinity; // skip tasks nested in a counted one
  for (const t of mine) {
    if (t.ts < end) continue;
    end = t.ts + (t.dur ?? 0);
    const b = Math.floor((t.ts - start) / FRAME_US);
    buckets.set(b, (buckets.get(b) ?? 0) + t.tdur! / 1000);
  }
  if (process.env.VD_BENCH_STATS_DEBUG) {
    const top = [...mine].sort((a, b) => b.tdur! - a.tdur!).slice(0, 3);
    for (const t of top) {
      const inner = events
        .filter(
          (e) => e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts <= t.ts + (t.dur ?? 0) && e !== t,
        )
        .map((e) => `${e.name}${e.dur !== undefined ? `(${(e.dur / 1000).toFixed(1)})` : ''}`)
        .slice(0, 25);
      process.stdout.write(
        `# task ${(t.tdur! / 1000).toFixed(2)} ms cpu at +${((t.ts - start) / 1000).toFixed(0)} ms: ${inner.join(' ')}\n`,
      );
    }
  }
  const intervals = Math.ceil((mine[mine.length - 1]!.ts - start) / FRAME_US) + 1;
  const values = [...buckets.values()].sort((a, b) => a - b);
  while (values.length < intervals) values.unshift(0);
  return {
    intervals,
    p99: values[Math.floor(values.length * 0.99)] ?? 0,
    max: values[values.length - 1] ?? 0,
  };
}

function getGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const memNow = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function mainCpu(uri: string): Promise<void> {
  // The client and sampler as the app runs them (built JavaScript, see built.ts).
  const { openConnection } =
    await importBuilt<typeof import('../../electron/libvirt/index.js')>('libvirt/index');
  const built = await importBuilt<typeof import('../../electron/stats/sampler.js')>('stats/sampler');
  const conn = await openConnection(uri);
  const sampler = new built.StatsSampler({ intervalMs: 1000 });
  try {
    // the process's own idle cost (harness timers, tsx) measured first, then subtracted
    const b0 = process.cpuUsage();
    const bw0 = performance.now();
    await sleep(5000);
    const bc = process.cpuUsage(b0);
    const idlePct = ((bc.user + bc.system) / 1000 / (performance.now() - bw0)) * 100;
    // for attribution: the wire call alone at the same rate (decode of 1,000 records, no sampler)
    for (let i = 0; i < 3; i++) await conn.connectGetAllDomainStats(63, 0);
    const r0 = process.cpuUsage();
    const rw0 = performance.now();
    for (let i = 0; i < 10; i++) {
      await conn.connectGetAllDomainStats(63, 0);
      await sleep(1000);
    }
    const rc = process.cpuUsage(r0);
    const wirePct = ((rc.user + rc.system) / 1000 / (performance.now() - rw0)) * 100;
    sampler.attach('bench', conn as unknown as StatsClientPort);
    await sleep(3000); // warm-up: JIT, first allocation of the per-VM state
    const st0 = sampler.status('bench')!;
    // for attribution: garbage-collection pauses on the main thread during the measured window
    let gcMs = 0;
    let gcs = 0;
    const gcObs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gcMs += e.duration;
        gcs++;
      }
    });
    gcObs.observe({ entryTypes: ['gc'] });
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(CPU_SECONDS * 1000);
    const c = process.cpuUsage(c0);
    const wall = performance.now() - w0;
    const st1 = sampler.status('bench')!;
    gcObs.disconnect();
    const ticks = st1.ticks - st0.ticks;
    const cpuMs = (c.user + c.system) / 1000;
    const totalPct = (cpuMs / wall) * 100;
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    process.stdout.write(
      `# sampler: ${st1.vms} domains, ${ticks} ticks in ${(wall / 1000).toFixed(1)} s, ${(cpuMs / Math.max(1, ticks)).toFixed(2)} ms CPU per tick ` +
        `(process total ${totalPct.toFixed(2)} %, idle baseline ${idlePct.toFixed(2)} %, the bare wire call at 1 Hz ${wirePct.toFixed(2)} %), ${st1.skipped} skipped, ${st1.errors} errors; host load average ${load}\n`,
    );
    if (st1.vms < VMS) throw new Error(`expected ${VMS} domains, sampled ${st1.vms}`);
    // the idle baseline again after sampling stops: how far the subtracted baseline drifts during a run
    sampler.detach('bench');
    await sleep(1000);
    const a0 = process.cpuUsage();
    const aw0 = performance.now();
    await sleep(5000);
    const ac = process.cpuUsage(a0);
    const idleAfterPct = ((ac.user + ac.system) / 1000 / (performance.now() - aw0)) * 100;
    process.stdout.write(
      `# attribution (each net of the idle baseline): sampler ${(totalPct - idlePct).toFixed(2)} %, bare wire call ${(wirePct - idlePct).toFixed(2)} %; ` +
        `main-thread GC pauses in the window ${gcMs.toFixed(1)} ms (${gcs}); idle baseline after ${idleAfterPct.toFixed(2)} % (before ${idlePct.toFixed(2)} %)\n`,
    );
    bench('stats.main_cpu_per_tick', Math.max(0, totalPct - idlePct), '%', 2);
  } finally {
    sampler.stop();
    await conn.close();
  }
  // informational: the same with full QEMU-shaped records (the test driver reports state only)
  const fake = syntheticClient(VMS, uuidOf);
  const s = new StatsSampler({ manual: true, intervalMs: 1000 });
  s.attach('synthetic', fake);
  for (let i = 0; i < 20; i++) {
    fake.advance();
    await s.tick('synthetic');
  }
  const n = 50;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    fake.advance();
    await s.tick('synthetic');
  }
  const c = process.cpuUsage(c0);
  process.stdout.write(
    `# rate derivation + history with ~43 params/VM (synthetic, no wire): ${((c.user + c.system) / 1000 / n).toFixed(2)} ms CPU per tick for ${VMS} VMs\n`,
  );
  s.stop();
}

async function historyMemory(): Promise<void> {
  const gc = getGc();
  const fake = syntheticClient(VMS, uuidOf);
  let t = Date.now();
  // ArrayBuffer backing stores are released after the GC, asynchronously: settle before each reading
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(300);
    }
  };
  await settle();
  const m0 = memNow();
  const s = new StatsSampler({
    manual: true,
    intervalMs: 1000,
    historySeconds: HOUR,
    now: () => (t += 1000),
  });
  s.attach('mem', fake);
  for (let i = 0; i < HOUR; i++) {
    fake.advance();
    await s.tick('mem');
  }
  await settle();
  const measured = (memNow() - m0) / 1e6;
  const computed = s.historyBytes() / 1e6;
  const h = s.history({ connectionId: 'mem', target: 'vm', vmUuid: uuidOf(7), seconds: HOUR });
  process.stdout.write(
    `# history: ${VMS} VMs × ${HOUR} points × 6 series (Float32) + host/time (Float64): buffers ${computed.toFixed(1)} MB, ` +
      `measured heap+ArrayBuffer delta ${measured.toFixed(1)} MB; one VM's history has ${h.t.length} points\n`,
  );
  if (h.t.length !== HOUR) throw new Error(`history holds ${h.t.length} points, expected ${HOUR}`);
  bench('stats.history_mb', Math.max(computed, measured), 'MB', 100);
  s.stop();
}

async function rendererFrames(uri: string): Promise<void> {
  const app = await startApp({ connections: [{ name: 'Bench 1000', uri }] });
  try {
    const id = app.connectionIds[0]!;
    // The test driver reports no CPU time; feed the sampler a synthetic source over the same 1,000
    // domains so every visible sparkline gets a new point each second (main → WebSocket → canvas).
    const fake = syntheticClient(VMS, uuidOf);
    const timer = setInterval(() => fake.advance(), 1000);
    app.core.services.stats.attach(id, fake);
    try {
      const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
      const page = await browser.newPage();
      await page.addInitScript({ content: WS_BUSY_SCRIPT });
      await page.goto(app.url);
      await page
        .getByTestId('vm-count')
        .filter({ hasText: `${VMS}` })
        .waitFor({ timeout: 60_000 });
      // wait until the visible sparklines have drawn live data
      const deadline = Date.now() + 30_000;
      for (;;) {
        const drawn = await page.$$eval(
          '[data-testid=cpu-sparkline]',
          (els) => els.filter((e) => (e as HTMLElement).title).length,
        );
        if (drawn >= 5) break;
        if (Date.now() > deadline) throw new Error('sparklines did not draw');
        await sleep(250);
      }
      const rows = await page.getByTestId('vm-row').count();
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Tracing.start', {
        traceConfig: {
          includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'],
          recordMode: 'recordAsMuchAsPossible',
        },
        transferMode: 'ReturnAsStream',
      });
      const r = (await page.evaluate(`(${MEASURE_FRAMES})(${FRAME_MS})`)) as {
        frames: number;
        max: number;
        p99: number;
        median: number;
        sparklines: number;
        changed: number;
      };
      const cpu = await mainThreadCpuPerFrame(cdp);
      process.stdout.write(
        `# renderer main-thread CPU time per 16.7 ms frame interval (Chrome trace, thread time): ` +
          `${cpu.intervals} intervals, p99 ${cpu.p99.toFixed(2)} ms, max ${cpu.max.toFixed(2)} ms\n`,
      );
      process.stdout.write(
        `# renderer: ${rows} rows rendered of ${VMS}, ${r.sparklines} sparklines (${r.changed} updated during the run), ` +
          `${r.frames} frames in ${FRAME_MS / 1000} s, work per frame median ${r.median.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms\n`,
      );
      if (r.changed === 0) throw new Error('no sparkline changed during the measurement');
      // control: the same page with the sampler stopped (no ticks, nothing to draw) shows the noise floor
      app.core.services.stats.detach(id);
      await sleep(1500);
      const idle = (await page.evaluate(`(${MEASURE_FRAMES})(${Math.min(FRAME_MS, 5000)})`)) as {
        max: number;
        p99: number;
      };
      process.stdout.write(
        `# renderer control without ticks: p99 ${idle.p99.toFixed(2)} ms, max ${idle.max.toFixed(2)} ms; host load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`,
      );
      // The figure is the wall-clock work per frame measured in the page (rAF → after paint, plus the
      // WebSocket handling since the previous frame). On a loaded machine it includes time the renderer
      // waits for a CPU: the no-tick control and the trace's thread-time figure above tell them apart.
      bench('stats.sparkline_max_frame_ms', r.max, 'ms', 16);
    } finally {
      clearInterval(timer);
    }
  } finally {
    await stopAll();
  }
}

export default async function statsBench(): Promise<void> {
  const daemon = await startPrivateDaemon();
  try {
    const file = path.join(daemon.scratchDir, `stats-bench-${process.pid}.xml`);
    fs.writeFileSync(file, nodeXml(VMS));
    fs.chmodSync(file, 0o644);
    shareWithDaemon(file);
    const uri = `test+unix://${file}?socket=${daemon.socketPath}`;
    await mainCpu(uri);
    await historyMemory();
    await rendererFrames(uri);
  } finally {
    await daemon.stop();
  }
}
