import { afterEach, describe, expect, it } from 'vitest';
import { connectionOverSocket, type Connection } from '../../../electron/libvirt/connection.js';
import { LibvirtConnectionError, LibvirtError } from '../../../electron/libvirt/errors.js';
import {
  MessageStatus,
  MessageType,
  VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX,
  encodePacket,
  encodeRemoteError,
  type Packet,
} from '../../../electron/libvirt/packet.js';
import { SLAB_BYTES } from '../../../electron/libvirt/socket-reads.js';
import { LibvirtStream } from '../../../electron/libvirt/stream.js';
import { opaque, string, struct, voidT } from '../../../electron/libvirt/xdr/schema.js';
import { FakeDaemon, reply, replyError, sendStream, type FakeClient } from './fake-daemon.js';

const PROC_DOWNLOAD = 500;
const PROC_UPLOAD = 501;
const PROC_FAIL = 502;

let daemon: FakeDaemon | undefined;
let conn: Connection | undefined;

afterEach(async () => {
  conn?.engine.close('client');
  conn = undefined;
  await daemon?.stop();
  daemon = undefined;
});

async function setup(handler: (p: Packet, c: FakeClient) => void): Promise<Connection> {
  daemon = await FakeDaemon.start(handler);
  conn = connectionOverSocket(await daemon.connect());
  return conn;
}

const streamPackets = (c: FakeClient): Packet[] =>
  c.packets.filter((p) => p.header.type === MessageType.STREAM);

function collect(stream: LibvirtStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (b: Buffer) => parts.push(b));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

const finishConfirm = (p: Packet, c: FakeClient): void => {
  if (p.header.type === MessageType.STREAM && p.header.status === MessageStatus.OK) {
    sendStream(c, p.header, MessageStatus.OK, Buffer.alloc(0));
  }
};

