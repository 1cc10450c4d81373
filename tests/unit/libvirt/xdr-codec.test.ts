import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XdrError } from '../../../electron/libvirt/errors.js';
import { decode, encode } from '../../../electron/libvirt/xdr/codec.js';
import {
  array,
  bool,
  double,
  fixedArray,
  fixedOpaque,
  float,
  hyper,
  int,
  opaque,
  optional,
  string,
  struct,
  uhyper,
  uint,
  union,
  voidT,
  type XdrType,
} from '../../../electron/libvirt/xdr/schema.js';

function roundTrip(t: XdrType, v: unknown): unknown {
  return decode(t, encode(t as never, v as never));
}

describe('XDR codec round trips', () => {
  it('encodes every primitive as RFC 4506 says', () => {
    expect(encode(int, -2)).toEqual(Buffer.from('fffffffe', 'hex'));
    expect(encode(uint, 0xfffffffe)).toEqual(Buffer.from('fffffffe', 'hex'));
    expect(encode(hyper, -1n)).toEqual(Buffer.from('ffffffffffffffff', 'hex'));
    expect(encode(uhyper, 1n << 40n)).toEqual(Buffer.from('0000010000000000', 'hex'));
    expect(encode(bool, true)).toEqual(Buffer.from('00000001', 'hex'));
    expect(encode(float, 1.5)).toEqual(Buffer.from('3fc00000', 'hex'));
    expect(encode(double, 1.5)).toEqual(Buffer.from('3ff8000000000000', 'hex'));
    expect(encode(string(10), 'abcde')).toEqual(Buffer.from('000000056162636465000000', 'hex'));
    expect(encode(opaque(8), Buffer.from([1, 2]))).toEqual(Buffer.from('000000020102' + '0000', 'hex'));
    expect(encode(fixedOpaque(3), Buffer.from([1, 2, 3]))).toEqual(Buffer.from('01020300', 'hex'));
    expect(encode(voidT, undefined).length).toBe(0);
    expect(encode(optional(int), null)).toEqual(Buffer.from('00000000', 'hex'));
    expect(encode(optional(int), 7)).toEqual(Buffer.from('0000000100000007', 'hex'));
    expect(encode(array(int, 3), [1])).toEqual(Buffer.from('0000000100000001', 'hex'));
    expect(encode(fixedArray(int, 2), [1, 2])).toEqual(Buffer.from('0000000100000002', 'hex'));
  });

  it('round-trips every type', () => {
    const samples: [XdrType, unknown][] = [
      [voidT, undefined],
      [int, -0x80000000],
      [int, 0x7fffffff],
      [uint, 0xffffffff],
      [hyper, -(1n << 63n)],
      [uhyper, (1n << 64n) - 1n],
      [bool, false],
      [float, -2.25],
      [double, Math.PI],
      [string(100), 'héllo wörld ✓'],
      [string(0), ''],
      [opaque(5), Buffer.from([9, 8, 7, 6, 5])],
      [fixedOpaque(16), Buffer.alloc(16, 0xab)],
      [array(string(5), 4), ['a', 'bb', 'ccc']],
      [fixedArray(bool, 3), [true, false, true]],
      [optional(struct({ a: int })), { a: 5 }],
      [optional(struct({ a: int })), null],
      [struct({ a: int, b: string(3), c: array(uhyper, 2) }), { a: 1, b: 'xyz', c: [1n, 2n] }],
      [union({ 1: int, 2: string(5), 3: voidT }), { tag: 2, value: 'abc' }],
      [union({ 1: int, 2: string(5), 3: voidT }), { tag: 3, value: undefined }],
      [union({ 0: int }, double), { tag: 99, value: 0.5 }],
      [union({ 0xffffffff: int }), { tag: 0xffffffff, value: 3 }],
    ];
    for (const [t, v] of samples) expect(roundTrip(t, v)).toEqual(v);
  });

  it('accepts safe-integer numbers for hyper on encode', () => {
    expect(decode(hyper, encode(hyper, 5 as never))).toBe(5n);
  });
});

