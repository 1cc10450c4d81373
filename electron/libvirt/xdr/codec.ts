/**
 * XDR encoder/decoder driven by the schemas of `schema.ts`.
 *
 * Decoding is defensive: every length is checked against the schema's max and the bytes left
 * before anything is allocated, and every malformed input throws `XdrError` (never RangeError).
 */
import { XdrError } from '../errors.js';
import type { XdrType, XdrValue } from './schema.js';

/** Nesting limit for `lazy` recursion, so hostile input cannot overflow the JS stack. */
const MAX_DEPTH = 200;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function pad4(n: number): number {
  return (4 - (n & 3)) & 3;
}

function resolve(t: XdrType): XdrType {
  let cur = t;
  for (let i = 0; cur.kind === 'lazy'; i++) {
    if (i > MAX_DEPTH) throw new XdrError('lazy type does not resolve');
    cur = cur.get();
  }
  return cur;
}

/** Prefixes the location (field/index) to errors thrown by nested values. */
function withPath(err: unknown, segment: string): never {
  if (err instanceof XdrError) {
    const m = /^at (\S+): ([\s\S]*)$/.exec(err.message);
    throw new XdrError(m ? `at ${segment}.${m[1]}: ${m[2]}` : `at ${segment}: ${err.message}`);
  }
  throw err;
}

// ---- minimum encoded size, to reject impossible array counts up front --------------------------

const minSizeCache = new WeakMap<object, number>();

function minSize(t: XdrType, depth = 0): number {
  if (depth > 16) return 0; // deep/recursive: stay conservative
  const cached = minSizeCache.get(t);
  if (cached !== undefined) return cached;
  let n: number;
  switch (t.kind) {
    case 'void':
      n = 0;
      break;
    case 'hyper':
    case 'uhyper':
    case 'double':
      n = 8;
      break;
    case 'fixedOpaque':
      n = t.len + pad4(t.len);
      break;
    case 'fixedArray':
      n = t.len * minSize(t.of, depth + 1);
      break;
    case 'struct':
      n = 0;
      for (const [, ft] of t.fields) n += minSize(ft, depth + 1);
      break;
    case 'lazy':
      n = 0; // may be recursive; resolving here could loop
      break;
    default:
      n = 4; // int, uint, bool, float, lengths, optional flag, union discriminant
  }
  minSizeCache.set(t, n);
  return n;
}

// ---- encoder ------------------------------------------------------------------------------------

