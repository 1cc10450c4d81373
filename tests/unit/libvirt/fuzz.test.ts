/**
 * Fuzzing the receive path: ≥ 20,000 random and mutated packets through the frame reassembler,
 * the header decoder and payload decoders. Only typed errors may come out, memory stays bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LibvirtError, ProtocolError, XdrError } from '../../../electron/libvirt/errors.js';
import {
  FrameReassembler,
  MAX_FRAME_LENGTH,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  decodePacket,
  decodeRemoteError,
  encodePacket,
  encodeRemoteError,
} from '../../../electron/libvirt/packet.js';
import { decode } from '../../../electron/libvirt/xdr/codec.js';
import {
  array,
  fixedOpaque,
  hyper,
  int,
  lazy,
  optional,
  string,
  struct,
  uint,
  union,
  type XdrType,
} from '../../../electron/libvirt/xdr/schema.js';

const domain = struct({ name: string(4194304), uuid: fixedOpaque(16), id: int });
const typedParam = struct({
  field: string(80),
  value: union({ 1: int, 2: uint, 3: hyper, 7: string(4194304) }),
});
const tree: XdrType = struct({
  v: int,
  kids: array(
    lazy(() => tree),
    1000,
  ),
});
const schemas: XdrType[] = [
  struct({ doms: array(domain, 16384), ret: uint }),
  struct({ params: array(typedParam, 64), nparams: int }),
  struct({ xml: string(4194304) }),
  struct({ opt: optional(domain), list: array(string(4194304), 16384) }),
  tree,
];

function isTyped(err: unknown): boolean {
  return err instanceof XdrError || err instanceof ProtocolError || err instanceof LibvirtError;
}

/** Runs bytes through the whole receive path; returns frames seen. Throws only typed errors. */
function receive(r: FrameReassembler, bytes: Buffer): number {
  const frames = r.push(bytes);
  for (const frame of frames) {
    const p = decodePacket(frame);
    if (p.header.status === MessageStatus.ERROR) {
      decodeRemoteError(p.payload);
    } else {
      for (const s of schemas) {
        try {
          decode(s, p.payload);
        } catch (err) {
          if (!(err instanceof XdrError)) throw err;
        }
      }
    }
  }
  return frames.length;
}

function validPackets(): Buffer[] {
  const h = { prog: REMOTE_PROGRAM, vers: 1, proc: 1, type: MessageType.REPLY, serial: 1, status: 0 };
  const uuid = Buffer.alloc(16, 7);
  return [
    encodePacket(h, {
      schema: schemas[0] as XdrType,
      value: {
        doms: [
          { name: 'alpha', uuid, id: 1 },
          { name: 'beta', uuid, id: -1 },
        ],
        ret: 2,
      },
    }),
    encodePacket(h, {
      schema: schemas[1] as XdrType,
      value: { params: [{ field: 'cpu.time', value: { tag: 3, value: 5n } }], nparams: 1 },
    }),
    encodePacket(h, { schema: schemas[2] as XdrType, value: { xml: '<domain/>'.repeat(20) } }),
    encodePacket(
      { ...h, status: MessageStatus.ERROR },
      encodeRemoteError({
        code: 1,
        domain: 2,
        message: 'boom',
        level: 2,
        dom: { name: 'd', uuid, id: 3 },
        str1: null,
        str2: 'x',
        str3: null,
        int1: 0,
        int2: 0,
        net: { name: 'n', uuid },
      }),
    ),
    encodePacket(h, {
      schema: tree,
      value: {
        v: 1,
        kids: [
          { v: 2, kids: [{ v: 3, kids: [] }] },
          { v: 4, kids: [] },
        ],
      },
    }),
  ];
}

describe('receive-path fuzzing', () => {
  it('survives ≥ 20,000 random and mutated packets with typed errors only', () => {
    const valid = validPackets();
    const mutation = fc.oneof(
      // truncation
      fc.tuple(fc.nat(valid.length - 1), fc.nat()).map(([i, n]) => {
        const v = valid[i] as Buffer;
        const b = Buffer.from(v.subarray(0, n % v.length));
        if (b.length >= 4) b.writeUInt32BE(b.length, 0); // keep framing consistent so the body is parsed
        return b;
      }),
      // flipped bytes (framing kept or not)
      fc
        .tuple(
          fc.nat(valid.length - 1),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
          fc.boolean(),
        )
        .map(([i, flips, keepLen]) => {
          const b = Buffer.from(valid[i] as Buffer);
          for (const [pos, x] of flips)
            b.writeUInt8((b.readUInt8(pos % b.length) ^ x) & 0xff, pos % b.length);
          if (keepLen) b.writeUInt32BE(b.length, 0);
          return b;
        }),
      // huge lengths inside the payload (counts / string lengths)
      fc
        .tuple(
          fc.nat(valid.length - 1),
          fc.nat(),
          fc.constantFrom(0xffffffff, 0x7fffffff, 0x40000000, 16385, 4194305),
        )
        .map(([i, pos, val]) => {
          const b = Buffer.from(valid[i] as Buffer);
          const off = 28 + ((pos % Math.max(1, (b.length - 32) / 4)) | 0) * 4;
          if (off + 4 <= b.length) b.writeUInt32BE(val, off);
          return b;
        }),
      // huge or tiny frame lengths
      fc.constantFrom(0, 1, 27, MAX_FRAME_LENGTH + 5, 0xffffffff).map((len) => {
        const b = Buffer.alloc(32);
        b.writeUInt32BE(len, 0);
        return b;
      }),
      // pure noise
      fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a)),
      // noise with a plausible length word
      fc.uint8Array({ minLength: 28, maxLength: 300 }).map((a) => {
        const b = Buffer.from(a);
        b.writeUInt32BE(b.length, 0);
        return b;
      }),
    );

    let packets = 0;
    let typedErrors = 0;
    let frames = 0;
    let maxPending = 0;
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        (batch, chunk) => {
          const r = new FrameReassembler();
          const stream = Buffer.concat(batch);
          packets += batch.length;
          try {
            for (let i = 0; i < stream.length; i += chunk) {
              frames += receive(r, stream.subarray(i, i + chunk));
              maxPending = Math.max(maxPending, r.pendingBytes);
            }
          } catch (err) {
            if (!isTyped(err)) throw err;
            typedErrors++;
          }
        },
      ),
      { numRuns: 5000 },
    );
    expect(packets).toBeGreaterThanOrEqual(20_000);
    expect(typedErrors).toBeGreaterThan(0);
    expect(frames).toBeGreaterThan(0);
    // Nothing is buffered beyond what was actually fed (no allocation driven by hostile lengths).
    expect(maxPending).toBeLessThan(8 * 1024);
  }, 120_000);

  it('never allocates for a hostile length: a 4 GiB string claim in 12 bytes fails instantly', () => {
    const b = Buffer.from('ffffffff0000000000000000', 'hex');
    const t0 = performance.now();
    expect(() => decode(string(0xffffffff), b)).toThrow(XdrError);
    expect(() => decode(array(int, 0xffffffff), b)).toThrow(XdrError);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('deeply nested recursive input throws XdrError, not a stack overflow', () => {
    // tree with kids count 1 at every level, 100k levels deep
    const levels = 100_000;
    const b = Buffer.alloc(levels * 8);
    for (let i = 0; i < levels; i++) {
      b.writeInt32BE(i, i * 8);
      b.writeUInt32BE(1, i * 8 + 4);
    }
    expect(() => decode(tree, b)).toThrow(XdrError);
  });
});
