import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LibvirtError, ProtocolError } from '../../../electron/libvirt/errors.js';
import {
  FrameReassembler,
  MAX_FRAME_LENGTH,
  MIN_FRAME_LENGTH,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  decodePacket,
  decodeRemoteError,
  encodePacket,
  encodeRemoteError,
  encodeStreamPacket,
} from '../../../electron/libvirt/packet.js';
import { encode } from '../../../electron/libvirt/xdr/codec.js';
import { string, struct, uhyper } from '../../../electron/libvirt/xdr/schema.js';

const header = { prog: REMOTE_PROGRAM, vers: 1, proc: 4, type: MessageType.CALL, serial: 7, status: 0 };

describe('packet encoding', () => {
  it('writes length (including itself), header and payload', () => {
    const ret = struct({ hv_ver: uhyper });
    const frame = encodePacket(header, { schema: ret, value: { hv_ver: 9n } });
    expect(frame.length).toBe(MIN_FRAME_LENGTH + 8);
    expect(frame.readUInt32BE(0)).toBe(frame.length);
    expect(frame.subarray(4, 28)).toEqual(
      Buffer.from('200080860000000100000004000000000000000700000000', 'hex'),
    );
    const p = decodePacket(frame);
    expect(p.header).toEqual(header);
    expect(p.payload).toEqual(encode(ret, { hv_ver: 9n }));
  });

  it('stream packets carry raw bytes without XDR length or padding', () => {
    const f = encodeStreamPacket({ ...header, type: MessageType.STREAM, status: 2 }, Buffer.from('abc'));
    expect(f.length).toBe(MIN_FRAME_LENGTH + 3);
    expect(decodePacket(f).payload.toString()).toBe('abc');
  });

  it('refuses to build oversized messages', () => {
    const big = string(64 * 1024 * 1024);
    expect(() => encodePacket(header, { schema: big, value: 'x'.repeat(MAX_FRAME_LENGTH) })).toThrow(
      ProtocolError,
    );
  });
});

describe('FrameReassembler', () => {
  const frames = [0, 1, 5, 100, 3000].map((n, i) =>
    encodeStreamPacket({ ...header, serial: i, type: MessageType.STREAM, status: 2 }, Buffer.alloc(n, i)),
  );
  const all = Buffer.concat(frames);

  it('reassembles frames from any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: all.length }), { maxLength: 30 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const r = new FrameReassembler();
        const out: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, all.length]) {
          out.push(...r.push(all.subarray(prev, p)));
          prev = p;
        }
        expect(out.length).toBe(frames.length);
        out.forEach((b, i) => expect(b.equals(frames[i] as Buffer)).toBe(true));
        expect(r.pendingBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('reassembles frames larger than the first partial buffer (grown as bytes arrive) from any chunking', () => {
    const big = [70_000, 10, 300_000, 1_100_000].map((n, i) =>
      encodeStreamPacket(
        { ...header, serial: i, type: MessageType.STREAM, status: 2 },
        Buffer.from(Array.from({ length: n }, (_, k) => (k * 7 + i) & 0xff)),
      ),
    );
    const stream = Buffer.concat(big);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 60 }), (cuts) => {
        const r = new FrameReassembler();
        const out: Buffer[] = [];
        let prev = 0;
        for (const p of [...[...new Set(cuts)].sort((x, y) => x - y), stream.length]) {
          out.push(...r.push(stream.subarray(prev, p)));
          prev = p;
        }
        expect(out.length).toBe(big.length);
        out.forEach((f, i) => expect(f.equals(big[i] as Buffer)).toBe(true));
        expect(r.pendingBytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps a frame split over chunks adjacent in memory as a view (no copy), copies when they are not', () => {
    const big = encodeStreamPacket({ ...header, type: MessageType.STREAM }, Buffer.alloc(200_000, 7));
    const slab = Buffer.concat([big, big]); // one ArrayBuffer, like reads into one slab
    const cuts = [0, 70_000, 150_000, 260_000, slab.length];
    const r = new FrameReassembler();
    const out: Buffer[] = [];
    for (let i = 1; i < cuts.length; i++) out.push(...r.push(slab.subarray(cuts[i - 1], cuts[i])));
    expect(out).toEqual([big, big]);
    for (const f of out) expect(f.buffer).toBe(slab.buffer);
    // The same bytes in separate allocations: copied into a buffer of the frame's own.
    const copied = new FrameReassembler();
    const out2: Buffer[] = [];
    for (let i = 1; i < cuts.length; i++)
      out2.push(...copied.push(Buffer.from(slab.subarray(cuts[i - 1], cuts[i]))));
    expect(out2).toEqual([big, big]);
    expect(copied.pendingBytes).toBe(0);
  });

  it('with reuse, assembles each copied frame in the buffer of the previous one, and every frame is whole', () => {
    const frame = (i: number): Buffer =>
      encodeStreamPacket({ ...header, type: MessageType.STREAM }, Buffer.alloc(200_000 + i, i));
    const r = new FrameReassembler(undefined, { reuse: true });
    const memories = new Set<ArrayBufferLike>();
    for (let i = 0; i < 6; i++) {
      // Each frame arrives in two separate allocations: the second half is copied onto the first.
      const f = frame(i);
      expect(r.push(Buffer.from(f.subarray(0, 1000)))).toEqual([]);
      const out = r.push(Buffer.from(f.subarray(1000)));
      expect(out).toHaveLength(1);
      expect(out[0]!.equals(f)).toBe(true); // checked before the next push may reuse it
      memories.add(out[0]!.buffer);
    }
    expect(memories.size).toBe(1);
    expect(r.pendingBytes).toBe(0);
  });

  it('handles byte-by-byte input', () => {
    const r = new FrameReassembler();
    const out: Buffer[] = [];
    for (let i = 0; i < all.length; i++) out.push(...r.push(all.subarray(i, i + 1)));
    expect(out).toEqual(frames);
  });

  it('rejects undersize and oversize lengths as soon as the length word is complete', () => {
    for (const len of [0, 4, 27, MAX_FRAME_LENGTH + 1, 0xffffffff]) {
      const r = new FrameReassembler();
      const b = Buffer.alloc(4);
      b.writeUInt32BE(len);
      expect(() => r.push(b)).toThrow(ProtocolError);
      expect(r.pendingBytes).toBe(0);
    }
    const r = new FrameReassembler();
    const b = Buffer.alloc(4);
    b.writeUInt32BE(MAX_FRAME_LENGTH);
    expect(r.push(b)).toEqual([]); // the largest legal frame is accepted (waits for more)
  });
});

describe('remote_error', () => {
  it('decodes into LibvirtError with libvirt’s message and fields', () => {
    const body = encodeRemoteError({
      code: 42,
      domain: 10,
      message: "Domain not found: no domain with matching name 'x'",
      level: 2,
      dom: { name: 'x', uuid: Buffer.alloc(16), id: -1 },
      str1: 'a',
      str2: null,
      str3: null,
      int1: 3,
      int2: -1,
      net: null,
    });
    const frame = encodePacket({ ...header, type: MessageType.REPLY, status: MessageStatus.ERROR }, body);
    const err = decodeRemoteError(decodePacket(frame).payload);
    expect(err).toBeInstanceOf(LibvirtError);
    expect(err.message).toBe("Domain not found: no domain with matching name 'x'");
    expect([err.code, err.domain, err.level, err.str1, err.int1]).toEqual([42, 10, 2, 'a', 3]);
  });

  it('a malformed remote_error is a ProtocolError', () => {
    expect(() => decodeRemoteError(Buffer.from('0000'))).toThrow(ProtocolError);
  });
});
