/**
 * Fixed-size buffers that are handed out and given back, so a long transfer reuses a few MiB of memory
 * instead of allocating (and the kernel zeroing, and V8 collecting) one fresh buffer per packet: on a
 * 1 GiB download that churn cost the client three times the CPU of libvirt's own client.
 *
 * Giving back is optional: a buffer that is never given back is collected like any other, and the pool
 * allocates a new one. Only buffers the pool handed out (and has not got back yet) are taken back, so a
 * foreign buffer or a second give() of the same buffer cannot put one buffer in two hands.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  /** The memory of every buffer out (handed out, not given back), by its ArrayBuffer. */
  private readonly out = new WeakSet<ArrayBufferLike>();

  /**
   * @param size bytes of each buffer
   * @param keep how many given-back buffers are held for reuse at most (more are dropped)
   */
  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {
    if (!(size > 0) || !(keep >= 0)) throw new RangeError('a pool needs a positive size');
  }

  /** Buffers waiting to be reused. */
  get idle(): number {
    return this.free.length;
  }

  /** A buffer of `size` bytes (contents undefined), its memory its own (no other Buffer shares it). */
  take(): Buffer {
    // allocUnsafeSlow: never a slice of Node's shared 8 KiB pool, so the ArrayBuffer identifies it.
    const buf = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    this.out.add(buf.buffer);
    return buf;
  }

  /** Gives back a buffer take() returned, or any view into it; anything else is ignored. */
  give(view: Uint8Array): void {
    const memory = view.buffer;
    if (!this.out.has(memory)) return;
    this.out.delete(memory);
    if (this.free.length < this.keep) this.free.push(Buffer.from(memory, 0, this.size));
  }
}
