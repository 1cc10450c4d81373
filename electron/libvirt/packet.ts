/**
 * libvirt RPC framing (src/rpc/virnetprotocol.x):
 *
 *   length (uint32, counts itself) | header (6 × 32-bit) | payload
 *
 * plus the `remote_error` payload that accompanies every VIR_NET_ERROR status.
 */
import { LibvirtError, ProtocolError } from './errors.js';
import { XdrReader, XdrWriter, decodeFrom, encodeInto } from './xdr/codec.js';
import { fixedOpaque, int, optional, string, struct, type XdrType, type XdrValue } from './xdr/schema.js';

/** Largest serialised message excluding the length word (libvirt ≥ 7.x raised it to 32 MiB). */
export const VIR_NET_MESSAGE_MAX = 33554432;
export const VIR_NET_MESSAGE_HEADER_MAX = 24;
export const VIR_NET_MESSAGE_LEN_MAX = 4;
export const VIR_NET_MESSAGE_PAYLOAD_MAX = VIR_NET_MESSAGE_MAX - VIR_NET_MESSAGE_HEADER_MAX;
/** Stream data chunk size libvirt itself uses in both directions. */
export const VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX = 262120;
export const VIR_NET_MESSAGE_STRING_MAX = 4194304;
/** Smallest valid frame: the length word plus a full header. */
export const MIN_FRAME_LENGTH = VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX;
/** Largest valid value of the length word (the length word is not counted in MESSAGE_MAX). */
export const MAX_FRAME_LENGTH = VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX;

export { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION } from './protocol/constants.js';
export const KEEPALIVE_PROGRAM = 0x6b656570;
export const KEEPALIVE_PROTOCOL_VERSION = 1;

