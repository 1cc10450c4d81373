import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MIN_READ_BYTES,
  REUSE_AFTER,
  ReadSlabs,
  largeReads,
} from '../../../electron/libvirt/socket-reads.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('ReadSlabs', () => {
  it('gives every read at least the minimum room and never hands out the bytes of the last few reads again', () => {
    const slabs = new ReadSlabs(100, 250);
    const taken: Buffer[] = [];
    for (const n of [10, 90, 100, 1, 200, 100, 37]) {
      const buf = slabs.next();
      expect(buf.length).toBeGreaterThanOrEqual(100);
      buf.fill(taken.length, 0, n);
      taken.push(slabs.take(n, buf));
    }
    // Each view still holds what was written into it: later reads went elsewhere.
    taken.forEach((view, i) => expect(view.every((b) => b === i)).toBe(true));
  });

  it('reuses a full slab only after reads went into REUSE_AFTER later slabs', () => {
    const slabs = new ReadSlabs(100, 100); // one read per slab
    const memories: ArrayBufferLike[] = [];
    for (let i = 0; i < 12; i++) {
      const buf = slabs.next();
      memories.push(buf.buffer);
      slabs.take(100, buf);
    }
    for (let i = 0; i < memories.length; i++) {
      // Never one of the REUSE_AFTER slabs read into just before…
      for (let back = 1; back <= REUSE_AFTER && back <= i; back++)
        expect(memories[i]).not.toBe(memories[i - back]);
    }
    // …and yet only REUSE_AFTER + 1 slabs in all.
    expect(new Set(memories).size).toBe(REUSE_AFTER + 1);
  });

  it('does not retire a slab a read left untouched (a read that found nothing)', () => {
    const slabs = new ReadSlabs(100, 250);
    const a = slabs.next();
    const again = slabs.next(); // EAGAIN: nothing taken, the same room is offered
    expect(again.buffer).toBe(a.buffer);
    expect(again.byteOffset).toBe(a.byteOffset);
  });

  it('refuses a slab smaller than one read', () => {
    expect(() => new ReadSlabs(100, 99)).toThrow(RangeError);
  });
});

describe('largeReads on a unix socket', () => {
  it('delivers every byte in order, in reads larger than 64 KiB, and stops while paused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-reads-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const sockPath = path.join(dir, 's');
    const data = randomBytes(16 * 1024 * 1024);
    const server = net.createServer((c) => {
      c.end(data);
    });
    cleanups.push(() => server.close());
    await new Promise<void>((r) => server.listen(sockPath, r));

    const chunks: Buffer[] = [];
    let paused = false;
    let readWhilePaused = false;
    const sock: net.Socket = net.createConnection({ path: sockPath, onread: largeReads(() => sock) });
    cleanups.push(() => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      if (paused) readWhilePaused = true;
      chunks.push(Buffer.from(chunk)); // copied: the slab is reused for later reads
      if (chunks.length === 3) {
        paused = true;
        sock.pause();
        setTimeout(() => {
          paused = false;
          sock.resume();
        }, 100);
      }
    });
    await new Promise<void>((resolve, reject) => {
      sock.once('close', () => resolve());
      sock.once('error', reject);
    });
    const got = Buffer.concat(chunks);
    expect(got.length).toBe(data.length);
    expect(createHash('sha256').update(got).digest('hex')).toBe(
      createHash('sha256').update(data).digest('hex'),
    );
    expect(readWhilePaused).toBe(false);
    // Some read took more than libuv's 64 KiB (the socket held more than that at times).
    expect(Math.max(...chunks.map((c) => c.length))).toBeGreaterThan(64 * 1024);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(1024 * 1024);
    expect(MIN_READ_BYTES).toBeGreaterThan(262148);
  });
});
