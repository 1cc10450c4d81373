import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectionOverSocket,
  openConnection,
  type Connection,
} from '../../../electron/libvirt/connection.js';
import { procedures } from '../../../electron/libvirt/protocol/remote.js';
import type { CloseInfo } from '../../../electron/libvirt/engine.js';
import {
  LibvirtConnectionError,
  LibvirtError,
  ProtocolError,
  XdrError,
} from '../../../electron/libvirt/errors.js';
import { KEEPALIVE_PROC_PING, KEEPALIVE_PROC_PONG } from '../../../electron/libvirt/keepalive.js';
import {
  KEEPALIVE_PROGRAM,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  encodePacket,
  type Packet,
} from '../../../electron/libvirt/packet.js';
import { decode } from '../../../electron/libvirt/xdr/codec.js';
import { array, int, optional, string, struct, uint, voidT } from '../../../electron/libvirt/xdr/schema.js';
import { FakeDaemon, reply, replyError, type FakeClient } from './fake-daemon.js';

const numRet = struct({ n: int });
const numArgs = struct({ n: int });

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
): Promise<Connection> {
  daemon = await FakeDaemon.start(handler);
  const conn = connectionOverSocket(await daemon.connect(), opts);
  conns.push(conn);
  return conn;
}

const calls = (c: FakeClient): Packet[] => c.packets.filter((p) => p.header.type === MessageType.CALL);
const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('call engine', () => {
  it('performs calls and decodes replies', async () => {
    const conn = await setup((p, c) => {
      const { n } = decode(numArgs, p.payload);
      reply(c, p.header, numRet, { n: n * 2 });
    });
    await expect(conn.call(1000, numArgs, { n: 21 }, numRet)).resolves.toEqual({ n: 42 });
  });

  it('pipelines up to maxInFlight calls, queues the rest, and matches out-of-order replies by serial', async () => {
    const held: Packet[] = [];
    const conn = await setup((p) => held.push(p), { maxInFlight: 5 });
    const results = Array.from({ length: 20 }, (_, i) => conn.call(1000, numArgs, { n: i }, numRet));
    await until(() => held.length === 5);
    await new Promise((r) => setTimeout(r, 30));
    expect(held.length).toBe(5); // nothing beyond the limit is on the wire
    const client = daemon!.clients[0] as FakeClient;
    // Answer in reverse order, and keep answering whatever arrives next in reverse batches.
    let answered = 0;
    while (answered < 20) {
      await until(() => held.length > 0);
      const batch = held.splice(0).reverse();
      for (const p of batch) {
        reply(client, p.header, numRet, { n: decode(numArgs, p.payload).n + 100 });
        answered++;
      }
    }
    const values = await Promise.all(results);
    expect(values.map((v) => v.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 100));
    const serials = calls(client).map((p) => p.header.serial);
    expect(new Set(serials).size).toBe(20);
  });

  it('turns error replies into LibvirtError with libvirt’s message; the connection stays usable', async () => {
    const conn = await setup((p, c) => {
      if (p.header.proc === 1)
        replyError(c, p.header, 'Requested operation is not valid: domain is not running', 55);
      else reply(c, p.header, numRet, { n: 1 });
    });
    const err = await conn.call(1, voidT, undefined, voidT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).message).toBe('Requested operation is not valid: domain is not running');
    expect((err as LibvirtError).code).toBe(55);
    await expect(conn.call(2, voidT, undefined, numRet)).resolves.toEqual({ n: 1 });
  });

  it('rejects bad arguments with XdrError before sending anything', async () => {
    const conn = await setup(() => undefined);
    await expect(conn.call(1, struct({ s: string(3) }), { s: 'toolong' }, voidT)).rejects.toThrow(XdrError);
    await expect(conn.call(1, numArgs, { n: 2 ** 40 }, voidT)).rejects.toThrow(/at n: int: out of range/);
    await new Promise((r) => setTimeout(r, 20));
    expect(daemon!.clients[0]!.packets.length).toBe(0);
  });

  it('a reply that does not match the schema rejects that call only', async () => {
    const conn = await setup((p, c) => {
      if (p.header.proc === 1) reply(c, p.header, struct({ s: string(100) }), { s: 'a long string' });
      else reply(c, p.header, numRet, { n: 7 });
    });
    await expect(conn.call(1, voidT, undefined, struct({ s: string(3) }))).rejects.toThrow(XdrError);
    await expect(conn.call(2, voidT, undefined, numRet)).resolves.toEqual({ n: 7 });
  });

  it('when the socket dies every pending call rejects promptly and close fires once', async () => {
    const conn = await setup(() => undefined, { maxInFlight: 3 });
    const closes: CloseInfo[] = [];
    conn.on('close', (i: CloseInfo) => closes.push(i));
    const pending = Array.from({ length: 10 }, (_, i) =>
      conn.call(1, numArgs, { n: i }, numRet).catch((e: unknown) => e),
    );
    await until(() => (daemon!.clients[0]?.packets.length ?? 0) === 3);
    const t0 = performance.now();
    daemon!.clients[0]!.socket.destroy();
    const errors = await Promise.all(pending);
    expect(performance.now() - t0).toBeLessThan(500);
    for (const e of errors) expect(e).toBeInstanceOf(LibvirtConnectionError);
    await new Promise((r) => setTimeout(r, 20));
    expect(closes).toHaveLength(1);
    expect(closes[0]!.reason).toBe('eof');
    expect(conn.closed).toBe(true);
    // Calls on a closed connection reject at once.
    await expect(conn.call(1, voidT, undefined, voidT)).rejects.toThrow(LibvirtConnectionError);
  });

  it('malformed framing from the server closes the connection with reason error', async () => {
    const conn = await setup((_p, c) => c.socket.write(Buffer.from('0000000300000000', 'hex')));
    const closed = new Promise<CloseInfo>((r) => conn.on('close', r));
    await expect(conn.call(1, voidT, undefined, voidT)).rejects.toThrow(LibvirtConnectionError);
    const info = await closed;
    expect(info.reason).toBe('error');
    expect(info.error).toBeInstanceOf(ProtocolError);
  });

  it('a reply for an unknown serial is a protocol error', async () => {
    const conn = await setup((p, c) => reply(c, { ...p.header, serial: p.header.serial + 1000 }));
    const closed = new Promise<CloseInfo>((r) => conn.on('close', r));
    await expect(conn.call(1, voidT, undefined, voidT)).rejects.toThrow(/unknown serial/);
    expect((await closed).reason).toBe('error');
  });

  it('dispatches unsolicited MESSAGE packets (events) by procedure, isolating faulty listeners', async () => {
    const conn = await setup((p, c) => {
      reply(c, p.header);
      const ev = { prog: REMOTE_PROGRAM, vers: 1, type: MessageType.MESSAGE, serial: 0, status: 0 };
      c.socket.write(encodePacket({ ...ev, proc: 300 }, { schema: numRet, value: { n: 1 } }));
      c.socket.write(encodePacket({ ...ev, proc: 301 }, { schema: numRet, value: { n: 2 } }));
      c.socket.write(encodePacket({ ...ev, proc: 300 }, { schema: numRet, value: { n: 3 } }));
    });
    const got: number[] = [];
    const listenerErrors: unknown[] = [];
    conn.on('listenerError', (e: unknown) => listenerErrors.push(e));
    conn.onMessage(300, () => {
      throw new Error('bad listener');
    });
    const off = conn.onEvent(300, numRet, (m) => got.push(m.n));
    await conn.call(1, voidT, undefined, voidT);
    await until(() => got.length === 2);
    expect(got).toEqual([1, 3]);
    expect(listenerErrors.length).toBe(2);
    off();
    await conn.call(1, voidT, undefined, voidT);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toEqual([1, 3]);
    expect(conn.closed).toBe(false);
  });

  it('close() sends CONNECT_CLOSE, then ends the socket with reason client', async () => {
    const conn = await setup((p, c) => reply(c, p.header));
    const closed = new Promise<CloseInfo>((r) => conn.on('close', r));
    await conn.close();
    expect((await closed).reason).toBe('client');
    const client = daemon!.clients[0]!;
    expect(calls(client).map((p) => p.header.proc)).toEqual([procedures.connectClose.proc]);
    await conn.close(); // idempotent
  });
});

