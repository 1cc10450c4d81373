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

  /**
   * A UTF-8 string with its length prefix and padding, encoded straight into the buffer (no
   * intermediate Buffer); throws if it is longer than `max` bytes.
   */
  writeString(s: string, max: number): void {
    const len = Buffer.byteLength(s, 'utf8');
    if (len > max) throw new XdrError(`string: ${len} bytes exceeds max ${max}`);
    const p = pad4(len);
    this.ensure(4 + len + p);
    const buf = this.buf;
    let pos = this.pos;
    buf.writeUInt32BE(len, pos);
    pos += 4;
    if (len > 0) pos += buf.write(s, pos, len, 'utf8');
    for (let i = 0; i < p; i++) buf[pos++] = 0;
    this.pos = pos;
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

type Encoder = (w: XdrWriter, value: unknown, depth: number) => void;
type Decoder = (r: XdrReader, copy: boolean, depth: number) => unknown;

interface Compiled {
  enc: Encoder;
  dec: Decoder;
}

/**
 * Schemas are compiled once into encoder/decoder closures (cached per schema object), so a call
 * does not re-interpret the schema tree. The closures keep the interpreter's exact checks, depth
 * limit and error messages.
 */
const compiledCache = new WeakMap<object, Compiled>();

function compiled(type: XdrType): Compiled {
  let c = compiledCache.get(type);
  if (c === undefined) {
    c = { enc: compileEncoder(type), dec: compileDecoder(type) };
    compiledCache.set(type, c);
  }
  return c;
}

/** Element codecs are looked up on first use, so recursive (lazy) schemas compile without looping. */
function encoderOf(type: XdrType): Encoder {
  let enc: Encoder | null = null;
  return (w, value, depth) => (enc ??= compiled(type).enc)(w, value, depth);
}

function decoderOf(type: XdrType): Decoder {
  let dec: Decoder | null = null;
  return (r, copy, depth) => (dec ??= compiled(type).dec)(r, copy, depth);
}

const tooDeep = (): never => {
  throw new XdrError('value nested too deeply');
};

function compileEncoder(type: XdrType): Encoder {
  switch (type.kind) {
    case 'void':
      return (_w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (value !== undefined && value !== null) throw new XdrError(`void: expected undefined`);
      };
    case 'int':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (!isInt(value, INT32_MIN, INT32_MAX)) throw new XdrError(`int: out of range: ${describe(value)}`);
        w.writeInt(value);
      };
    case 'uint':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (!isInt(value, 0, UINT32_MAX)) throw new XdrError(`uint: out of range: ${describe(value)}`);
        w.writeUint(value);
      };
    case 'hyper':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const b = toBigInt(value, 'hyper');
        if (b < INT64_MIN || b > INT64_MAX) throw new XdrError(`hyper: out of range: ${b}`);
        w.writeHyper(b);
      };
    case 'uhyper':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const b = toBigInt(value, 'uhyper');
        if (b < 0n || b > UINT64_MAX) throw new XdrError(`uhyper: out of range: ${b}`);
        w.writeUhyper(b);
      };
    case 'bool':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (typeof value !== 'boolean') throw new XdrError(`bool: expected boolean, got ${describe(value)}`);
        w.writeInt(value ? 1 : 0);
      };
    case 'float':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (typeof value !== 'number') throw new XdrError(`float: expected number, got ${describe(value)}`);
        w.writeFloat(value);
      };
    case 'double':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (typeof value !== 'number') throw new XdrError(`double: expected number, got ${describe(value)}`);
        w.writeDouble(value);
      };
    case 'string': {
      const max = type.max;
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (typeof value !== 'string') throw new XdrError(`string: expected string, got ${describe(value)}`);
        w.writeString(value, max);
      };
    }
    case 'opaque': {
      const max = type.max;
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (!(value instanceof Uint8Array))
          throw new XdrError(`opaque: expected bytes, got ${describe(value)}`);
        if (value.length > max) throw new XdrError(`opaque: ${value.length} bytes exceeds max ${max}`);
        w.writeUint(value.length);
        w.writePadded(value);
      };
    }
    case 'fixedOpaque': {
      const len = type.len;
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (!(value instanceof Uint8Array)) {
          throw new XdrError(`fixedOpaque: expected bytes, got ${describe(value)}`);
        }
        if (value.length !== len) {
          throw new XdrError(`fixedOpaque: expected ${len} bytes, got ${value.length}`);
        }
        w.writePadded(value);
      };
    }
    case 'array':
    case 'fixedArray': {
      const kind = type.kind;
      const variable = type.kind === 'array';
      const limit = type.kind === 'array' ? type.max : type.len;
      const elem = encoderOf(type.of);
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (!Array.isArray(value)) throw new XdrError(`${kind}: expected array, got ${describe(value)}`);
        if (variable) {
          if (value.length > limit) {
            throw new XdrError(`array: ${value.length} elements exceeds max ${limit}`);
          }
          w.writeUint(value.length);
        } else if (value.length !== limit) {
          throw new XdrError(`fixedArray: expected ${limit} elements, got ${value.length}`);
        }
        for (let i = 0; i < value.length; i++) {
          try {
            elem(w, value[i], depth + 1);
          } catch (err) {
            withPath(err, `[${i}]`);
          }
        }
      };
    }
    case 'optional': {
      const inner = encoderOf(type.of);
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (value === null || value === undefined) {
          w.writeUint(0);
        } else {
          w.writeUint(1);
          inner(w, value, depth + 1);
        }
      };
    }
    case 'struct': {
      const names = type.fields.map(([name]) => name);
      const encs = type.fields.map(([, ft]) => encoderOf(ft));
      const n = names.length;
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new XdrError(`struct: expected object, got ${describe(value)}`);
        }
        const obj = value as Record<string, unknown>;
        for (let i = 0; i < n; i++) {
          const name = names[i] as string;
          try {
            (encs[i] as Encoder)(w, obj[name], depth + 1);
          } catch (err) {
            withPath(err, name);
          }
        }
      };
    }
    case 'union': {
      const arms = type.arms;
      const defaultArm = type.defaultArm;
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        if (typeof value !== 'object' || value === null || !('tag' in value)) {
          throw new XdrError(`union: expected { tag, value }, got ${describe(value)}`);
        }
        const { tag, value: armValue } = value as { tag: unknown; value: unknown };
        if (!isInt(tag, INT32_MIN, UINT32_MAX)) throw new XdrError(`union: bad tag ${describe(tag)}`);
        const arm = arms[tag] ?? defaultArm;
        if (arm === undefined) throw new XdrError(`union: no arm for tag ${tag}`);
        if (tag > INT32_MAX) w.writeUint(tag);
        else w.writeInt(tag);
        try {
          compiled(arm).enc(w, armValue, depth + 1);
        } catch (err) {
          withPath(err, `<${tag}>`);
        }
      };
    }
    case 'lazy':
      return (w, value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        compiled(resolve(type)).enc(w, value, depth + 1);
      };
    default:
      return (_w, _value, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
      };
  }
}

