/**
 * VirtDesk's libvirt wire client vs libvirt's C library (Debian's python3-libvirt, run with
 * /usr/bin/python3) on the same private daemon, in the same run, against a test-driver node file with
 * 1000 domains (`test+unix:///<abs path>.xml?socket=…`).
 *
 * Figures (after a warm-up, the two clients run alternately, REPS times each (3× for the one-call
 * stats phase); median per side; ratio = VirtDesk time / C time, lower is better):
 * - libvirt.roundtrip.ratio  connectGetVersion × 1000, strictly sequential        target ≤ 1.1
 * - libvirt.info1000.ratio   domainGetInfo for every domain (VirtDesk pipelines)  target ≤ 0.5
 * - libvirt.xml1000.ratio    domainGetXMLDesc for every domain (pipelined)        target ≤ 0.5
 * - libvirt.allstats.ratio   connectGetAllDomainStats (one call, 1000 records)     target ≤ 1.5
 * Raw milliseconds of both sides are printed as ordinary log lines, with CPU attribution per run
 * (medians): the daemon's event-loop thread (/proc/<pid>/task/<pid>/stat), the whole daemon, and our own
 * process. libvirtd reads, dispatches and writes every message of every client on that one thread, so
 * no client can finish 1000 calls faster than the thread's CPU time for them, nor faster than the
 * daemon's total CPU time spread over all cores. The resulting "daemon-bound floor" (best ratio any
 * client could reach on this machine) is printed next to each pipelined figure, so a MISS can be told
 * apart from a slow client.
 *
 * The client is the built one (dist/, see built.ts), as the app runs it.
 *
 * VD_BENCH_LIBVIRT_MAX_IN_FLIGHT overrides the engine's pipelining depth (default: libvirtd's
 * max_client_requests, 5) to compare depths; the depth used is printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DomainRef, LibvirtClient } from '../../electron/libvirt/index.js';
import { shareWithDaemon, startPrivateDaemon } from '../support/daemon.js';
import { importBuilt } from './built.js';

const DOMAINS = Number(process.env.VD_BENCH_LIBVIRT_DOMAINS ?? 1000);
const ROUNDTRIPS = Number(process.env.VD_BENCH_LIBVIRT_ROUNDTRIPS ?? 1000);
const REPS = Number(process.env.VD_BENCH_LIBVIRT_REPS ?? 7);
const MAX_IN_FLIGHT = process.env.VD_BENCH_LIBVIRT_MAX_IN_FLIGHT
  ? Number(process.env.VD_BENCH_LIBVIRT_MAX_IN_FLIGHT)
  : undefined;
const SYSTEM_PYTHON = '/usr/bin/python3';
const PY_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python', 'libvirt_bench.py');

type Phase = 'roundtrip' | 'info' | 'xml' | 'stats';

interface Figure {
  phase: Phase;
  name: string;
  label: string;
  target: number;
}

const FIGURES: Figure[] = [
  {
    phase: 'roundtrip',
    name: 'libvirt.roundtrip.ratio',
    label: `getVersion x${ROUNDTRIPS} sequential`,
    target: 1.1,
  },
  { phase: 'info', name: 'libvirt.info1000.ratio', label: `domainGetInfo x${DOMAINS}`, target: 0.5 },
  { phase: 'xml', name: 'libvirt.xml1000.ratio', label: `domainGetXMLDesc x${DOMAINS}`, target: 0.5 },
  {
    phase: 'stats',
    name: 'libvirt.allstats.ratio',
    label: `connectGetAllDomainStats (${DOMAINS} domains)`,
    target: 1.5,
  },
];

/** A test-driver node file: `DOMAINS` running domains with a disk, a NIC and a serial console each. */
export function nodeXml(count: number): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const doms: string[] = [];
  for (let i = 0; i < count; i++) {
    doms.push(
      `  <domain type='test'>
    <name>bench-${String(i).padStart(4, '0')}</name>
    <uuid>6b0e6a3c-0000-4000-8000-${hex(i, 12)}</uuid>
    <title>Benchmark VM ${i}</title>
    <memory unit='MiB'>${512 + (i % 4) * 256}</memory>
    <currentMemory unit='MiB'>512</currentMemory>
    <vcpu placement='static'>${1 + (i % 4)}</vcpu>
    <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
    <features><acpi/><apic/></features>
    <clock offset='utc'/>
    <on_poweroff>destroy</on_poweroff>
    <on_reboot>restart</on_reboot>
    <on_crash>destroy</on_crash>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2'/>
        <source file='/var/lib/libvirt/images/bench-${i}.qcow2'/>
        <target dev='vda' bus='virtio'/>
      </disk>
      <interface type='network'>
        <mac address='52:54:00:${hex((i >> 16) & 255, 2)}:${hex((i >> 8) & 255, 2)}:${hex(i & 255, 2)}'/>
        <source network='default'/>
        <model type='virtio'/>
      </interface>
      <serial type='pty'><target port='0'/></serial>
      <console type='pty'><target type='serial' port='0'/></console>
    </devices>
  </domain>`,
    );
  }
  return `<?xml version='1.0'?>\n<node>\n${doms.join('\n')}\n</node>\n`;
}