export const MessageType = {
  CALL: 0,
  REPLY: 1,
  MESSAGE: 2,
  STREAM: 3,
  CALL_WITH_FDS: 4,
  REPLY_WITH_FDS: 5,
  STREAM_HOLE: 6,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const MessageStatus = { OK: 0, ERROR: 1, CONTINUE: 2 } as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

export interface PacketHeader {
  prog: number;
  vers: number;
  proc: number;
  type: number;
  serial: number;
  status: number;
}

export interface Packet {
  header: PacketHeader;
  /** Payload bytes (a view into the frame buffer). */
  payload: Buffer;
}

/** Encodes a whole frame; `body` is either raw (already encoded) payload bytes or a schema + value. */
export function encodePacket(
  header: PacketHeader,
  body?: Buffer | { schema: XdrType; value: unknown },
): Buffer {
  const w = new XdrWriter(Buffer.isBuffer(body) ? MIN_FRAME_LENGTH + body.length : 256);
  w.writeUint(0); // length, patched below
  w.writeUint(header.prog);
  w.writeUint(header.vers);
  w.writeInt(header.proc);
  w.writeInt(header.type);
  w.writeUint(header.serial);
  w.writeInt(header.status);
  if (Buffer.isBuffer(body)) {
    w.writeRaw(body);
  } else if (body) {
    encodeInto(w, body.schema, body.value);
  }
  if (w.length > MAX_FRAME_LENGTH) {
    throw new ProtocolError(`message of ${w.length} bytes exceeds libvirt's limit of ${MAX_FRAME_LENGTH}`);
  }
  w.patchUint(0, w.length);
  return w.view(); // the writer is dropped, so no copy is needed
}

/**
 * The length word and header of a stream data frame carrying `dataLength` raw bytes; the bytes follow it
 * on the wire as they are (uploads write the two back to back, so the data is never copied).
 */
export function encodeStreamHeader(header: PacketHeader, dataLength: number): Buffer {
  const total = MIN_FRAME_LENGTH + dataLength;
  if (total > MAX_FRAME_LENGTH) throw new ProtocolError('stream chunk too large');
  const buf = Buffer.allocUnsafe(MIN_FRAME_LENGTH);
  buf.writeUInt32BE(total, 0);
  buf.writeUInt32BE(header.prog, 4);
  buf.writeUInt32BE(header.vers, 8);
  buf.writeInt32BE(header.proc, 12);
  buf.writeInt32BE(header.type, 16);
  buf.writeUInt32BE(header.serial, 20);
  buf.writeInt32BE(header.status, 24);
  return buf;
}

/** Encodes a stream data frame in one buffer: raw bytes, not XDR-wrapped (no length prefix, no padding). */
export function encodeStreamPacket(header: PacketHeader, data: Uint8Array): Buffer {
  const head = encodeStreamHeader(header, data.length);
  return data.length === 0 ? head : Buffer.concat([head, data]);
}

/** Parses one complete frame (length word included). */
export function decodePacket(frame: Buffer): Packet {
  if (frame.length < MIN_FRAME_LENGTH) throw new ProtocolError(`frame of ${frame.length} bytes is too short`);
  const len = frame.readUInt32BE(0);
  if (len !== frame.length) throw new ProtocolError(`frame length word ${len} != ${frame.length} bytes`);
  const header: PacketHeader = {
    prog: frame.readUInt32BE(4),
    vers: frame.readUInt32BE(8),
    proc: frame.readInt32BE(12),
    type: frame.readInt32BE(16),
    serial: frame.readUInt32BE(20),
    status: frame.readInt32BE(24),
  };
  return { header, payload: frame.subarray(MIN_FRAME_LENGTH) };
}

/**
 * First buffer size of a partial frame (grown as bytes arrive): one whole stream data packet, the big
 * frame of every download, so each is assembled with one copy instead of three grow-and-copy steps.
 * A peer trickling a huge declared length still gets no more than this before it has sent more.
 */
const INITIAL_PARTIAL = MIN_FRAME_LENGTH + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX;
/** Largest assembled frame buffer kept for reuse: a rare huge reply's buffer is not held for ever. */
const MAX_SCRATCH = 1024 * 1024;

/**
 * Turns an arbitrarily chunked byte stream into complete frames.
 *
 * Hostile peers are bounded here: a length word outside MIN_FRAME_LENGTH..maxFrameLength is refused
 * as soon as its 4 bytes are in (nothing of the frame is buffered), and a partial frame is held as a view
 * while its chunks follow each other in memory (at most the one slab they were read into), else copied
 * into one buffer as it arrives, grown geometrically up to the declared length. A peer trickling a frame
 * byte by byte therefore costs about what it actually sent (at most one frame), never one Buffer
 * object per chunk, and a large declared length alone allocates nothing big.
 */
export class FrameReassembler {
  /** 0–3 bytes of a length word split across chunks. */
  private head: Buffer | null = null;
  /**
   * The start of a frame, not copied: a view into the chunks it arrived in, as long as each chunk lies
   * right after the previous one in memory (reads into one slab, see socket-reads.ts), so a download's
   * frames cost no allocation and no copy. The first chunk that is elsewhere moves it into `partial`.
   */
  private view: Buffer | null = null;
  /** The frame being filled (its declared length `expected` is known and valid). */
  private partial: Buffer | null = null;
  private filled = 0;
  private expected = 0;
  /** With `reuse`: the buffer of the last frame assembled by copying, for the next one. */
  private scratch: Buffer | null = null;
  private readonly reuse: boolean;

  /**
   * @param opts.reuse a frame is valid only until the next push() (the caller copies what it keeps):
   *   then the buffer a frame was assembled in is reused for the next such frame instead of a fresh one
   *   per frame (a download crossing a read slab's end once per slab: a quarter of its bytes).
   */
  constructor(
    private readonly maxFrameLength = MAX_FRAME_LENGTH,
    opts: { reuse?: boolean } = {},
  ) {
    this.reuse = opts.reuse ?? false;
  }

  /** Bytes currently held waiting for the rest of a frame. */
  get pendingBytes(): number {
    if (this.view) return this.view.length;
    return this.partial ? this.filled : (this.head?.length ?? 0);
  }

  /** Feeds bytes; returns the frames completed by them. Throws ProtocolError on a bad length. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    if (chunk.length === 0) return frames;
    const view = this.view;
    if (view) {
      this.view = null;
      if (view.buffer === chunk.buffer && view.byteOffset + view.length === chunk.byteOffset) {
        // The chunk continues the frame in memory: widen the view.
        const k = Math.min(this.expected - view.length, chunk.length);
        const joined = Buffer.from(view.buffer, view.byteOffset, view.length + k);
        if (joined.length < this.expected) {
          this.view = joined;
          return frames;
        }
        frames.push(joined);
        if (k === chunk.length) return frames;
        chunk = chunk.subarray(k);
      } else {
        // Elsewhere: what arrived so far gets a buffer of its own, and the frame is filled by copying.
        this.partial = this.partialBuffer(Math.min(this.expected, Math.max(INITIAL_PARTIAL, view.length)));
        this.filled = 0;
        this.append(view, 0, view.length);
      }
    }
    if (this.partial) {
      const k = Math.min(this.expected - this.filled, chunk.length);
      this.append(chunk, 0, k);
      if (this.filled < this.expected) return frames;
      frames.push(
        this.partial.length === this.expected ? this.partial : this.partial.subarray(0, this.expected),
      );
      if (this.reuse && this.partial.length <= MAX_SCRATCH) this.scratch = this.partial;
      this.partial = null;
      this.filled = 0;
      if (k === chunk.length) return frames;
      chunk = chunk.subarray(k);
    } else if (this.head) {
      // Rare: the length word itself was split. The joined buffer is at most 3 bytes longer.
      chunk = Buffer.concat([this.head, chunk]);
      this.head = null;
    }
    // Cut every complete frame straight out of the chunk, no copies.
    const n = chunk.length;
    let off = 0;
    while (n - off >= 4) {
      const len = chunk.readUInt32BE(off);
      this.checkLength(len);
      if (n - off < len) {
        // The declared length is valid: hold the start of the frame (a view) until the rest arrives.
        this.expected = len;
        this.view = chunk.subarray(off);
        return frames;
      }
      frames.push(chunk.subarray(off, off + len));
      off += len;
    }
    if (off < n) this.head = Buffer.from(chunk.subarray(off));
    return frames;
  }

  /** A buffer of at least `size` bytes for a frame being copied together. */
  private partialBuffer(size: number): Buffer {
    const scratch = this.scratch;
    if (scratch && scratch.length >= size) return scratch;
    // Reused buffers get a whole stream packet's room at least, so frames of any smaller size share one.
    return Buffer.allocUnsafe(this.reuse ? Math.max(size, INITIAL_PARTIAL) : size);
  }

  reset(): void {
    this.scratch = null;
    this.view = null;
    this.head = null;
    this.partial = null;
    this.filled = 0;
    this.expected = 0;
  }

  /** Copies chunk[from, to) after the bytes held, growing the buffer (×2, capped at the frame's size). */
  private append(chunk: Buffer, from: number, to: number): void {
    let partial = this.partial as Buffer;
    const need = this.filled + (to - from);
    if (need > partial.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.expected, Math.max(need, partial.length * 2)));
      partial.copy(grown, 0, 0, this.filled);
      partial = grown;
      this.partial = grown;
    }
    this.filled += chunk.copy(partial, this.filled, from, to);
  }

  private checkLength(len: number): void {
    if (len < MIN_FRAME_LENGTH || len > this.maxFrameLength) {
      this.reset();
      throw new ProtocolError(
        `invalid frame length ${len} (allowed ${MIN_FRAME_LENGTH}..${this.maxFrameLength})`,
      );
    }
  }
}