/** Appends `value` encoded as `type` to `w`. */
export function encodeInto(w: XdrWriter, type: XdrType, value: unknown, depth = 0): void {
  compiled(type).enc(w, value, depth);
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

function compileDecoder(type: XdrType): Decoder {
  switch (type.kind) {
    case 'void':
      return (_r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return undefined;
      };
    case 'int':
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return r.readInt();
      };
    case 'uint':
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return r.readUint();
      };
    case 'hyper':
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return r.readHyper();
      };
    case 'uhyper':
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return r.readUhyper();
      };
    case 'bool':
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const v = r.readInt();
        if (v !== 0 && v !== 1) throw new XdrError(`bool: invalid value ${v}`);
        return v === 1;
      };
    case 'float':
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return r.readFloat();
      };
    case 'double':
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return r.readDouble();
      };
    case 'string': {
      const max = type.max;
      return (r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const len = r.readUint();
        if (len > max) throw new XdrError(`string: length ${len} exceeds max ${max}`);
        return r.readString(len);
      };
    }
    case 'opaque': {
      const max = type.max;
      return (r, copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const len = r.readUint();
        if (len > max) throw new XdrError(`opaque: length ${len} exceeds max ${max}`);
        const view = r.readPadded(len, 'opaque');
        return copy ? Buffer.from(view) : view;
      };
    }
    case 'fixedOpaque': {
      const len = type.len;
      return (r, copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const view = r.readPadded(len, 'fixedOpaque');
        return copy ? Buffer.from(view) : view;
      };
    }
    case 'array':
    case 'fixedArray': {
      const kind = type.kind;
      const variable = type.kind === 'array';
      const limit = type.kind === 'array' ? type.max : type.len;
      const of = type.of;
      const elem = decoderOf(of);
      return (r, copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        let count: number;
        if (variable) {
          count = r.readUint();
          if (count > limit) throw new XdrError(`array: count ${count} exceeds max ${limit}`);
        } else {
          count = limit;
        }
        const elemMin = minSize(of);
        if (elemMin > 0 && count * elemMin > r.remaining) {
          throw new XdrError(`truncated ${kind}: ${count} elements cannot fit in ${r.remaining} bytes`);
        }
        const out: unknown[] = [];
        for (let i = 0; i < count; i++) {
          try {
            out.push(elem(r, copy, depth + 1));
          } catch (err) {
            withPath(err, `[${i}]`);
          }
        }
        return out;
      };
    }
    case 'optional': {
      const inner = decoderOf(type.of);
      return (r, copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const flag = r.readUint();
        if (flag === 0) return null;
        if (flag !== 1) throw new XdrError(`optional: invalid flag ${flag}`);
        return inner(r, copy, depth + 1);
      };
    }
    case 'struct': {
      const names = type.fields.map(([name]) => name);
      const decs = type.fields.map(([, ft]) => decoderOf(ft));
      const n = names.length;
      return (r, copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const name = names[i] as string;
          try {
            out[name] = (decs[i] as Decoder)(r, copy, depth + 1);
          } catch (err) {
            withPath(err, name);
          }
        }
        return out;
      };
    }
    case 'union': {
      const arms = type.arms;
      const defaultArm = type.defaultArm;
      return (r, copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        const raw = r.readInt();
        // Unsigned discriminants above 2^31 are declared with their unsigned value.
        const tag = raw < 0 && arms[raw] === undefined && arms[raw + 0x100000000] ? raw + 0x100000000 : raw;
        const arm = arms[tag] ?? defaultArm;
        if (arm === undefined) throw new XdrError(`union: unknown tag ${raw}`);
        try {
          return { tag, value: compiled(arm).dec(r, copy, depth + 1) };
        } catch (err) {
          return withPath(err, `<${tag}>`);
        }
      };
    }
    case 'lazy':
      return (r, copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        return compiled(resolve(type)).dec(r, copy, depth + 1);
      };
    default:
      return (_r, _copy, depth) => {
        if (depth > MAX_DEPTH) tooDeep();
        throw new XdrError('unknown schema kind');
      };
  }
}

function decodeFromImpl(r: XdrReader, type: XdrType, copy: boolean, depth: number): unknown {
  return compiled(type).dec(r, copy, depth);
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
