/**
 * Large reads from libvirt's unix socket.
 *
 * Left to itself, Node reads a socket 64 KiB at a time (libuv's suggested size). A volume download
 * comes as 256 KiB stream packets, so each packet took four or more reads (and JS callbacks), and the
 * daemon, whose write of a packet does not fit the socket at once, was woken by each of them to write
 * the next piece. Reads of at least a whole packet empty the socket in one go: on a 1 GiB download
 * (2 loaded cores) our reads went from ~16,400 to ~10,400, and the daemon's CPU for it from 1.9–2.1 s in
 * every run with 64 KiB reads to 0.5–2.4 s (often under 1 s; the machine's load decides the rest).
 *
 * The reads land in slabs (net.Socket's `onread` with a buffer generator): each read gets the unused
 * rest of the current slab, and a new slab starts when less than a packet's room is left. The chunks
 * handed on are views into the slab (no copy), and slabs are reused: a fresh 1 MiB slab per MiB read
 * made a 1 GiB download allocate 1 GiB, and the page faults and collections of that churn cost the
 * client more CPU than the transfer itself (4 s against virsh's 1.2 s).
 *
 * Reuse sets the rule for every 'data' listener: a chunk (and any view of it) is valid during the
 * 'data' event and, untouched, for a little while after: a slab is reused only after reads went into
 * `REUSE_AFTER` later slabs. The engine relies on that short grace for the one view it holds across
 * events (the start of a frame whose rest is still coming: the next chunk, which always lands in
 * memory the view does not cover once its slab is full, makes it copy that start); everything else it
 * hands on it copies first (decoded replies and events, stream data; see stream.ts). A listener that
 * keeps a chunk must copy it.
 */
import type net from 'node:net';

/** A whole legacy-sized stream packet (length word + header + 262120 bytes of payload), rounded up. */
export const MIN_READ_BYTES = 256 * 1024 + 64;
/** Slab size: a few reads' worth, so a slab is not allocated per read. */
export const SLAB_BYTES = 1024 * 1024;

/** Retired slabs wait for this many later slabs to be read into before they are reused. */
export const REUSE_AFTER = 2;

/** Hands out read buffers of at least `minRead` bytes from slabs of `slabBytes`, reusing slabs. */
export class ReadSlabs {
  private slab: Buffer | null = null;
  private used = 0;
  /** Full slabs, oldest first; the first is reused once more than REUSE_AFTER wait. */
  private readonly retired: Buffer[] = [];

  constructor(
    private readonly minRead = MIN_READ_BYTES,
    private readonly slabBytes = SLAB_BYTES,
  ) {
    if (slabBytes < minRead) throw new RangeError('a slab must hold at least one read');
  }

  /** The buffer the next read goes into: the unused rest of the slab. */
  next(): Buffer {
    if (!this.slab || this.slab.length - this.used < this.minRead) {
      // A slab is retired only once full, that is after a read into it was taken: so a slab leaves the
      // queue only after reads (and their 'data' events) into REUSE_AFTER slabs retired after it.
      if (this.slab) this.retired.push(this.slab);
      this.slab =
        this.retired.length > REUSE_AFTER
          ? (this.retired.shift() as Buffer)
          : Buffer.allocUnsafeSlow(this.slabBytes);
      this.used = 0;
    }
    return this.slab.subarray(this.used);
  }

  /** Takes the `n` bytes a read put into the buffer `next()` gave; returns them as a view. */
  take(n: number, buf: Buffer): Buffer {
    this.used += n;
    return buf.subarray(0, n);
  }
}

/**
 * `onread` options for net.createConnection: every read is emitted as a 'data' event of `socket()` (the
 * engine listens to those, as it does on any other transport). Pausing the socket still stops reading.
 */
export function largeReads(socket: () => net.Socket | undefined): net.OnReadOpts {
  const slabs = new ReadSlabs();
  return {
    buffer: () => slabs.next(),
    // true: keep reading (the engine pauses the socket itself when a stream's consumer lags).
    callback: (n: number, buf: Uint8Array) => {
      socket()?.emit('data', slabs.take(n, buf as Buffer));
      return true;
    },
  };
}