describe('libvirt streams', () => {
  it.each([
    ['empty CONTINUE (what libvirtd sends)', MessageStatus.CONTINUE],
    ['empty OK', MessageStatus.OK],
  ])('download: data, EOF as %s, finish handshake, then end', async (_name, eofStatus) => {
    const c = await setup((p, client) => {
      if (p.header.type === MessageType.CALL && p.header.proc === PROC_DOWNLOAD) {
        reply(client, p.header, struct({ mime: string(100) }), { mime: 'image/png' });
        sendStream(client, p.header, MessageStatus.CONTINUE, Buffer.from('hello '));
        sendStream(client, p.header, MessageStatus.CONTINUE, Buffer.from('world'));
        sendStream(client, p.header, eofStatus, Buffer.alloc(0));
      }
      finishConfirm(p, client);
    });
    const { stream, ret } = await c.openStream(
      PROC_DOWNLOAD,
      voidT,
      undefined,
      struct({ mime: string(100) }),
      'read',
    );
    expect(ret).toEqual({ mime: 'image/png' });
    expect((await collect(stream)).toString()).toBe('hello world');
    const sent = streamPackets(daemon!.clients[0]!);
    expect(sent.map((p) => p.header.status)).toEqual([MessageStatus.OK]);
    expect(sent[0]!.header.serial).toBe(stream.streamSerial);
    expect(sent[0]!.header.proc).toBe(PROC_DOWNLOAD);
  });

  it('upload: writes are split into protocol-sized packets; end() finishes with the daemon’s confirmation', async () => {
    const c = await setup((p, client) => {
      if (p.header.type === MessageType.CALL) reply(client, p.header);
      finishConfirm(p, client);
    });
    const { stream } = await c.openStream(PROC_UPLOAD, voidT, undefined, voidT, 'write');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    let sawBackpressure = false;
    for (let off = 0; off < data.length; off += 100_000) {
      if (!stream.write(data.subarray(off, off + 100_000))) sawBackpressure = true;
    }
    stream.end();
    await new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    expect(sawBackpressure).toBe(true);
    const sent = streamPackets(daemon!.clients[0]!);
    const dataPackets = sent.filter((p) => p.header.status === MessageStatus.CONTINUE);
    for (const p of dataPackets)
      expect(p.payload.length).toBeLessThanOrEqual(VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX);
    expect(Buffer.concat(dataPackets.map((p) => p.payload)).equals(data)).toBe(true);
    expect(sent.at(-1)!.header.status).toBe(MessageStatus.OK);
  });

  it('destroy() aborts with an empty STREAM/ERROR packet', async () => {
    const c = await setup((p, client) => {
      if (p.header.type === MessageType.CALL) reply(client, p.header);
    });
    const { stream } = await c.openStream(PROC_DOWNLOAD, voidT, undefined, voidT);
    stream.destroy();
    const client = daemon!.clients[0]!;
    await new Promise((r) => setTimeout(r, 50));
    const sent = streamPackets(client);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.header.status).toBe(MessageStatus.ERROR);
    expect(sent[0]!.payload.length).toBe(0);
    expect(c.closed).toBe(false);
  });

  it('a daemon-side stream error surfaces as LibvirtError on the stream', async () => {
    const c = await setup((p, client) => {
      if (p.header.type !== MessageType.CALL) return;
      reply(client, p.header);
      const err = encodeRemoteError({
        code: 38,
        domain: 0,
        message: 'cannot read from console: I/O error',
        level: 2,
        dom: null,
        str1: null,
        str2: null,
        str3: null,
        int1: 0,
        int2: 0,
        net: null,
      });
      client.socket.write(
        encodePacket({ ...p.header, type: MessageType.STREAM, status: MessageStatus.ERROR }, err),
      );
    });
    const { stream } = await c.openStream(PROC_DOWNLOAD, voidT, undefined, voidT);
    const err = await collect(stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as Error).message).toBe('cannot read from console: I/O error');
  });

  it('a failed opening call rejects openStream with LibvirtError', async () => {
    const c = await setup((p, client) => replyError(client, p.header, 'Operation not supported: no console'));
    await expect(c.openStream(PROC_FAIL, voidT, undefined, voidT)).rejects.toThrow(
      'Operation not supported: no console',
    );
    expect(c.closed).toBe(false);
  });

  it('connection loss errors the stream with LibvirtConnectionError', async () => {
    const c = await setup((p, client) => {
      if (p.header.type === MessageType.CALL) reply(client, p.header);
    });
    const { stream } = await c.openStream(PROC_DOWNLOAD, voidT, undefined, voidT);
    const result = collect(stream).catch((e: unknown) => e);
    daemon!.clients[0]!.socket.destroy();
    expect(await result).toBeInstanceOf(LibvirtConnectionError);
  });

  it('console-style (duplex) streams are aborted beyond maxBufferedBytes unread bytes', async () => {
    const c = await setup((p, client) => {
      if (p.header.type !== MessageType.CALL) return;
      reply(client, p.header);
      for (let i = 0; i < 10; i++)
        sendStream(client, p.header, MessageStatus.CONTINUE, Buffer.alloc(64 * 1024));
    });
    const stream = new Promise<LibvirtStream>((resolve) => {
      void c
        .openStream(PROC_DOWNLOAD, voidT, undefined, voidT, 'duplex', {
          readableHighWaterMark: 16 * 1024,
          maxBufferedBytes: 256 * 1024,
        })
        .then(({ stream: s }) => resolve(s));
    });
    const s = await stream; // never read from it
    const err = await new Promise<Error>((resolve) => s.on('error', resolve));
    expect(err.message).toMatch(/consumer too slow/);
    await new Promise((r) => setTimeout(r, 30));
    const sent = streamPackets(daemon!.clients[0]!);
    expect(sent.at(-1)!.header.status).toBe(MessageStatus.ERROR);
    expect(c.closed).toBe(false);
  });

  it('download-style (read) streams pause the connection at the bound, losslessly, and resume', async () => {
    const total = 40 * 64 * 1024;
    let callHeader: Packet['header'] | undefined;
    daemon = await FakeDaemon.start((p, client) => {
      if (p.header.type === MessageType.CALL && p.header.proc === PROC_DOWNLOAD) {
        callHeader = p.header;
        reply(client, p.header);
        for (let i = 0; i < 40; i++)
          sendStream(client, p.header, MessageStatus.CONTINUE, Buffer.alloc(64 * 1024, i));
        sendStream(client, p.header, MessageStatus.CONTINUE, Buffer.alloc(0));
      } else if (p.header.type === MessageType.CALL) {
        reply(client, p.header);
      }
      finishConfirm(p, client);
    });
    conn = connectionOverSocket(await daemon.connect(), { keepaliveInterval: 0.05, keepaliveCount: 2 });
    conn.keepalive.start();
    const { stream } = await conn.openStream(PROC_DOWNLOAD, voidT, undefined, voidT, 'read', {
      readableHighWaterMark: 64 * 1024,
      maxBufferedBytes: 256 * 1024,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(callHeader).toBeDefined();
    expect(conn.engine.readingPaused).toBe(true);
    expect(stream.readableLength).toBeLessThan(512 * 1024); // bounded, not 2.5 MiB
    expect(conn.closed).toBe(false); // keepalive does not count our own pause as silence
    const data = await collect(stream);
    expect(data.length).toBe(total);
    for (let i = 0; i < 40; i++) expect(data[i * 64 * 1024]).toBe(i);
    expect(conn.engine.readingPaused).toBe(false);
    await conn.call(1, voidT, undefined, voidT);
  });

  it('streams passed straight to call() (as client.ts does) get errors and failed opens right', async () => {
    const c = await setup((p, client) => {
      if (p.header.type !== MessageType.CALL) return;
      if (p.header.proc === PROC_FAIL) return replyError(client, p.header, 'no such volume');
      reply(client, p.header);
      const err = encodeRemoteError({
        code: 1,
        domain: 0,
        message: 'volume vanished',
        level: 2,
        dom: null,
        str1: null,
        str2: null,
        str3: null,
        int1: 0,
        int2: 0,
        net: null,
      });
      client.socket.write(
        encodePacket({ ...p.header, type: MessageType.STREAM, status: MessageStatus.ERROR }, err),
      );
    });
    const s1 = new LibvirtStream();
    await c.call(PROC_DOWNLOAD, voidT, undefined, voidT, { stream: s1 });
    await expect(collect(s1)).rejects.toThrow('volume vanished');

    const s2 = new LibvirtStream();
    await expect(c.call(PROC_FAIL, voidT, undefined, voidT, { stream: s2 })).rejects.toThrow(
      'no such volume',
    );
    s2.destroy();
    await new Promise((r) => setTimeout(r, 30));
    expect(streamPackets(daemon!.clients[0]!)).toHaveLength(0); // no abort for a stream that never opened
  });

  describe("over the transport's reused read slabs (socket-reads.ts)", () => {
    const PACKETS = 64; // 16 MiB: sixteen 1 MiB slabs, each reused several times
    const PROC_BLOB = 503;
    const blobT = struct({ blob: opaque(1024 * 1024) });
    /** Packet i is filled with a pattern of its own, so a packet overwritten by a later one shows. */
    const packet = (i: number): Buffer => {
      const b = Buffer.alloc(VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX, i);
      b.writeUInt32BE(i, 0);
      return b;
    };
    const blob = Buffer.alloc(300 * 1024, 0xb1);

    async function slabbed(): Promise<Connection> {
      daemon = await FakeDaemon.start((p, client) => {
        if (p.header.type === MessageType.CALL && p.header.proc === PROC_BLOB) {
          reply(client, p.header, blobT, { blob });
        } else if (p.header.type === MessageType.CALL && p.header.proc === PROC_DOWNLOAD) {
          reply(client, p.header);
          for (let i = 0; i < PACKETS; i++) sendStream(client, p.header, MessageStatus.CONTINUE, packet(i));
          sendStream(client, p.header, MessageStatus.CONTINUE, Buffer.alloc(0));
        }
        finishConfirm(p, client);
      });
      conn = connectionOverSocket(await daemon.connect({ largeReads: true }));
      return conn;
    }

    it('a consumer may keep every chunk: later reads into the same memory do not change them', async () => {
      const c = await slabbed();
      // A reply's opaque data kept while the stream reuses the slabs it arrived in.
      const { blob: got } = await c.call(PROC_BLOB, voidT, undefined, blobT);
      const { stream } = await c.openStream(PROC_DOWNLOAD, voidT, undefined, voidT, 'read');
      const kept = await collect(stream); // keeps every chunk as emitted, then concatenates
      expect(kept.length).toBe(PACKETS * VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX);
      for (let i = 0; i < PACKETS; i++) {
        const one = kept.subarray(
          i * VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX,
          (i + 1) * VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX,
        );
        expect(one.equals(packet(i)), `packet ${i}`).toBe(true);
      }
      expect(Buffer.from(got).equals(blob)).toBe(true);
    });

    it('chunks given back with recycle() carry later packets, and each arrives intact', async () => {
      const c = await slabbed();
      const { stream } = await c.openStream(PROC_DOWNLOAD, voidT, undefined, voidT, 'read');
      const memories = new Set<ArrayBufferLike>();
      let i = 0;
      let wrong = -1;
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => {
          memories.add(chunk.buffer);
          if (wrong < 0 && !chunk.equals(packet(i))) wrong = i;
          i++;
          stream.recycle(chunk);
        });
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      expect(i).toBe(PACKETS);
      expect(wrong).toBe(-1);
      // Reused: far fewer buffers than packets (a few may be out at once while the socket is ahead).
      expect(memories.size).toBeLessThan(PACKETS / 4);
      // Giving back what is not the stream's own, or twice, changes nothing.
      stream.recycle(Buffer.alloc(10));
    });

    it('once chunks come back, later ones are the read memory itself, intact while the consumer holds them', async () => {
      const c = await slabbed();
      const { stream } = await c.openStream(PROC_DOWNLOAD, voidT, undefined, voidT, 'read');
      const held: Buffer[] = [];
      let i = 0;
      let wrong = -1;
      let borrowed = 0;
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => {
          // Lent straight out of a read slab (not copied into a packet-sized buffer of the stream's).
          if (chunk.buffer.byteLength === SLAB_BYTES) borrowed++;
          held.push(chunk);
          // Like a file writer with a few chunks in flight: each is checked and given back later.
          while (held.length > 8 || (held.length > 0 && i === PACKETS - 1)) {
            const k = i - held.length + 1;
            const oldest = held.shift()!;
            if (wrong < 0 && !oldest.equals(packet(k))) wrong = k;
            stream.recycle(oldest);
          }
          i++;
        });
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      expect(i).toBe(PACKETS);
      expect(wrong).toBe(-1);
      // The first chunks are copies (nothing came back yet); frames cut by a slab's end are too.
      expect(borrowed).toBeGreaterThan(PACKETS / 2);
    });
  });
});
