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
 * hands on it copies first (decoded replies and events), or borrows (stream data; see stream.ts). A
 * listener that keeps a chunk must copy or borrow it.
 *
 * Borrowing (`borrowRead`/`returnRead`) keeps a view valid for as long as it is needed: a slab with
 * views out is not reused until every one came back; a view never returned keeps its slab from reuse
 * for good (it is then collected with the view). A download's file writer returns each chunk once it
 * is in the file, so its packets go from the socket to the file without a copy (copying them cost
 * about a tenth of a download's client CPU).
 */
import type net from 'node:net';

/** A whole legacy-sized stream packet (length word + header + 262120 bytes of payload), rounded up. */
export const MIN_READ_BYTES = 256 * 1024 + 64;
/** Slab size: a few reads' worth, so a slab is not allocated per read. */
export const SLAB_BYTES = 1024 * 1024;

/** Retired slabs wait for this many later slabs to be read into before they are reused. */
export const REUSE_AFTER = 2;
/** Free slabs kept for reuse while nothing is borrowed (more are left to the collector). */
export const KEEP_FREE = REUSE_AFTER + 1;
/**
 * Free slabs kept at most while views are borrowed: what a download's consumer holds at once (its
 * unread data, what its file writer queues and gathers) comes back in bursts, and every slab dropped
 * then is a fresh one allocated later, whose first touch of each page costs the kernel (and a VM's
 * host) more than the transfer of it.
 */
export const KEEP_FREE_BORROWED = 16;

interface Slab {
  readonly buf: Buffer;
  readonly owner: ReadSlabs;
  /** Borrowed views not returned yet. */
  borrowed: number;
  /** The owner's retirement count when it was retired; 0 while it is being read into. */
  retiredAt: number;
  /** Left to the collector: returns no longer put it back for reuse. */
  dropped: boolean;
}

/**
 * Every slab by its memory, so a view finds the slab it lies in. A view borrowed and never returned
 * keeps its slab out of reuse and the owner at its larger free-slab bound (bounded either way).
 */
const slabOf = new WeakMap<ArrayBufferLike, Slab>();
/** Views borrowed and not yet returned: only these count on return (a second return is ignored). */
const borrowedViews = new WeakSet<Uint8Array>();

/**
 * Keeps the memory under `view` (a chunk of a read, or a view into one) from reuse until returnRead().
 * False, and nothing kept, when the view is not in a read slab (then it must be copied to be kept).
 */
export function borrowRead(view: Uint8Array): boolean {
  const slab = slabOf.get(view.buffer);
  if (!slab || slab.dropped || borrowedViews.has(view)) return false;
  if (slab.borrowed++ === 0) slab.owner.lent(slab);
  borrowedViews.add(view);
  return true;
}

/** Gives back a view borrowRead() took (the same object); false for anything else. */
export function returnRead(view: Uint8Array): boolean {
  if (!borrowedViews.delete(view)) return false;
  const slab = slabOf.get(view.buffer);
  if (slab && --slab.borrowed === 0) slab.owner.returned(slab);
  return true;
}

/** Hands out read buffers of at least `minRead` bytes from slabs of `slabBytes`, reusing slabs. */
export class ReadSlabs {
  private slab: Slab | null = null;
  private used = 0;
  /** Slabs retired so far (a slab's `retiredAt` counts in these). */
  private retirements = 0;
  /** Retired slabs with nothing borrowed, candidates for reuse once their grace is over. */
  private readonly free: Slab[] = [];
  /** Slabs with borrowed views out. */
  private lentSlabs = 0;
  /** Slabs allocated so far (for tests and measurements). */
  allocated = 0;

  constructor(
    private readonly minRead = MIN_READ_BYTES,
    private readonly slabBytes = SLAB_BYTES,
  ) {
    if (slabBytes < minRead) throw new RangeError('a slab must hold at least one read');
  }

  /** The buffer the next read goes into: the unused rest of the slab. */
  next(): Buffer {
    // Back to the resting size once a transfer gave everything back.
    if (this.lentSlabs === 0 && this.free.length > KEEP_FREE) this.trim(KEEP_FREE);
    if (!this.slab || this.slab.buf.length - this.used < this.minRead) {
      // A slab is retired only once full, that is after a read into it was taken: so a slab is reused
      // only after reads (and their 'data' events) into REUSE_AFTER slabs retired after it.
      if (this.slab) {
        this.slab.retiredAt = ++this.retirements;
        if (this.slab.borrowed === 0) this.keep(this.slab);
      }
      const i = this.free.findIndex((s) => s.borrowed === 0 && this.retirements - s.retiredAt >= REUSE_AFTER);
      this.slab = i >= 0 ? this.free.splice(i, 1)[0]! : this.allocate();
      this.slab.retiredAt = 0;
      this.used = 0;
    }
    return this.slab.buf.subarray(this.used);
  }

  /** Takes the `n` bytes a read put into the buffer `next()` gave; returns them as a view. */
  take(n: number, buf: Buffer): Buffer {
    this.used += n;
    return buf.subarray(0, n);
  }

  /** The first view of `slab` was borrowed (see borrowRead). */
  lent(slab: Slab): void {
    if (!slab.dropped) this.lentSlabs++;
  }

  /** The last borrowed view of `slab` came back (see returnRead). */
  returned(slab: Slab): void {
    if (!slab.dropped) this.lentSlabs--;
    // A slab still being read into is simply read on; a retired one may be reused again (it is in the
    // free list already when a view was borrowed late, within its grace).
    if (slab.retiredAt > 0 && !slab.dropped && !this.free.includes(slab)) this.keep(slab);
  }

  private keep(slab: Slab): void {
    this.free.push(slab);
    this.trim(this.lentSlabs > 0 ? KEEP_FREE_BORROWED : KEEP_FREE);
  }

  /** Leaves the oldest free slabs beyond `keep` to the collector. */
  private trim(keep: number): void {
    while (this.free.length > keep) {
      const extra = this.free.shift()!;
      if (extra.borrowed > 0) this.lentSlabs--; // borrowed late (see returned): its return is ignored now
      extra.dropped = true;
      slabOf.delete(extra.buf.buffer);
    }
  }

  private allocate(): Slab {
    // allocUnsafeSlow: never a slice of Node's shared pool, so the memory identifies the slab.
    const slab: Slab = {
      buf: Buffer.allocUnsafeSlow(this.slabBytes),
      owner: this,
      borrowed: 0,
      retiredAt: 0,
      dropped: false,
    };
    slabOf.set(slab.buf.buffer, slab);
    this.allocated++;
    return slab;
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
