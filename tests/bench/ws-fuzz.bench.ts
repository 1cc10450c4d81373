/**
 * WebSocket contract fuzzing: web mode's /ws (authenticated with the token) takes random and mutated
 * frames from a deterministic generator (seed VD_BENCH_FUZZ_SEED, default 1), against a core connected
 * to a private daemon's test driver (so valid-looking calls reach real handlers).
 *
 * Frames: valid calls of read-only/harmless calls with their inputs mutated (leaves replaced, keys
 * dropped or added, types changed), any call name with a random input, calls with odd ids, unknown
 * frame types, and socket killers (non-JSON text, binary, truncated JSON, JSON scalars, bad ids, frames
 * over the size limit). Checked: no crash (no uncaught exception or unhandled rejection in the server's
 * process, the server still answers), every call frame answered with its id or the socket closed cleanly
 * (a close frame with a code) right after a socket killer, the server's memory bounded.
 *
 * Prints `BENCH fuzz.ws_frames_per_s <v> frames/s target >=<t> PASS|MISS`, then `crashes <n>`,
 * unanswered calls, unclean closes, 'internal' errors and RSS growth.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Core as CoreType } from '../../electron/core/core.js';
import type { startWebServer as StartWebServer } from '../../electron/web/server.js';
import { startPrivateDaemon } from '../support/daemon.js';
import { importBuilt } from './built.js';

const SEED = Number(process.env.VD_BENCH_FUZZ_SEED ?? 1);
const FRAMES = Number(process.env.VD_BENCH_FUZZ_FRAMES ?? 30_000);
/** Each frame is a real call (most reach the daemon) or a new socket: ~1,600/s here on 2 shared cores. */
const TARGET_FPS = 1000;
/** RSS growth of the whole process (server + generator) allowed over the run. */
const MAX_RSS_GROWTH_MIB = 256;
const PIPELINE = 32;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  str(): string {
    const kinds = [
      () => '',
      () => 'a'.repeat(this.int(100)),
      () => 'x'.repeat(1000 + this.int(70_000)),
      () => '../../../etc/passwd',
      () => '\u0000\u202e\ud800\uffff',
      () => '😀'.repeat(this.int(50)),
      () => '11111111-2222-3333-4444-555555555555',
      () => 'qemu+ssh://-oProxyCommand=x/system',
      () => '__proto__',
      () => String(this.r()),
    ];
    return this.pick(kinds)();
  }
  num(): number {
    return this.pick([
      0,
      -1,
      1,
      2 ** 31,
      2 ** 53,
      -(2 ** 53),
      1e308,
      -1e-308,
      0.5,
      Number.MAX_SAFE_INTEGER,
      this.int(100),
    ]);
  }
  value(depth = 0): Json {
    const k = this.int(depth > 3 ? 4 : 7);
    switch (k) {
      case 0:
        return null;
      case 1:
        return this.r() < 0.5;
      case 2:
        return this.num();
      case 3:
        return this.str();
      case 4:
        return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
      case 5: {
        const o: Record<string, Json> = {};
        for (let i = this.int(5); i > 0; i--) o[this.pick(KEYS)] = this.value(depth + 1);
        return o;
      }
      default:
        return Array.from({ length: this.int(300) }, () => this.num());
    }
  }
  /** Mutate a JSON value: replace a leaf, drop or add a key, change its type. */
  mutate(v: Json, depth = 0): Json {
    if (v && typeof v === 'object' && !Array.isArray(v) && depth < 4) {
      const o = { ...v };
      const keys = Object.keys(o);
      const op = this.int(4);
      if (op === 0 && keys.length) delete o[this.pick(keys)];
      else if (op === 1) o[this.pick(KEYS)] = this.value(depth + 1);
      else if (keys.length) {
        const key = this.pick(keys);
        o[key] = this.mutate(o[key]!, depth + 1);
      }
      return o;
    }
    return this.r() < 0.7 ? this.value(depth) : v;
  }
}

const KEYS = [
  'connectionId',
  'uuid',
  'id',
  'sessionId',
  'bytes',
  'data',
  'cols',
  'rows',
  'kind',
  'vmUuids',
  'query',
  'limit',
  'seconds',
  'target',
  'inactive',
  'uri',
  'name',
  '__proto__',
  'constructor',
];

interface Frame {
  t: string;
  id?: unknown;
  ok?: boolean;
  error?: { code?: string; message?: string };
}

