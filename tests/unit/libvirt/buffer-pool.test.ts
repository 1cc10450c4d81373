import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../electron/libvirt/buffer-pool.js';

describe('BufferPool', () => {
  it('hands a given-back buffer out again, whole, even when a view of it came back', () => {
    const pool = new BufferPool(1000, 4);
    const a = pool.take();
    expect(a.length).toBe(1000);
    pool.give(a.subarray(10, 20));
    expect(pool.idle).toBe(1);
    const b = pool.take();
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(1000);
    expect(pool.idle).toBe(0);
  });

  it('never puts one buffer in two hands: a second give, or a buffer it did not hand out, is ignored', () => {
    const pool = new BufferPool(1000, 4);
    const a = pool.take();
    pool.give(a);
    pool.give(a);
    expect(pool.idle).toBe(1);
    pool.give(Buffer.alloc(1000));
    expect(pool.idle).toBe(1);
    const b = pool.take();
    const c = pool.take();
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it('keeps at most `keep` buffers; the rest are left to the collector', () => {
    const pool = new BufferPool(100, 2);
    const out = [pool.take(), pool.take(), pool.take()];
    out.forEach((b) => pool.give(b));
    expect(pool.idle).toBe(2);
  });

  it('gives each buffer memory of its own (not a slice of a shared allocation)', () => {
    const pool = new BufferPool(16, 4);
    const a = pool.take();
    const b = pool.take();
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(16);
  });

  it('refuses a size of 0', () => {
    expect(() => new BufferPool(0, 1)).toThrow(RangeError);
  });
});