// ---- remote_error --------------------------------------------------------------------------------

const netString = string(VIR_NET_MESSAGE_STRING_MAX);
const uuidT = fixedOpaque(16);

export const remoteErrorSchema = struct({
  code: int,
  domain: int,
  message: optional(netString),
  level: int,
  dom: optional(struct({ name: netString, uuid: uuidT, id: int })),
  str1: optional(netString),
  str2: optional(netString),
  str3: optional(netString),
  int1: int,
  int2: int,
  net: optional(struct({ name: netString, uuid: uuidT })),
});
export type RemoteError = XdrValue<typeof remoteErrorSchema>;

/** Decodes a `remote_error` payload into a LibvirtError carrying libvirt's own message. */
export function decodeRemoteError(payload: Buffer): LibvirtError {
  let e: RemoteError;
  try {
    e = decodeFrom(new XdrReader(payload), remoteErrorSchema);
  } catch (err) {
    throw new ProtocolError(`malformed remote_error payload: ${(err as Error).message}`);
  }
  return new LibvirtError(e.message ?? 'unknown libvirt error', e);
}

/** Encodes a remote_error (used by tests' fake servers). */
export function encodeRemoteError(e: RemoteError): { schema: XdrType; value: unknown } {
  return { schema: remoteErrorSchema, value: e };
}
