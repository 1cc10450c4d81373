/**
 * Fuzzing the libvirt receive path at scale: one million packets (a fifth pure noise, the rest valid
 * packets of real procedures, mutated) go through what the engine does with the bytes of a hostile
 * daemon: the frame reassembler (fed in 1–3 random chunks), the header decoder, then the XDR decoding
 * the engine would apply — the reply schema of the procedure in the header (any of libvirt's 170-odd
 * procedures of protocol/remote.ts), the event message schema, or remote_error.
 *
 * Only typed errors (XdrError, ProtocolError, LibvirtError) may come out. Figures:
 * - fuzz.packets_per_s   packets through the whole path per second                  target >= 50000
 * - fuzz.crashes         anything else thrown (a TypeError, a RangeError…)          target <= 0
 * - fuzz.hangs           packets that took longer than 1 s                           target <= 0
 *                        (the fuzzer runs in a worker: no progress for 15 s kills it, also a hang)
 * - fuzz.heap_growth_mb  heap + Buffer memory after the run vs before (after GC)    target < 16
 * The seed is fixed (VD_BENCH_FUZZ_SEED overrides it), so a run is reproducible; the first crashes are
 * printed with the packet in hex. Runs the built client (dist/, see built.ts), as the app does.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type * as ErrorsModule from '../../electron/libvirt/errors.js';
import type * as PacketModule from '../../electron/libvirt/packet.js';
import type * as RemoteModule from '../../electron/libvirt/protocol/remote.js';
import type * as CodecModule from '../../electron/libvirt/xdr/codec.js';
import type { XdrType } from '../../electron/libvirt/xdr/schema.js';
import { importBuilt } from './built.js';

const PACKETS = Number(process.env.VD_BENCH_FUZZ_PACKETS ?? 1_000_000);
const SEED = Number(process.env.VD_BENCH_FUZZ_SEED ?? 0x5eed1234);
/** One packet taking longer than this counts as a hang (generous: the machine is shared). */
const SLOW_PACKET_MS = 1000;
/** No progress report from the fuzzing worker for this long: a hang; the worker is killed. */
const STALL_MS = 15_000;
/** The run stops early (and says so) past this, so the bench stays bounded on a slow machine. */
const TIME_BUDGET_MS = 55_000;
const TARGET_PPS = 50_000;
const TARGET_HEAP_MB = 16;

const line = (name: string, value: string, unit: string, op: string, pass: boolean, target: number): void =>
  console.log(`BENCH ${name} ${value} ${unit} target ${op}${target} ${pass ? 'PASS' : 'MISS'}`);

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzResult {
  type: 'result';
  done: number;
  elapsedMs: number;
  frames: number;
  maxPending: number;
  slowestMs: number;
  slowPackets: number;
  outcomes: [string, number][];
  crashes: number;
  crashSamples: string[];
  growthMb: number;
  corpus: number;
  procedures: number;
  events: number;
}
type FuzzMessage = FuzzResult | { type: 'progress'; done: number };

