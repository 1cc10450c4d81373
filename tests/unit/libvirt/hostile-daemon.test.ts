/**
 * A hostile (or broken) daemon, played by the fake daemon over a real UNIX socket: endless screenshot,
 * trickled replies, stopped peer, oversized declared lengths and strings, event and PING floods. Each
 * attack must end in a clear, typed error with bounded memory, never in a hang or a crash.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { LibvirtClient } from '../../../electron/libvirt/client.js';
import { connectionOverSocket, type Connection } from '../../../electron/libvirt/connection.js';
import { isReadProcedure } from '../../../electron/libvirt/deadlines.js';
import type { CloseInfo } from '../../../electron/libvirt/engine.js';
import {
  LibvirtCallTimeoutError,
  LibvirtConnectionError,
  ProtocolError,
} from '../../../electron/libvirt/errors.js';
import { KEEPALIVE_PROC_PING, MAX_PONG_BACKLOG } from '../../../electron/libvirt/keepalive.js';
import {
  FrameReassembler,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  MAX_FRAME_LENGTH,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  encodePacket,
  encodeStreamPacket,
  type Packet,
} from '../../../electron/libvirt/packet.js';
import { MAX_SCREENSHOT_BYTES } from '../../../electron/libvirt/api/streams.js';
import { REMOTE_STRING_MAX } from '../../../electron/libvirt/protocol/constants.js';
import { eventMessages, procedures, type ProcedureName } from '../../../electron/libvirt/protocol/remote.js';
import { LibvirtStream } from '../../../electron/libvirt/stream.js';
import { voidT, type XdrType } from '../../../electron/libvirt/xdr/schema.js';
import { FakeDaemon, reply, type FakeClient } from './fake-daemon.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let daemon: FakeDaemon | undefined;
const conns: Connection[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.engine.close('client');
  await daemon?.stop();
  daemon = undefined;
});

async function setup(
  handler: (p: Packet, c: FakeClient) => void,
  opts: Parameters<typeof connectionOverSocket>[1] = {},
): Promise<{ conn: Connection; client: LibvirtClient }> {
  daemon = await FakeDaemon.start(handler);
  const conn = connectionOverSocket(await daemon.connect(), { keepaliveInterval: 0, ...opts });
  conns.push(conn);
  return { conn, client: new LibvirtClient(conn) };
}

const procName = (proc: number): ProcedureName | undefined =>
  (Object.keys(procedures) as ProcedureName[]).find((n) => procedures[n].proc === proc);

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** heapUsed + Buffer memory after full GCs (Buffers are freed by finalizers, hence the ticks). */
async function settledMemory(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const DOM = { name: 'vm1', uuid: '6b0e6a3c-0000-4000-8000-000000000001', id: 1 };
const MiB = 1024 * 1024;

/** Answers a call with its procedure's reply schema. */
function answer(c: FakeClient, p: Packet, value: unknown): void {
  const name = procName(p.header.proc) as ProcedureName;
  reply(c, p.header, procedures[name].ret as XdrType, value);
}

describe('endless screenshot', () => {
  it(`aborts past ${MAX_SCREENSHOT_BYTES / MiB} MiB with a clear error, and memory stays bounded`, async () => {
    let sent = 0;
    let aborted = false;
    const { client, conn } = await setup((p, c) => {
      if (p.header.type === MessageType.STREAM && p.header.status === MessageStatus.ERROR) {
        aborted = true; // our abort: a real daemon stops here
        return;
      }
      if (p.header.proc !== procedures.domainScreenshot.proc) return;
      answer(c, p, { mime: 'image/png' });
      const chunk = Buffer.alloc(256 * 1024, 0x5a);
      const pump = (): void => {
        while (!aborted && !c.socket.destroyed) {
          sent += chunk.length;
          const ok = c.socket.write(
            encodeStreamPacket(
              { ...p.header, type: MessageType.STREAM, status: MessageStatus.CONTINUE },
              chunk,
            ),
          );
          if (!ok) {
            c.socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const before = await settledMemory();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
    }, 5);
    try {
      await expect(client.domainScreenshot(DOM)).rejects.toThrow(
        new ProtocolError('screenshot larger than the 64 MiB limit: stream aborted'),
      );
    } finally {
      clearInterval(sampler);
    }
    await until(() => aborted);
    // The daemon side (same process) holds its own socket buffers too: 64 MiB collected + what is in
    // flight. Without the bound this grows until the process dies.
    expect(peak - before).toBeLessThan(MAX_SCREENSHOT_BYTES + 48 * MiB);
    expect(sent).toBeGreaterThan(MAX_SCREENSHOT_BYTES);
    expect((await settledMemory()) - before).toBeLessThan(16 * MiB); // nothing kept after the failure
    // The connection itself is fine: only the stream was aborted.
    expect(conn.closed).toBe(false);
  });

  it('a screenshot within the bound is returned whole', async () => {
    const { client } = await setup((p, c) => {
      if (p.header.proc !== procedures.domainScreenshot.proc || p.header.type !== MessageType.CALL) return;
      if (p.header.type === MessageType.CALL) answer(c, p, { mime: 'image/x-portable-pixmap' });
      const s = { ...p.header, type: MessageType.STREAM };
      c.socket.write(encodeStreamPacket({ ...s, status: MessageStatus.CONTINUE }, Buffer.alloc(1000, 1)));
      c.socket.write(encodeStreamPacket({ ...s, status: MessageStatus.CONTINUE }, Buffer.alloc(0)));
      // Our finish (STREAM/OK) is confirmed by an empty STREAM/OK.
      daemon!.handler = (q) => {
        if (q.header.type === MessageType.STREAM && q.header.status === MessageStatus.OK)
          c.socket.write(encodeStreamPacket({ ...s, status: MessageStatus.OK }, Buffer.alloc(0)));
      };
    });
    const shot = await client.domainScreenshot(DOM, 0, 0, 1000);
    expect(shot.mime).toBe('image/x-portable-pixmap');
    expect(shot.data.length).toBe(1000);
  });
});

describe('call deadlines', () => {
  it('a reply trickled byte by byte fails the call at its deadline; the late reply is dropped safely', async () => {
    let trickler: NodeJS.Timeout | undefined;
    let sent = 0;
    let frameLength = Infinity;
    const { client, conn } = await setup((p, c) => {
      if (p.header.type !== MessageType.CALL) return;
      const frame = encodePacket(
        { ...p.header, type: MessageType.REPLY, status: MessageStatus.OK },
        { schema: procedures.connectGetVersion.ret, value: { hv_ver: 9000000n } },
      );
      if (p.header.serial !== 1) {
        c.socket.write(frame);
        return;
      }
      let i = 0;
      frameLength = frame.length;
      trickler = setInterval(() => {
        c.socket.write(frame.subarray(i, i + 1));
        sent = ++i;
        if (i === frame.length) clearInterval(trickler);
      }, 15);
    });
    let closed: CloseInfo | undefined;
    conn.on('close', (info: CloseInfo) => (closed = info));
    const t0 = performance.now();
    const err = await client
      .call('connectGetVersion', undefined, { timeoutMs: 250 })
      .catch((e: unknown) => e);
    const waited = performance.now() - t0;
    const sentAtFailure = sent;
    expect(err).toBeInstanceOf(LibvirtCallTimeoutError);
    expect(err).toBeInstanceOf(LibvirtConnectionError);
    // Bytes kept arriving, so the message does not claim silence.
    expect((err as Error).message).toBe('libvirt did not answer connectGetVersion within 0.25 s');
    expect((err as Error).name).toBe('LibvirtConnectionError'); // crosses the app boundary as such
    expect(waited).toBeGreaterThanOrEqual(240);
    // It gave up while the reply was still trickling in (no wall-clock bound: the machine may be loaded).
    expect(sentAtFailure).toBeLessThan(frameLength);
    // The trickle completes later: the reply for the abandoned serial is dropped, the connection lives.
    await until(() => conn.engine.pendingCalls === 0);
    clearInterval(trickler);
    expect(closed).toBeUndefined();
    await expect(client.call('connectGetVersion', undefined)).resolves.toEqual({ hv_ver: 9000000n });
  });

  it('a silent (stopped) daemon: the deadline says nothing came, a queued call is withdrawn unsent', async () => {
    const held: Packet[] = [];
    const { client, conn } = await setup((p) => held.push(p), { maxInFlight: 1 });
    const first = client.call('domainCreate', { dom: { name: 'a', uuid: Buffer.alloc(16), id: -1 } });
    // The daemon holds the first call before the second starts: on a loaded machine the first could
    // otherwise still be on its way when the second's deadline passes.
    await until(() => held.length === 1);
    const second = client.call('connectGetVersion', undefined, { timeoutMs: 150 });
    await expect(second).rejects.toThrow(
      'libvirt did not answer connectGetVersion within 0.15 s (nothing received from it meanwhile)',
    );
    expect(held.map((p) => p.header.proc)).toEqual([procedures.domainCreate.proc]); // never sent
    expect(conn.engine.pendingCalls).toBe(1);
    // The long operation has no deadline by default and is still waiting.
    await new Promise((r) => setTimeout(r, 100));
    reply(daemon!.clients[0] as FakeClient, (held[0] as Packet).header, voidT, undefined);
    await expect(first).resolves.toBeUndefined();
  });

  it('a timed-out call keeps its in-flight slot until the late reply (the daemon still counts it)', async () => {
    const held: Packet[] = [];
    const { client, conn } = await setup((p) => held.push(p), { maxInFlight: 1 });
    await expect(client.call('connectGetVersion', undefined, { timeoutMs: 100 })).rejects.toBeInstanceOf(
      LibvirtCallTimeoutError,
    );
    const next = client.call('connectGetHostname', undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(held.length).toBe(1); // queued behind the abandoned call
    const c = daemon!.clients[0] as FakeClient;
    answer(c, held[0] as Packet, { hv_ver: 1n }); // the late reply frees the slot…
    await until(() => held.length === 2);
    answer(c, held[1] as Packet, { hostname: 'h' });
    await expect(next).resolves.toEqual({ hostname: 'h' }); // …and is not mistaken for this one
    expect(conn.engine.pendingCalls).toBe(0);
  });

  it("the client's read timeout covers read procedures only; 0 opts out per call", async () => {
    const held: Packet[] = [];
    const { client } = await setup((p) => held.push(p));
    client.setReadTimeout(150);
    expect(client.readTimeout).toBe(150);
    const info = client.domainGetInfo(DOM);
    await expect(info).rejects.toThrow(/^libvirt did not answer domainGetInfo within 0.15 s/);
    const create = client.call('domainCreate', { dom: { name: 'a', uuid: Buffer.alloc(16), id: -1 } });
    const optOut = client.call('connectGetVersion', undefined, { timeoutMs: 0 });
    let settled = false;
    void Promise.allSettled([create, optOut]).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 350));
    expect(settled).toBe(false);
    const c = daemon!.clients[0] as FakeClient;
    for (const p of held.slice(1))
      answer(c, p, p.header.proc === procedures.connectGetVersion.proc ? { hv_ver: 1n } : undefined);
    await expect(create).resolves.toBeUndefined();
    await expect(optOut).resolves.toEqual({ hv_ver: 1n });
    client.setReadTimeout(0);
    expect(client.readTimeout).toBe(0);
  });

  it('a stream the daemon opens after its deadline passed is aborted towards the daemon', async () => {
    const held: Packet[] = [];
    const { conn } = await setup((p) => held.push(p));
    const stream = new LibvirtStream();
    const proc = procedures.domainScreenshot.proc;
    await expect(
      conn.engine.call(proc, voidT, undefined, voidT, { stream, timeoutMs: 100, label: 'domainScreenshot' }),
    ).rejects.toBeInstanceOf(LibvirtCallTimeoutError);
    const call = held[0] as Packet;
    reply(daemon!.clients[0] as FakeClient, call.header, voidT, undefined);
    await until(() => held.some((p) => p.header.type === MessageType.STREAM));
    const abort = held.find((p) => p.header.type === MessageType.STREAM) as Packet;
    expect(abort.header).toMatchObject({ serial: call.header.serial, proc, status: MessageStatus.ERROR });
    expect(conn.closed).toBe(false);
  });

  it('a deadline passing while we do not read (a lagging download) waits until we read again', async () => {
    const proc = procedures.storageVolDownload.proc;
    const { conn } = await setup((p, c) => {
      if (p.header.type !== MessageType.CALL) return;
      if (p.header.proc === proc) {
        reply(c, p.header, voidT, undefined);
        const data = { ...p.header, type: MessageType.STREAM, status: MessageStatus.CONTINUE };
        for (let i = 0; i < 8; i++) c.socket.write(encodeStreamPacket(data, Buffer.alloc(128 * 1024, i)));
        return;
      }
      answer(c, p, { hv_ver: 3n });
    });
    const { stream } = await conn.openStream(proc, voidT, undefined, voidT, 'read', {
      maxBufferedBytes: 256 * 1024,
      readableHighWaterMark: 64 * 1024,
    });
    await until(() => conn.engine.readingPaused); // nobody reads the download: the connection pauses
    const def = procedures.connectGetVersion;
    let settled: unknown;
    const version = conn
      .call(def.proc, def.args, undefined, def.ret, { timeoutMs: 100, label: 'connectGetVersion' })
      .then(
        (v) => (settled = v),
        (e: unknown) => (settled = e),
      );
    await new Promise((r) => setTimeout(r, 400));
    expect(settled).toBeUndefined(); // the answer is there, unread: no false timeout
    stream.on('error', () => undefined);
    stream.resume(); // the consumer catches up; reading resumes, the reply is read
    await version;
    expect(settled).toEqual({ hv_ver: 3n });
    stream.destroy();
  });

  it('classifies reads: Get/List/Lookup/Is… and stats, never state changes or streams', () => {
    const reads: ProcedureName[] = [
      'connectGetVersion',
      'connectListAllDomains',
      'connectGetAllDomainStats',
      'domainGetInfo',
      'domainGetXMLDesc',
      'domainLookupByUUID',
      'domainIsActive',
      'domainHasManagedSaveImage',
      'domainSnapshotNum',
      'domainListAllSnapshots',
      'domainMemoryStats',
      'domainMigrateGetMaxSpeed',
      'storageVolGetInfo',
      'networkGetDHCPLeases',
      'nodeGetInfo',
    ];
    const writes: ProcedureName[] = [
      'domainCreate',
      'domainCreateXML',
      'domainDefineXML',
      'domainDestroy',
      'domainMigratePerform3Params',
      'domainSnapshotCreateXML',
      'domainRevertToSnapshot',
      'storageVolWipe',
      'storageVolCreateXMLFrom',
      'domainSetMemoryFlags',
      'connectOpen',
      'connectClose',
      'authList',
      'domainScreenshot',
      'storageVolDownload',
      'domainOpenConsole',
      'connectDomainEventCallbackRegisterAny',
    ];
    for (const n of reads) expect(isReadProcedure(n), n).toBe(true);
    for (const n of writes) expect(isReadProcedure(n), n).toBe(false);
  });
});

describe('oversized and trickled frames', () => {
  it('an oversized declared length closes the connection at once, with nothing of the frame buffered', async () => {
    const { client, conn } = await setup((p, c) => {
      if (p.header.type !== MessageType.CALL) return;
      const word = Buffer.alloc(4);
      word.writeUInt32BE(MAX_FRAME_LENGTH + 1);
      c.socket.write(word); // and then nothing: no need to wait for the 32 MiB
    });
    const closed = new Promise<CloseInfo>((resolve) => conn.on('close', resolve));
    // No deadline here: without the length check this call would wait for 32 MiB that never come.
    const err = await client.call('connectGetVersion', undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtConnectionError);
    expect((err as Error).message).toBe(
      `connection closed (error): invalid frame length ${MAX_FRAME_LENGTH + 1} (allowed 28..${MAX_FRAME_LENGTH})`,
    );
    const info = await closed;
    expect(info.reason).toBe('error');
    expect(info.error).toBeInstanceOf(ProtocolError);
  });

  it('libvirt’s own limit: a 32 MiB message plus the length word is the largest accepted frame', () => {
    expect(MAX_FRAME_LENGTH).toBe(33554432 + 4); // VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX
    const r = new FrameReassembler();
    const word = Buffer.alloc(4);
    word.writeUInt32BE(0xffffffff);
    expect(() => r.push(word)).toThrow(ProtocolError);
    expect(r.pendingBytes).toBe(0);
  });

  it('a maximum-size frame trickled in 200,000 one-byte chunks costs one frame of memory, not a chunk list', () => {
    const r = new FrameReassembler();
    const source = Buffer.alloc(200_000, 7);
    source.writeUInt32BE(MAX_FRAME_LENGTH, 0);
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < source.length; i++) r.push(source.subarray(i, i + 1));
    expect(r.pendingBytes).toBe(source.length);
    gc();
    const after = process.memoryUsage();
    // No per-chunk objects are kept (200,000 Buffer views would pin tens of MB of heap)…
    expect(after.heapUsed - before.heapUsed).toBeLessThan(4 * MiB);
    // …and the buffer grows with what arrived, not with the 32 MiB the peer declared.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(2 * MiB);
    r.reset();
  });
});

describe('hostile event payloads and floods', () => {
  /** Subscribes a client to domain events; returns the lifecycle callback ID. */
  async function subscribed(onEvent?: (p: Packet, c: FakeClient) => void) {
    let nextId = 1;
    let lifecycleId = -1;
    const ctx = await setup((p, c) => {
      if (p.header.type !== MessageType.CALL) return;
      if (p.header.proc === procedures.connectDomainEventCallbackRegisterAny.proc) {
        if (lifecycleId < 0) lifecycleId = nextId;
        answer(c, p, { callbackID: nextId++ });
        return;
      }
      onEvent?.(p, c);
    });
    await ctx.client.subscribeDomainEvents();
    return { ...ctx, lifecycleId, c: daemon!.clients[0] as FakeClient };
  }

  const eventHeader = {
    prog: REMOTE_PROGRAM,
    vers: 1,
    proc: eventMessages.domainEventCallbackLifecycle.proc,
    type: MessageType.MESSAGE,
    serial: 0,
    status: MessageStatus.OK,
  };

  it('every string, opaque and array of the protocol tables has a bound within libvirt’s message size', () => {
    const unbounded: string[] = [];
    const seen = new Set<XdrType>();
    const walk = (t: XdrType, where: string): void => {
      if (seen.has(t)) return;
      seen.add(t);
      switch (t.kind) {
        case 'string':
          if (t.max > REMOTE_STRING_MAX) unbounded.push(`${where}: string<${t.max}>`);
          return;
        case 'opaque':
          if (t.max > MAX_FRAME_LENGTH) unbounded.push(`${where}: opaque<${t.max}>`);
          return;
        case 'array':
          if (t.max > MAX_FRAME_LENGTH / 4) unbounded.push(`${where}: array<${t.max}>`);
          walk(t.of, `${where}[]`);
          return;
        case 'fixedArray':
        case 'optional':
          walk(t.of, where);
          return;
        case 'struct':
          for (const [name, ft] of t.fields) walk(ft, `${where}.${name}`);
          return;
        case 'union':
          for (const arm of Object.values(t.arms)) walk(arm, `${where}<>`);
          if (t.defaultArm) walk(t.defaultArm, `${where}<default>`);
          return;
        case 'lazy':
          walk(t.get(), where);
          return;
        default:
      }
    };
    for (const [name, def] of Object.entries(procedures)) {
      walk(def.args as XdrType, `${name} args`);
      walk(def.ret as XdrType, `${name} ret`);
    }
    for (const [name, def] of Object.entries(eventMessages)) walk(def.msg as XdrType, name);
    expect(seen.size).toBeGreaterThan(100);
    expect(unbounded).toEqual([]);
  });

  it('strings longer than REMOTE_STRING_MAX are refused before any allocation; the connection lives', async () => {
    const { client, conn, c, lifecycleId } = await subscribed((p, c2) => answer(c2, p, { hv_ver: 7n }));
    const events: unknown[] = [];
    client.on('domainEvent', (e) => events.push(e));
    // callbackID, then the domain name's length word: 4 GiB - 1, far beyond REMOTE_STRING_MAX.
    const hostile = Buffer.alloc(8);
    hostile.writeInt32BE(lifecycleId, 0);
    hostile.writeUInt32BE(0xffffffff, 4);
    c.socket.write(encodePacket(eventHeader, hostile));
    // One byte over the limit, with the bytes actually there.
    const over = Buffer.alloc(8 + REMOTE_STRING_MAX + 4);
    over.writeInt32BE(lifecycleId, 0);
    over.writeUInt32BE(REMOTE_STRING_MAX + 1, 4);
    c.socket.write(encodePacket(eventHeader, over));
    await expect(client.call('connectGetVersion', undefined)).resolves.toEqual({ hv_ver: 7n });
    expect(events).toEqual([]);
    expect(conn.closed).toBe(false);
  });

  it('100,000 events: every one delivered, memory back to where it was', async () => {
    const { client, c, lifecycleId } = await subscribed();
    const schema = eventMessages.domainEventCallbackLifecycle.msg as XdrType;
    const uuid = Buffer.alloc(16, 3);
    const TOTAL = 100_000;
    let seen = 0;
    client.on('domainEvent', () => seen++);
    const before = await settledMemory();
    let peak = 0;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (sent < TOTAL) {
          const frame = encodePacket(eventHeader, {
            schema,
            value: {
              callbackID: lifecycleId,
              msg: { dom: { name: `vm-${sent}`, uuid, id: sent }, event: 2, detail: 0 },
            },
          });
          sent++;
          if (sent % 10_000 === 0) {
            const m = process.memoryUsage();
            peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
          }
          if (!c.socket.write(frame)) {
            c.socket.once('drain', pump);
            return;
          }
        }
        resolve();
      };
      pump();
    });
    await until(() => seen === TOTAL, 20_000);
    expect(peak - before).toBeLessThan(64 * MiB);
    expect((await settledMemory()) - before).toBeLessThan(4 * MiB);
  }, 30_000);

  it('a PING flood from a peer that reads nothing does not grow our write buffer without bound', async () => {
    const { conn } = await setup(() => undefined, { keepaliveInterval: 0 });
    await until(() => daemon!.clients.length === 1);
    const c = daemon!.clients[0] as FakeClient;
    c.socket.pause(); // the hostile peer never reads our PONGs
    const ping = encodePacket({
      prog: KEEPALIVE_PROGRAM,
      vers: KEEPALIVE_PROTOCOL_VERSION,
      proc: KEEPALIVE_PROC_PING,
      type: MessageType.MESSAGE,
      serial: 0,
      status: MessageStatus.OK,
    });
    const burst = Buffer.concat(Array.from({ length: 10_000 }, () => ping));
    let maxBacklog = 0;
    for (let i = 0; i < 20; i++) {
      c.socket.write(burst);
      await new Promise((r) => setTimeout(r, 10));
      maxBacklog = Math.max(maxBacklog, conn.engine.writeBacklog);
    }
    await new Promise((r) => setTimeout(r, 100));
    maxBacklog = Math.max(maxBacklog, conn.engine.writeBacklog);
    // 200,000 PONGs would be 5.6 MB; we stop answering past the bound (+ one PONG).
    expect(maxBacklog).toBeGreaterThan(0);
    expect(maxBacklog).toBeLessThanOrEqual(MAX_PONG_BACKLOG + 28);
    expect(conn.closed).toBe(false);
  });
});