export default async function run(): Promise<void> {
  const { Core } = await importBuilt<{ Core: typeof CoreType }>('core/core');
  const { startWebServer } = await importBuilt<{ startWebServer: typeof StartWebServer }>('web/server');
  const { calls } = await import('../../shared/contract/index.js');
  const callNames = Object.keys(calls);
  const daemon = await startPrivateDaemon();
  const configDir = await mkdtemp(path.join(tmpdir(), 'virtdesk-fuzz-'));
  let crashes = 0;
  const onCrash = (e: unknown): void => {
    crashes++;
    process.stderr.write(`# fuzz: server-side crash: ${e instanceof Error ? e.stack : String(e)}\n`);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const core = new Core({ configDir, validateOutput: true });
  try {
    await writeFile(
      path.join(configDir, 'connections.json'),
      JSON.stringify({
        version: 1,
        connections: [{ id: 'test', name: 'test', uri: daemon.testUri, autoconnect: false }],
      }),
    );
    await core.start();
    const boot = core.openSession(() => undefined);
    const ok = await core.dispatch(boot, 'connections.connect', { id: 'test' });
    if (!ok.ok) throw new Error(`connect failed: ${ok.error.message}`);
    const vms = (await core.vms.list('test')).map((v) => v.uuid);
    core.closeSession(boot);
    const web = await startWebServer({ core, terminal: false });
    const g = new Gen(rng(SEED));
    const vm = () => g.pick([...vms, '00000000-0000-4000-8000-000000000000']);
    /** Valid inputs of harmless calls, the seeds mutations start from. */
    const seeds: [string, () => Json][] = [
      ['connections.list', () => ({})],
      ['connections.status', () => ({ id: 'test' })],
      ['vms.list', () => ({ connectionId: 'test' })],
      ['vms.details', () => ({ connectionId: 'test', uuid: vm() })],
      ['vms.xml', () => ({ connectionId: 'test', uuid: vm(), inactive: g.r() < 0.5 })],
      ['vms.volumes', () => ({ connectionId: 'test', uuid: vm() })],
      ['snapshots.list', () => ({ connectionId: 'test', uuid: vm() })],
      ['host.overview', () => ({ connectionId: 'test' })],
      ['newvm.searchOs', () => ({ query: g.pick(['ubuntu', 'win', '', 'debian 12']), limit: 5 })],
      ['console.ack', () => ({ sessionId: g.str().slice(0, 64) || 'x', bytes: g.int(1000) })],
      ['console.resize', () => ({ sessionId: 'nope', cols: 80, rows: 24 })],
      ['console.stats', () => ({ sessionId: 'nope' })],
      ['stats.subscribe', () => ({ id: `s${g.int(100)}`, connectionId: 'test', kind: 'host' })],
      ['stats.unsubscribe', () => ({ id: `s${g.int(100)}` })],
      [
        'stats.history',
        () => ({ connectionId: 'test', target: 'vm', vmUuid: vm(), seconds: 1 + g.int(3600) }),
      ],
    ];

    /** One frame: either a call (must be answered) or a socket killer (must close cleanly). */
    const nextFrame = (): { data: string | Buffer; id?: number | string; kills?: boolean } => {
      const k = g.int(1000) / 10; // 0 … 99.9
      const id = g.r() < 0.9 ? nextId++ : `s${nextId++}`;
      if (k < 55) {
        const [name, input] = g.pick(seeds);
        const v = input();
        return { data: JSON.stringify({ t: 'call', id, name, input: k < 15 ? v : g.mutate(v) }), id };
      }
      if (k < 80)
        return { data: JSON.stringify({ t: 'call', id, name: g.pick(callNames), input: g.value() }), id };
      if (k < 85)
        return {
          data: JSON.stringify({ t: 'call', id, name: g.str().slice(0, 200), input: g.value() }),
          id,
        };
      if (k < 97) return { data: JSON.stringify({ t: g.pick(['auth', 'ping', 'result', '']), id }) };
      // Socket killers (3 %: each costs a new socket).
      const killers: (() => string | Buffer)[] = [
        () => '{"t":"call","id":1,"name":"vms.list"', // truncated
        () => 'not json at all',
        () => Buffer.from([0, 1, 2, 3]), // binary
        () => JSON.stringify(g.pick([1, 'x', null, true])),
        () => JSON.stringify({ t: 'call', id: { x: 1 }, name: 'vms.list', input: {} }),
        () => JSON.stringify({ t: 'call', id: 1.5, name: 'vms.list', input: {} }),
        () => JSON.stringify({ t: 'call', id: 'i'.repeat(65), name: 'vms.list', input: {} }),
        () =>
          JSON.stringify({ t: 'call', id: 1, name: 'console.write', input: { data: 'x'.repeat(2 << 20) } }),
        () => '['.repeat(100_000),
      ];
      return { data: g.pick(killers)(), kills: true };
    };
    let nextId = 1;

    let answered = 0;
    let unanswered = 0;
    let uncleanCloses = 0;
    let cleanCloses = 0;
    let internal = 0;
    let sent = 0;
    const rss0 = process.memoryUsage().rss;
    let rssMax = rss0;

    const t0 = performance.now();
    while (sent < FRAMES) {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`);
      const pending = new Set<unknown>();
      let closed: { code: number } | null = null;
      let waiter: (() => void) | null = null;
      const wake = (): void => {
        const w = waiter;
        waiter = null;
        w?.();
      };
      ws.on('message', (m) => {
        const f = JSON.parse(m.toString()) as Frame;
        if (f.t !== 'result') return;
        if (!pending.delete(f.id)) throw new Error(`answer to an unknown id ${String(f.id)}`);
        answered++;
        if (!f.ok && f.error?.code === 'internal') {
          internal++;
          if (internal <= 5) process.stderr.write(`# fuzz: internal error: ${f.error.message}\n`);
        }
        wake();
      });
      ws.on('close', (code) => {
        closed = { code };
        wake();
      });
      ws.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const wait = (): Promise<void> => new Promise<void>((r) => (waiter = r));
      // Calls on this socket until a socket killer comes up (or the budget is spent).
      for (;;) {
        if (sent >= FRAMES) break;
        const f = nextFrame();
        if (f.kills) {
          while (pending.size && !closed) await wait();
          ws.send(f.data);
          sent++;
          const deadline = setTimeout(wake, 5000);
          while (!closed) await wait();
          clearTimeout(deadline);
          break;
        }
        if (f.id !== undefined) pending.add(f.id);
        ws.send(f.data);
        sent++;
        while (pending.size >= PIPELINE && !closed) await wait();
        if (closed) break;
        if (sent % 1000 === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
      if (!closed) {
        while (pending.size && !closed) await wait();
        ws.close();
        while (!closed) await wait();
      }
      const c = closed as { code: number } | null;
      // A clean close carries a code (4400 bad frame, 1009 too big, 1000 ours); 1006 = no close frame.
      if (!c || c.code === 1006) uncleanCloses++;
      else cleanCloses++;
      unanswered += pending.size;
    }
    const seconds = (performance.now() - t0) / 1000;
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    // Still alive: a fresh socket gets an answer.
    const alive = await (async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`);
      try {
        await new Promise((r, j) => {
          ws.once('open', r);
          ws.once('error', j);
        });
        const answer = new Promise<Frame>((r) =>
          ws.on('message', (m) => {
            const f = JSON.parse(m.toString()) as Frame;
            if (f.t === 'result') r(f);
          }),
        );
        ws.send(JSON.stringify({ t: 'call', id: 1, name: 'vms.list', input: { connectionId: 'test' } }));
        return (await answer).ok === true;
      } catch {
        return false;
      } finally {
        ws.terminate();
      }
    })();
    if (!alive) crashes++;
    await web.close();
    const fps = sent / seconds;
    const growth = (rssMax - rss0) / 1024 / 1024;
    const pass =
      fps >= TARGET_FPS &&
      crashes === 0 &&
      unanswered === 0 &&
      uncleanCloses === 0 &&
      growth <= MAX_RSS_GROWTH_MIB;
    process.stdout.write(
      `BENCH fuzz.ws_frames_per_s ${fps.toFixed(0)} frames/s target >=${TARGET_FPS} ${pass ? 'PASS' : 'MISS'}\n` +
        `crashes ${crashes}\n` +
        `# fuzz: seed ${SEED}, ${sent} frames in ${seconds.toFixed(1)} s; ${answered} calls answered, ` +
        `${unanswered} unanswered; ${cleanCloses} clean closes, ${uncleanCloses} unclean; ` +
        `${internal} 'internal' errors; RSS +${growth.toFixed(0)} MiB (bound ${MAX_RSS_GROWTH_MIB})\n`,
    );
    if (growth > MAX_RSS_GROWTH_MIB) process.stdout.write(`# fuzz: memory grew past the bound\n`);
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await core.stop().catch(() => undefined);
    await rm(configDir, { recursive: true, force: true });
    await daemon.stop();
  }
}