async function fuzzInWorker(report: (m: FuzzMessage) => void): Promise<FuzzResult> {
  const packet = await importBuilt<typeof PacketModule>('libvirt/packet');
  const codec = await importBuilt<typeof CodecModule>('libvirt/xdr/codec');
  const errors = await importBuilt<typeof ErrorsModule>('libvirt/errors');
  const remote = await importBuilt<typeof RemoteModule>('libvirt/protocol/remote');
  const { MessageStatus, MessageType, REMOTE_PROGRAM, KEEPALIVE_PROGRAM } = packet;

  const rand = prng(SEED);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

  // ---- a corpus of valid packets: random values of every reply and event schema ---------------
  /** A random value of `t`, small (short strings, ≤ 3 array elements), for the corpus. */
  const valueOf = (t: XdrType, depth = 0): unknown => {
    switch (t.kind) {
      case 'void':
        return undefined;
      case 'int':
        return pick([0, 1, -1, 5, 0x7fffffff, -0x80000000, int(1000)]);
      case 'uint':
        return pick([0, 1, 2, 0xffffffff, int(100000)]);
      case 'hyper':
        return pick([0n, -1n, 1n << 40n, BigInt(int(1e9))]);
      case 'uhyper':
        return pick([0n, 1n, (1n << 64n) - 1n, BigInt(int(1e9))]);
      case 'bool':
        return rand() < 0.5;
      case 'float':
      case 'double':
        return rand() * 100;
      case 'string':
        return 'vm-αβ-<x/>'.slice(0, Math.min(t.max, int(11)));
      case 'opaque':
        return Buffer.alloc(Math.min(t.max, int(20)), int(256));
      case 'fixedOpaque':
        return Buffer.alloc(t.len, int(256));
      case 'array':
        return Array.from({ length: depth > 4 ? 0 : Math.min(t.max, int(4)) }, () =>
          valueOf(t.of, depth + 1),
        );
      case 'fixedArray':
        return Array.from({ length: t.len }, () => valueOf(t.of, depth + 1));
      case 'optional':
        return depth > 4 || rand() < 0.4 ? null : valueOf(t.of, depth + 1);
      case 'struct':
        return Object.fromEntries(t.fields.map(([name, ft]) => [name, valueOf(ft, depth + 1)]));
      case 'union': {
        const tag = Number(pick(Object.keys(t.arms)));
        return { tag, value: valueOf(t.arms[tag] as XdrType, depth + 1) };
      }
      case 'lazy':
        return valueOf(t.get(), depth + 1);
    }
  };

  const replySchemas = new Map<number, XdrType>();
  for (const def of Object.values(remote.procedures)) replySchemas.set(def.proc, def.ret as XdrType);
  const eventSchemas = new Map<number, XdrType>();
  for (const def of Object.values(remote.eventMessages)) eventSchemas.set(def.proc, def.msg as XdrType);
  const allSchemas = [...replySchemas.values(), ...eventSchemas.values()];

  const corpus: Buffer[] = [];
  const header = { prog: REMOTE_PROGRAM, vers: 1, serial: 7, status: MessageStatus.OK };
  for (const [proc, schema] of replySchemas) {
    for (let k = 0; k < 2; k++) {
      corpus.push(
        packet.encodePacket({ ...header, proc, type: MessageType.REPLY }, { schema, value: valueOf(schema) }),
      );
    }
  }
  for (const [proc, schema] of eventSchemas) {
    corpus.push(
      packet.encodePacket(
        { ...header, proc, serial: 0, type: MessageType.MESSAGE },
        { schema, value: valueOf(schema) },
      ),
    );
  }
  corpus.push(
    packet.encodePacket(
      { ...header, proc: 1, type: MessageType.REPLY, status: MessageStatus.ERROR },
      packet.encodeRemoteError({
        code: 42,
        domain: 10,
        message: 'Domain not found',
        level: 2,
        dom: { name: 'vm', uuid: Buffer.alloc(16, 1), id: 3 },
        str1: 'vm',
        str2: null,
        str3: null,
        int1: -1,
        int2: -1,
        net: null,
      }),
    ),
    packet.encodeStreamPacket(
      { ...header, proc: 211, type: MessageType.STREAM, status: MessageStatus.CONTINUE },
      Buffer.alloc(64, 0x89),
    ),
    packet.encodePacket({ prog: KEEPALIVE_PROGRAM, vers: 1, proc: 1, type: 2, serial: 0, status: 0 }),
  );

  // ---- mutations ----------------------------------------------------------------------------------
  const interesting = [
    0,
    1,
    3,
    4,
    27,
    28,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    16385,
    65537,
    262145,
    4194304,
    4194305,
    packet.MAX_FRAME_LENGTH,
    packet.MAX_FRAME_LENGTH + 1,
  ];
  const mutate = (src: Buffer): Buffer => {
    let b = Buffer.from(src);
    const rounds = 1 + int(3);
    for (let m = 0; m < rounds; m++) {
      const n = b.length;
      switch (int(7)) {
        case 0: // bit flips
          for (let k = 1 + int(8); k > 0 && n > 0; k--) {
            const pos = int(n);
            b[pos] = (b[pos] as number) ^ (1 << int(8));
          }
          break;
        case 1: // random bytes
          for (let k = 1 + int(4); k > 0 && n > 0; k--) b[int(n)] = int(256);
          break;
        case 2: // a length, count, tag or discriminant replaced by an edge value
          if (n >= 32) b.writeUInt32BE(pick(interesting), 28 + 4 * int((n - 28) >> 2));
          break;
        case 3: // truncation
          b = b.subarray(0, int(n + 1));
          break;
        case 4: // trailing garbage
          b = Buffer.concat([b, Buffer.from(Array.from({ length: 1 + int(64) }, () => int(256)))]);
          break;
        case 5: {
          // a slice of another valid packet spliced in
          const other = pick(corpus);
          const from = int(other.length);
          const piece = other.subarray(from, from + 1 + int(64));
          const at = int(n + 1);
          b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
          break;
        }
        case 6: // header fields: type, status, proc, prog
          if (n >= 28) {
            const field = pick([4, 12, 16, 24]);
            b.writeUInt32BE(
              field === 12 ? pick([...replySchemas.keys()]) : pick([0, 1, 2, 3, 5, 6, 99]),
              field,
            );
          }
          break;
      }
    }
    // Mostly keep the framing consistent, so the payload reaches the XDR decoders.
    if (b.length >= 4 && rand() < 0.8) b.writeUInt32BE(b.length, 0);
    return b;
  };
  const noise = (): Buffer => {
    const b = Buffer.from(Array.from({ length: int(300) }, () => int(256)));
    if (b.length >= 4 && rand() < 0.5) b.writeUInt32BE(b.length, 0);
    return b;
  };

  // ---- the receive path ---------------------------------------------------------------------------
  const typed = (e: unknown): string | null =>
    e instanceof errors.XdrError || e instanceof errors.ProtocolError || e instanceof errors.LibvirtError
      ? e.name
      : null;
  const outcomes = new Map<string, number>();
  const count = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  let frames = 0;
  let maxPending = 0;

  const receive = (bytes: Buffer): void => {
    const r = new packet.FrameReassembler();
    const cuts = bytes.length > 1 ? [int(bytes.length), int(bytes.length)].sort((x, y) => x - y) : [];
    let prev = 0;
    for (const at of [...cuts, bytes.length]) {
      for (const frame of r.push(bytes.subarray(prev, at))) {
        frames++;
        const p = packet.decodePacket(frame);
        if (p.header.prog !== REMOTE_PROGRAM) continue; // keepalive: payload ignored
        if (p.header.status === MessageStatus.ERROR) {
          packet.decodeRemoteError(p.payload);
        } else if (p.header.type === MessageType.REPLY) {
          codec.decode(replySchemas.get(p.header.proc) ?? pick(allSchemas), p.payload);
        } else if (p.header.type === MessageType.MESSAGE) {
          codec.decode(eventSchemas.get(p.header.proc) ?? pick(allSchemas), p.payload);
        }
      }
      maxPending = Math.max(maxPending, r.pendingBytes);
      prev = at;
    }
  };

  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const memory = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  const crashSamples: string[] = [];
  let crashes = 0;
  let slowPackets = 0;
  let slowest = 0;
  let done = 0;
  const before = memory();
  const t0 = performance.now();
  for (; done < PACKETS; done++) {
    const bytes = rand() < 0.2 ? noise() : mutate(pick(corpus));
    const s = performance.now();
    try {
      receive(bytes);
      count('accepted');
    } catch (e) {
      const kind = typed(e);
      if (kind) count(kind);
      else if (++crashes <= 5) crashSamples.push(`${String(e)} on packet #${done} ${bytes.toString('hex')}`);
    }
    const took = performance.now() - s;
    if (took > slowest) slowest = took;
    if (took > SLOW_PACKET_MS) slowPackets++;
    if ((done & 0x3fff) === 0) {
      report({ type: 'progress', done });
      if (performance.now() - t0 > TIME_BUDGET_MS) break;
    }
  }
  const elapsedMs = performance.now() - t0;
  return {
    type: 'result',
    done,
    elapsedMs,
    frames,
    maxPending,
    slowestMs: slowest,
    slowPackets,
    outcomes: [...outcomes],
    crashes,
    crashSamples,
    growthMb: (memory() - before) / (1024 * 1024),
    corpus: corpus.length,
    procedures: replySchemas.size,
    events: eventSchemas.size,
  };
}