describe('keepalive', () => {
  it('answers PING with PONG', async () => {
    const conn = await setup(() => undefined);
    const client = await (async () => {
      await until(() => daemon!.clients.length === 1);
      return daemon!.clients[0]!;
    })();
    client.socket.write(
      encodePacket({
        prog: KEEPALIVE_PROGRAM,
        vers: 1,
        proc: KEEPALIVE_PROC_PING,
        type: MessageType.MESSAGE,
        serial: 0,
        status: 0,
      }),
    );
    await until(() => client.packets.some((p) => p.header.prog === KEEPALIVE_PROGRAM));
    const pong = client.packets.find((p) => p.header.prog === KEEPALIVE_PROGRAM)!;
    expect(pong.header).toMatchObject({
      proc: KEEPALIVE_PROC_PONG,
      type: MessageType.MESSAGE,
      status: MessageStatus.OK,
    });
    expect(conn.closed).toBe(false);
  });

  it('pings when idle and declares a silent peer dead after interval × count', async () => {
    const conn = await setup(() => undefined, { keepaliveInterval: 0.05, keepaliveCount: 3 });
    const pending = conn.call(1, voidT, undefined, voidT).catch((e: unknown) => e);
    const t0 = performance.now();
    const closed = new Promise<CloseInfo>((r) => conn.on('close', r));
    conn.keepalive.start();
    const info = await closed;
    const elapsed = performance.now() - t0;
    expect(info.reason).toBe('keepalive');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1500);
    expect(await pending).toBeInstanceOf(LibvirtConnectionError);
    const pings = daemon!.clients[0]!.packets.filter((p) => p.header.proc === KEEPALIVE_PROC_PING);
    expect(pings.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps a peer that answers pings alive', async () => {
    const conn = await setup(
      (p, c) => {
        if (p.header.prog === KEEPALIVE_PROGRAM && p.header.proc === KEEPALIVE_PROC_PING) {
          c.socket.write(encodePacket({ ...p.header, proc: KEEPALIVE_PROC_PONG }));
        }
      },
      { keepaliveInterval: 0.05, keepaliveCount: 3 },
    );
    conn.keepalive.start();
    await new Promise((r) => setTimeout(r, 600));
    expect(conn.closed).toBe(false);
  });
});