/** Growable big-endian output buffer. */
export class XdrWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeInt(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  writeUint(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  writeHyper(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  writeUhyper(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64BE(v, this.pos);
    this.pos += 8;
  }

  writeFloat(v: number): void {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
  }

  writeDouble(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** Raw bytes, no padding (for payloads that are already encoded). */
  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Raw bytes followed by zero padding to a multiple of 4. */
  writePadded(bytes: Uint8Array): void {
    const p = pad4(bytes.length);
    this.ensure(bytes.length + p);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    this.buf.fill(0, this.pos, this.pos + p);
    this.pos += p;
  }

  /** Overwrites a 32-bit unsigned value at an earlier position (used for length prefixes). */
  patchUint(offset: number, v: number): void {
    this.buf.writeUInt32BE(v, offset);
  }

  /** A copy-free view of the bytes written so far (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.view());
  }
}

function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new XdrError(`${what}: expected a bigint (or safe integer), got ${describe(v)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return `string(${v.length})`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return typeof v;
}

function isInt(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** Appends `value` encoded as `type` to `w`. */
export function encodeInto(w: XdrWriter, type: XdrType, value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) throw new XdrError('value nested too deeply');
  switch (type.kind) {
    case 'void':
      if (value !== undefined && value !== null) throw new XdrError(`void: expected undefined`);
      return;
    case 'int':
      if (!isInt(value, INT32_MIN, INT32_MAX)) throw new XdrError(`int: out of range: ${describe(value)}`);
      w.writeInt(value);
      return;
    case 'uint':
      if (!isInt(value, 0, UINT32_MAX)) throw new XdrError(`uint: out of range: ${describe(value)}`);
      w.writeUint(value);
      return;
    case 'hyper': {
      const b = toBigInt(value, 'hyper');
      if (b < INT64_MIN || b > INT64_MAX) throw new XdrError(`hyper: out of range: ${b}`);
      w.writeHyper(b);
      return;
    }
    case 'uhyper': {
      const b = toBigInt(value, 'uhyper');
      if (b < 0n || b > UINT64_MAX) throw new XdrError(`uhyper: out of range: ${b}`);
      w.writeUhyper(b);
      return;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw new XdrError(`bool: expected boolean, got ${describe(value)}`);
      w.writeInt(value ? 1 : 0);
      return;
    case 'float':
      if (typeof value !== 'number') throw new XdrError(`float: expected number, got ${describe(value)}`);
      w.writeFloat(value);
      return;
    case 'double':
      if (typeof value !== 'number') throw new XdrError(`double: expected number, got ${describe(value)}`);
      w.writeDouble(value);
      return;
    case 'string': {
      if (typeof value !== 'string') throw new XdrError(`string: expected string, got ${describe(value)}`);
      const bytes = Buffer.from(value, 'utf8');
      if (bytes.length > type.max)
        throw new XdrError(`string: ${bytes.length} bytes exceeds max ${type.max}`);
      w.writeUint(bytes.length);
      w.writePadded(bytes);
      return;
    }
    case 'opaque': {
      if (!(value instanceof Uint8Array))
        throw new XdrError(`opaque: expected bytes, got ${describe(value)}`);
      if (value.length > type.max)
        throw new XdrError(`opaque: ${value.length} bytes exceeds max ${type.max}`);
      w.writeUint(value.length);
      w.writePadded(value);
      return;
    }
    case 'fixedOpaque':
      if (!(value instanceof Uint8Array)) {
        throw new XdrError(`fixedOpaque: expected bytes, got ${describe(value)}`);
      }
      if (value.length !== type.len) {
        throw new XdrError(`fixedOpaque: expected ${type.len} bytes, got ${value.length}`);
      }
      w.writePadded(value);
      return;
    case 'array':
    case 'fixedArray': {
      if (!Array.isArray(value)) throw new XdrError(`${type.kind}: expected array, got ${describe(value)}`);
      if (type.kind === 'array') {
        if (value.length > type.max) {
          throw new XdrError(`array: ${value.length} elements exceeds max ${type.max}`);
        }
        w.writeUint(value.length);
      } else if (value.length !== type.len) {
        throw new XdrError(`fixedArray: expected ${type.len} elements, got ${value.length}`);
      }
      for (let i = 0; i < value.length; i++) {
        try {
          encodeInto(w, type.of, value[i], depth + 1);
        } catch (err) {
          withPath(err, `[${i}]`);
        }
      }
      return;
    }
    case 'optional':
      if (value === null || value === undefined) {
        w.writeUint(0);
      } else {
        w.writeUint(1);
        encodeInto(w, type.of, value, depth + 1);
      }
      return;
    case 'struct': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new XdrError(`struct: expected object, got ${describe(value)}`);
      }
      const obj = value as Record<string, unknown>;
      for (const [name, ft] of type.fields) {
        try {
          encodeInto(w, ft, obj[name], depth + 1);
        } catch (err) {
          withPath(err, name);
        }
      }
      return;
    }
    case 'union': {
      if (typeof value !== 'object' || value === null || !('tag' in value)) {
        throw new XdrError(`union: expected { tag, value }, got ${describe(value)}`);
      }
      const { tag, value: armValue } = value as { tag: unknown; value: unknown };
      if (!isInt(tag, INT32_MIN, UINT32_MAX)) throw new XdrError(`union: bad tag ${describe(tag)}`);
      const arm = type.arms[tag] ?? type.defaultArm;
      if (arm === undefined) throw new XdrError(`union: no arm for tag ${tag}`);
      if (tag > INT32_MAX) w.writeUint(tag);
      else w.writeInt(tag);
      try {
        encodeInto(w, arm, armValue, depth + 1);
      } catch (err) {
        withPath(err, `<${tag}>`);
      }
      return;
    }
    case 'lazy':
      encodeInto(w, resolve(type), value, depth + 1);
      return;
  }
}

/** Encodes a value into a new Buffer. */
export function encode<T extends XdrType>(type: T, value: XdrValue<T>): Buffer {
  const w = new XdrWriter();
  encodeInto(w, type, value);
  return w.view(); // the writer is dropped, so its buffer can be handed out without a copy
}

// ---- decoder ------------------------------------------------------------------------------------

/** Big-endian reader over a Buffer; every read is bounds-checked. */
export class XdrReader {
  offset: number;
  private readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    if (offset < 0 || end > buf.length || offset > end) throw new XdrError('reader bounds out of range');
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.offset) {
      throw new XdrError(`truncated ${what}: need ${n} bytes, ${this.end - this.offset} left`);
    }
  }

  readInt(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  readUint(): number {
    this.need(4, 'uint');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  readHyper(): bigint {
    this.need(8, 'hyper');
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  readUhyper(): bigint {
    this.need(8, 'uhyper');
    const v = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  readFloat(): number {
    this.need(4, 'float');
    const v = this.buf.readFloatBE(this.offset);
    this.offset += 4;
    return v;
  }

  readDouble(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  /** A UTF-8 string of `len` bytes plus padding, decoded without an intermediate Buffer view. */
  readString(len: number): string {
    const total = len + pad4(len);
    this.need(total, 'string');
    const buf = this.buf;
    const start = this.offset;
    const end = start + len;
    for (let i = end; i < start + total; i++) {
      if (buf[i] !== 0) throw new XdrError('string: non-zero padding');
    }
    this.offset += total;
    return buf.toString('utf8', start, end);
  }

  /** `len` bytes plus padding; returns a view (no copy) of the data bytes. Padding must be zero. */
  readPadded(len: number, what: string): Buffer {
    const total = len + pad4(len);
    this.need(total, what);
    const start = this.offset;
    for (let i = start + len; i < start + total; i++) {
      if (this.buf[i] !== 0) throw new XdrError(`${what}: non-zero padding`);
    }
    this.offset += total;
    return this.buf.subarray(start, start + len);
  }
}

export interface DecodeOptions {
  /** Copy opaque data out of the input buffer instead of returning views into it (default true). */
  copyOpaque?: boolean;
}

function decodeFromImpl(r: XdrReader, type: XdrType, copy: boolean, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new XdrError('value nested too deeply');
  switch (type.kind) {
    case 'void':
      return undefined;
    case 'int':
      return r.readInt();
    case 'uint':
      return r.readUint();
    case 'hyper':
      return r.readHyper();
    case 'uhyper':
      return r.readUhyper();
    case 'bool': {
      const v = r.readInt();
      if (v !== 0 && v !== 1) throw new XdrError(`bool: invalid value ${v}`);
      return v === 1;
    }
    case 'float':
      return r.readFloat();
    case 'double':
      return r.readDouble();
    case 'string': {
      const len = r.readUint();
      if (len > type.max) throw new XdrError(`string: length ${len} exceeds max ${type.max}`);
      return r.readString(len);
    }
    case 'opaque': {
      const len = r.readUint();
      if (len > type.max) throw new XdrError(`opaque: length ${len} exceeds max ${type.max}`);
      const view = r.readPadded(len, 'opaque');
      return copy ? Buffer.from(view) : view;
    }
    case 'fixedOpaque': {
      const view = r.readPadded(type.len, 'fixedOpaque');
      return copy ? Buffer.from(view) : view;
    }
    case 'array':
    case 'fixedArray': {
      let count: number;
      if (type.kind === 'array') {
        count = r.readUint();
        if (count > type.max) throw new XdrError(`array: count ${count} exceeds max ${type.max}`);
      } else {
        count = type.len;
      }
      const elemMin = minSize(type.of);
      if (elemMin > 0 && count * elemMin > r.remaining) {
        throw new XdrError(`truncated ${type.kind}: ${count} elements cannot fit in ${r.remaining} bytes`);
      }
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) {
        try {
          out.push(decodeFromImpl(r, type.of, copy, depth + 1));
        } catch (err) {
          withPath(err, `[${i}]`);
        }
      }
      return out;
    }
    case 'optional': {
      const flag = r.readUint();
      if (flag === 0) return null;
      if (flag !== 1) throw new XdrError(`optional: invalid flag ${flag}`);
      return decodeFromImpl(r, type.of, copy, depth + 1);
    }
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const [name, ft] of type.fields) {
        try {
          out[name] = decodeFromImpl(r, ft, copy, depth + 1);
        } catch (err) {
          withPath(err, name);
        }
      }
      return out;
    }
    case 'union': {
      const raw = r.readInt();
      // Unsigned discriminants above 2^31 are declared with their unsigned value.
      const tag =
        raw < 0 && type.arms[raw] === undefined && type.arms[raw + 0x100000000] ? raw + 0x100000000 : raw;
      const arm = type.arms[tag] ?? type.defaultArm;
      if (arm === undefined) throw new XdrError(`union: unknown tag ${raw}`);
      try {
        return { tag, value: decodeFromImpl(r, arm, copy, depth + 1) };
      } catch (err) {
        withPath(err, `<${tag}>`);
      }
      break;
    }
    case 'lazy':
      return decodeFromImpl(r, resolve(type), copy, depth + 1);
  }
  throw new XdrError('unknown schema kind');
}

/** Decodes one value at the reader's current offset, advancing it. */
export function decodeFrom<T extends XdrType>(r: XdrReader, type: T, opts: DecodeOptions = {}): XdrValue<T> {
  return decodeFromImpl(r, type, opts.copyOpaque ?? true, 0) as XdrValue<T>;
}

/** Decodes a whole buffer; trailing bytes are an error. */
export function decode<T extends XdrType>(type: T, buf: Buffer, opts: DecodeOptions = {}): XdrValue<T> {
  const r = new XdrReader(buf);
  const v = decodeFrom(r, type, opts);
  if (r.remaining !== 0) throw new XdrError(`${r.remaining} trailing bytes after value`);
  return v;
}