/** The stats phase is a single call: more repetitions for a stable median. */
const repsOf = (phase: Phase): number => (phase === 'stats' ? REPS * 3 : REPS);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * CPU time (ms, user + system) a process (all threads) or one of its threads (`tid`) has used so far;
 * NaN if unreadable.
 */
function cpuMs(pid: number, tid?: number): number {
  try {
    const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const stat = fs.readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

interface CpuUse {
  /** The daemon's main thread: its event loop, which does all socket I/O. */
  loop: number;
  /** The whole daemon (event loop + RPC workers). */
  daemon: number;
  /** This process (VirtDesk's client); only meaningful for our own runs. */
  self: number;
}

/** Runs `fn`, returning its result and the CPU time spent meanwhile by the daemon `pid` and by us. */
async function withCpu<T>(pid: number, fn: () => Promise<T>): Promise<[T, CpuUse]> {
  const l0 = cpuMs(pid, pid);
  const d0 = cpuMs(pid);
  const s0 = process.cpuUsage();
  const r = await fn();
  const s = process.cpuUsage(s0);
  return [r, { loop: cpuMs(pid, pid) - l0, daemon: cpuMs(pid) - d0, self: (s.user + s.system) / 1000 }];
}

/** The C side: a python3-libvirt process that runs one phase per request (see python/libvirt_bench.py). */
class CSide {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(uri: string) {
    this.child = spawn(SYSTEM_PYTHON, [PY_SCRIPT, uri, String(ROUNDTRIPS)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
  }

  private async line(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error(`${PY_SCRIPT} ended early: ${this.stderr.slice(-2000)}`);
    return r.value;
  }

  /** Waits for the connection; returns the number of domains it sees. */
  async ready(): Promise<number> {
    const l = await this.line();
    const m = /^ready (\d+)$/.exec(l);
    if (!m) throw new Error(`unexpected output of ${PY_SCRIPT}: ${l} ${this.stderr.slice(-2000)}`);
    return Number(m[1]);
  }

  async run(phase: Phase): Promise<number> {
    this.child.stdin!.write(`${phase}\n`);
    const l = await this.line();
    const ms = Number(l);
    if (!Number.isFinite(ms)) throw new Error(`${PY_SCRIPT}: ${l}`);
    return ms;
  }

  async quit(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end('quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function virtDeskPhases(conn: LibvirtClient, doms: DomainRef[]): Record<Phase, () => Promise<unknown>> {
  return {
    roundtrip: async () => {
      for (let i = 0; i < ROUNDTRIPS; i++) await conn.connectGetVersion();
    },
    // VirtDesk pipelines independent calls (up to the daemon's max_client_requests in flight).
    info: () => Promise.all(doms.map((d) => conn.domainGetInfo(d))),
    xml: () => Promise.all(doms.map((d) => conn.domainGetXMLDesc(d))),
    stats: () => conn.connectGetAllDomainStats(),
  };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

export default async function bench(): Promise<void> {
  if (!fs.existsSync(SYSTEM_PYTHON))
    throw new Error(`${SYSTEM_PYTHON} not found (python3-libvirt is needed)`);
  const daemon = await startPrivateDaemon();
  try {
    const nodeFile = path.join(daemon.scratchDir, `bench-node-${DOMAINS}.xml`);
    fs.writeFileSync(nodeFile, nodeXml(DOMAINS));
    fs.chmodSync(nodeFile, 0o644);
    shareWithDaemon(nodeFile);
    const uri = `test+unix://${nodeFile}?socket=${daemon.socketPath}`;

    const { openConnection } =
      await importBuilt<typeof import('../../electron/libvirt/index.js')>('libvirt/index');
    const conn = await openConnection(uri, { maxInFlight: MAX_IN_FLIGHT });
    const c = new CSide(uri);
    const vd = {} as Record<Phase, number[]>;
    const cc = {} as Record<Phase, number[]>;
    const vdCpu = {} as Record<Phase, CpuUse[]>;
    const ccCpu = {} as Record<Phase, CpuUse[]>;
    const pid = daemon.pid;
    try {
      const doms = await conn.connectListAllDomains();
      if (doms.length !== DOMAINS)
        throw new Error(`expected ${DOMAINS} domains, the daemon has ${doms.length}`);
      const seen = await c.ready();
      if (seen !== DOMAINS) throw new Error(`python side saw ${seen} domains, expected ${DOMAINS}`);
      const phases = virtDeskPhases(conn, doms);
      for (const f of FIGURES) {
        const ours = phases[f.phase];
        await ours(); // warm-up
        await c.run(f.phase);
        vd[f.phase] = [];
        cc[f.phase] = [];
        vdCpu[f.phase] = [];
        ccCpu[f.phase] = [];
        const runOurs = async () => {
          const [ms, cpu] = await withCpu(pid, () => timed(ours));
          vd[f.phase].push(ms);
          vdCpu[f.phase].push(cpu);
        };
        const runTheirs = async () => {
          const [ms, cpu] = await withCpu(pid, () => c.run(f.phase));
          cc[f.phase].push(ms);
          ccCpu[f.phase].push(cpu);
        };
        // Alternate the two sides (and who goes first) so both see the same machine load.
        for (let r = 0; r < repsOf(f.phase); r++) {
          if (r % 2 === 0) {
            await runOurs();
            await runTheirs();
          } else {
            await runTheirs();
            await runOurs();
          }
        }
      }
    } finally {
      await c.quit();
      await conn.close();
    }

    const cores = os.availableParallelism();
    console.log(
      `libvirt: VirtDesk pipelining depth ${MAX_IN_FLIGHT ?? 'default (5)'}; ${cores} cores; CPU figures are ` +
        `medians per run (event loop = libvirtd's main thread, daemon = all its threads)`,
    );
    for (const f of FIGURES) {
      const ours = median(vd[f.phase]);
      const theirs = median(cc[f.phase]);
      const ratio = ours / theirs;
      const m = (xs: CpuUse[], k: keyof CpuUse) => median(xs.map((x) => x[k]));
      const loop = m(vdCpu[f.phase], 'loop');
      const daemonCpu = m(vdCpu[f.phase], 'daemon');
      console.log(
        `libvirt ${f.label}: VirtDesk ${fmt(ours)} ms, libvirt C (python3-libvirt) ${fmt(theirs)} ms ` +
          `(median of ${repsOf(f.phase)}, alternating); daemon CPU ${fmt(daemonCpu, 0)} ms ` +
          `(event loop ${fmt(loop, 0)} ms) vs ${fmt(m(ccCpu[f.phase], 'daemon'), 0)} ms ` +
          `(event loop ${fmt(m(ccCpu[f.phase], 'loop'), 0)} ms); VirtDesk process CPU ${fmt(m(vdCpu[f.phase], 'self'), 0)} ms`,
      );
      if (f.phase === 'info' || f.phase === 'xml') {
        // The best any client could do against this daemon here: its event loop cannot go faster,
        // and its threads cannot get more than all cores (USER_HZ granularity: 10 ms).
        const floor = Math.max(loop, daemonCpu / cores) / theirs;
        console.log(
          `libvirt ${f.label}: daemon-bound floor ${fmt(floor)}x (max(event loop ${fmt(loop, 0)} ms, ` +
            `daemon ${fmt(daemonCpu, 0)} ms / ${cores} cores) / C ${fmt(theirs)} ms)`,
        );
      }
      console.log(
        `BENCH ${f.name} ${fmt(ratio)} x target <=${f.target} ${ratio <= f.target ? 'PASS' : 'MISS'}`,
      );
    }
  } finally {
    await daemon.stop();
  }
}