describe('openConnection handshake', () => {
  const authListRet = struct({ types: array(int, 20) });
  const openArgs = struct({ name: optional(string(4194304)), flags: uint });

  function handshake(authTypes: number[]) {
    return (p: Packet, c: FakeClient): void => {
      switch (p.header.proc) {
        case procedures.authList.proc:
          return reply(c, p.header, authListRet, { types: authTypes });
        case procedures.authPolkit.proc:
          return reply(c, p.header, struct({ complete: int }), { complete: 1 });
        case procedures.connectSupportsFeature.proc:
          return reply(c, p.header, struct({ supported: int }), { supported: 1 });
        default:
          return reply(c, p.header);
      }
    };
  }

  it('authenticates, opens the daemon-side URI read-only and starts keepalive', async () => {
    daemon = await FakeDaemon.start(handshake([0]));
    const uri = `test+unix:///default?socket=${encodeURIComponent(daemon.socketPath)}`;
    const conn = await openConnection(uri, { readOnly: true });
    conns.push(conn);
    const c = daemon.clients[0]!;
    expect(calls(c).map((p) => p.header.proc)).toEqual([
      procedures.authList.proc,
      procedures.connectSupportsFeature.proc,
      procedures.connectOpen.proc,
    ]);
    const open = calls(c)[2]!;
    expect(decode(openArgs, open.payload)).toEqual({ name: 'test:///default', flags: 1 });
    expect(conn.keepalive.running).toBe(true);
    expect(conn.daemonUri).toBe('test:///default');
  });

  it('does polkit when asked', async () => {
    daemon = await FakeDaemon.start(handshake([2]));
    const conn = await openConnection(`qemu+unix:///system?socket=${daemon.socketPath}`);
    conns.push(conn);
    expect(calls(daemon.clients[0]!).map((p) => p.header.proc)).toContain(procedures.authPolkit.proc);
  });

  it('refuses SASL-only daemons with a clear error and closes the socket', async () => {
    daemon = await FakeDaemon.start(handshake([1]));
    await expect(openConnection(`qemu+unix:///system?socket=${daemon.socketPath}`)).rejects.toThrow(
      /SASL authentication, which VirtDesk does not support/,
    );
  });

  it('a daemon that accepts but never answers fails within handshakeTimeout', async () => {
    daemon = await FakeDaemon.start(() => undefined);
    const t0 = Date.now();
    await expect(
      openConnection(`test+unix:///default?socket=${daemon.socketPath}`, { handshakeTimeout: 200 }),
    ).rejects.toThrow(/timed out after 200 ms/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('a missing socket is a LibvirtConnectionError naming the path', async () => {
    await expect(openConnection('test+unix:///default?socket=/nonexistent/virtdesk.sock')).rejects.toThrow(
      /\/nonexistent\/virtdesk\.sock/,
    );
  });
});

describe('engine under hostile input', () => {
  it('garbage or mutated replies from the daemon settle every call with a typed error, never hang', async () => {
    const garbage = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
        fc.uint8Array({ minLength: 28, maxLength: 200 }).map((a) => {
          const b = Buffer.from(a);
          b.writeUInt32BE(b.length, 0);
          return b;
        }),
      ),
      { numRuns: 150, seed: 42 },
    );
    let round = 0;
    daemon = await FakeDaemon.start((p, c) => {
      const g = garbage[round % garbage.length] as Buffer;
      // Sometimes a real header with a mangled body, sometimes pure noise.
      if (round % 2 === 0 && g.length >= 28) {
        const b = Buffer.from(g);
        b.writeUInt32BE(b.length, 0);
        b.writeUInt32BE(p.header.prog, 4);
        b.writeUInt32BE(1, 8);
        b.writeInt32BE(p.header.proc, 12);
        b.writeInt32BE(MessageType.REPLY, 16);
        b.writeUInt32BE(p.header.serial, 20);
        b.writeInt32BE(g[27]! % 3, 24);
        c.socket.write(b);
      } else {
        c.socket.write(g);
      }
      setTimeout(() => c.socket.destroy(), 20);
    });
    const typed = [LibvirtConnectionError, LibvirtError, ProtocolError, XdrError];
    for (round = 0; round < garbage.length; round++) {
      const conn = connectionOverSocket(await daemon.connect());
      const outcome = await Promise.race([
        conn.call(1, voidT, undefined, struct({ s: string(64), n: int })).then(
          () => 'value',
          (e: unknown) => e,
        ),
        new Promise((r) => setTimeout(() => r('hang'), 2000)),
      ]);
      expect(outcome).not.toBe('hang');
      if (outcome !== 'value') expect(typed.some((t) => outcome instanceof t)).toBe(true);
      conn.engine.close('client');
    }
  }, 60_000);
});