/** Runs the fuzzer in a worker, so a packet that makes the decoder loop for ever is seen (and killed). */
export default async function fuzzBench(): Promise<void> {
  // Workers do not inherit the tsx loader of `npm run bench`: register it, then load this file.
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { fuzz: true } });
  let lastDone = 0;
  const result = await new Promise<FuzzResult | { type: 'stalled' }>((resolve, reject) => {
    let watchdog = setTimeout(stalled, STALL_MS);
    function stalled(): void {
      void worker.terminate();
      resolve({ type: 'stalled' });
    }
    worker.on('message', (m: FuzzMessage) => {
      clearTimeout(watchdog);
      if (m.type === 'result') {
        resolve(m);
        return;
      }
      lastDone = m.done;
      watchdog = setTimeout(stalled, STALL_MS);
    });
    worker.once('error', (err) => {
      clearTimeout(watchdog);
      reject(err);
    });
  });
  await worker.terminate();

  if (result.type === 'stalled') {
    console.log(
      `# fuzz: no progress for ${STALL_MS / 1000} s (last progress report at packet #${lastDone}) (seed 0x${SEED.toString(16)}): a hang`,
    );
    line('fuzz.packets_per_s', '0', 'packets/s', '>=', false, TARGET_PPS);
    line('fuzz.hangs', '1', 'packets', '<=', false, 0);
    return;
  }
  const r = result;
  const pps = r.done / (r.elapsedMs / 1000);
  console.log(
    `# fuzz: ${r.done} packets (seed 0x${SEED.toString(16)}, corpus ${r.corpus} valid packets of ` +
      `${r.procedures} procedures and ${r.events} events) in ${(r.elapsedMs / 1000).toFixed(1)} s; ` +
      `${r.frames} frames decoded; slowest packet ${r.slowestMs.toFixed(1)} ms; ` +
      `largest partial frame held ${r.maxPending} bytes`,
  );
  console.log(
    `# outcomes: ${r.outcomes.map(([k, v]) => `${k} ${v}`).join(', ')}` +
      (r.done < PACKETS ? ` (stopped at the ${TIME_BUDGET_MS / 1000} s budget)` : ''),
  );
  for (const c of r.crashSamples) console.log(`# crash: ${c}`);
  line('fuzz.packets', String(r.done), 'packets', '>=', r.done >= PACKETS, PACKETS);
  line('fuzz.packets_per_s', pps.toFixed(0), 'packets/s', '>=', pps >= TARGET_PPS, TARGET_PPS);
  line('fuzz.crashes', String(r.crashes), 'crashes', '<=', r.crashes === 0, 0);
  line('fuzz.hangs', String(r.slowPackets), 'packets', '<=', r.slowPackets === 0, 0);
  line('fuzz.heap_growth_mb', r.growthMb.toFixed(1), 'MB', '<', r.growthMb < TARGET_HEAP_MB, TARGET_HEAP_MB);
}

if (!isMainThread && (workerData as { fuzz?: unknown } | null)?.fuzz === true) {
  const port = parentPort;
  void fuzzInWorker((m) => port?.postMessage(m)).then((r) => port?.postMessage(r));
}