describe('XDR encode validation', () => {
  const bad: [XdrType, unknown, RegExp][] = [
    [int, 2 ** 31, /int: out of range/],
    [int, 1.5, /int/],
    [uint, -1, /uint: out of range/],
    [hyper, 1n << 63n, /hyper: out of range/],
    [uhyper, -1n, /uhyper: out of range/],
    [hyper, 0.5, /hyper/],
    [bool, 1, /bool/],
    [float, '1', /float/],
    [string(3), 'abcd', /exceeds max 3/],
    [string(3), 'é☃', /exceeds max 3/],
    [string(3), 5, /string/],
    [opaque(2), Buffer.alloc(3), /exceeds max 2/],
    [fixedOpaque(2), Buffer.alloc(3), /expected 2 bytes/],
    [array(int, 1), [1, 2], /exceeds max 1/],
    [fixedArray(int, 2), [1], /expected 2 elements/],
    [struct({ a: int }), null, /struct/],
    [struct({ a: struct({ b: string(1) }) }), { a: { b: 'xx' } }, /^at a\.b: /],
    [array(struct({ x: int }), 5), [{ x: 1 }, { x: 'no' }], /^at \[1\]\.x: /],
    [union({ 1: int }), { tag: 2, value: 1 }, /no arm/],
    [union({ 1: int }), 5, /union/],
    [voidT, 1, /void/],
  ];
  it.each(bad.map((b, i) => [i, ...b] as const))('case %i throws XdrError', (_i, t, v, re) => {
    expect(() => encode(t as never, v as never)).toThrow(XdrError);
    expect(() => encode(t as never, v as never)).toThrow(re);
  });
});

describe('XDR decode hardening', () => {
  it('checks lengths against the schema before allocating', () => {
    expect(() => decode(string(10), Buffer.from('0000000b', 'hex'))).toThrow(/exceeds max 10/);
    expect(() => decode(opaque(4), Buffer.from('ffffffff', 'hex'))).toThrow(/exceeds max/);
    // 1 billion elements allowed by the schema but impossible in 8 bytes: rejected up front.
    expect(() => decode(array(int, 2 ** 31), Buffer.from('4000000000000000', 'hex'))).toThrow(/cannot fit/);
  });

  it('rejects truncated input, bad padding, bad bools and optional flags, trailing bytes', () => {
    expect(() => decode(int, Buffer.from('0000', 'hex'))).toThrow(XdrError);
    expect(() => decode(hyper, Buffer.alloc(7))).toThrow(/truncated/);
    expect(() => decode(string(10), Buffer.from('0000000361626301', 'hex'))).toThrow(/padding/);
    expect(() => decode(bool, Buffer.from('00000002', 'hex'))).toThrow(/bool/);
    expect(() => decode(optional(int), Buffer.from('00000002', 'hex'))).toThrow(/optional/);
    expect(() => decode(int, Buffer.alloc(8))).toThrow(/trailing/);
    expect(() => decode(union({ 1: int }), Buffer.from('00000002', 'hex'))).toThrow(/unknown tag/);
  });

  it('returns copies of opaque data by default', () => {
    const buf = Buffer.from('0000000201020000', 'hex');
    const v = decode(opaque(4), buf) as Buffer;
    buf[4] = 9;
    expect([...v]).toEqual([1, 2]);
  });
});

describe('XDR property tests', () => {
  const person = struct({
    name: string(64),
    age: uint,
    tags: array(string(8), 5),
    balance: hyper,
    photo: optional(opaque(32)),
    ok: bool,
    ratio: double,
    kind: union({ 0: voidT, 1: int, 2: string(4) }),
  });
  const personArb = fc.record({
    name: fc.string({ maxLength: 16 }),
    age: fc.integer({ min: 0, max: 0xffffffff }),
    tags: fc.array(fc.string({ maxLength: 2 }), { maxLength: 5 }),
    balance: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    photo: fc.option(
      fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.from(a)),
      { nil: null },
    ),
    ok: fc.boolean(),
    ratio: fc.double({ noNaN: true }),
    kind: fc.oneof(
      fc.constant({ tag: 0, value: undefined }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((value) => ({ tag: 1, value })),
      fc.string({ maxLength: 1 }).map((value) => ({ tag: 2, value })),
    ),
  });

  it('decode(encode(v)) equals v and encodings are 4-byte aligned', () => {
    fc.assert(
      fc.property(personArb, (v) => {
        const bytes = encode(person, v as never);
        expect(bytes.length % 4).toBe(0);
        expect(decode(person, bytes)).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes decode to a value or throw XdrError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decode(person, Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(XdrError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
