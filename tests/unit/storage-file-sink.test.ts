import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSink } from '../../electron/storage/file-sink.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const newFile = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-sink-'));
  dirs.push(d);
  return path.join(d, 'out');
};

/**
 * A stand-in file (pure logic: the short writes a real disk gives only when nearly full) that takes at
 * most `max` bytes per call, or fails from byte `failAt` on.
 */
function memoryFile(
  max: number,
  failAt = Infinity,
): { handle: FileHandle; data: () => Buffer; writes: () => number[] } {
  const bytes = Buffer.alloc(1 << 20);
  let end = 0;
  const calls: number[] = [];
  const put = (bufs: Buffer[], pos: number): { bytesWritten: number } => {
    calls.push(bufs.reduce((n, b) => n + b.length, 0));
    if (pos >= failAt) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const room = Math.min(max, failAt - pos); // a disk filling up: a short write, then the error
    let n = 0;
    for (const b of bufs) {
      const k = Math.min(b.length, room - n);
      b.copy(bytes, pos + n, 0, k);
      n += k;
      if (n === room) break;
    }
    end = Math.max(end, pos + n);
    return { bytesWritten: n };
  };
  const handle = {
    write: async (b: Buffer, off: number, len: number, pos: number) => put([b.subarray(off, off + len)], pos),
    writev: async (bufs: Buffer[], pos: number) => put(bufs, pos),
  } as unknown as FileHandle;
  return { handle, data: () => bytes.subarray(0, end), writes: () => calls };
}

describe('FileSink', () => {
  it('writes every chunk in order and hands each back only once it is in the file', async () => {
    const file = newFile();
    const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(10_000 + i * 997));
    const handle = await open(file, 'wx');
    const seen: Buffer[] = [];
    let early = 0;
    let ends = 0;
    const sink = new FileSink(handle, {
      highWaterMark: 64 * 1024, // several chunks queue up behind a write: they go out in one writev
      written: (c) => {
        ends += c.length;
        if (fs.statSync(file).size < ends) early++;
        seen.push(c);
      },
    });
    await pipeline(Readable.from(chunks), sink);
    await handle.close();
    expect(fs.readFileSync(file).equals(Buffer.concat(chunks))).toBe(true);
    expect(seen).toHaveLength(chunks.length);
    seen.forEach((c, i) => expect(c).toBe(chunks[i]));
    expect(early).toBe(0);
    expect(sink.bytesWritten).toBe(ends);
  });

  it('goes on after short writes until every byte is written', async () => {
    const mem = memoryFile(777);
    const chunks = Array.from({ length: 12 }, () => randomBytes(5000));
    await pipeline(Readable.from(chunks), new FileSink(mem.handle, { highWaterMark: 20_000 }));
    expect(mem.data().equals(Buffer.concat(chunks))).toBe(true);
  });

  it('fails with the file system’s error and still hands every chunk back', async () => {
    const mem = memoryFile(1 << 20, 30_000);
    const chunks = Array.from({ length: 10 }, () => randomBytes(10_000));
    const back: Buffer[] = [];
    const sink = new FileSink(mem.handle, { written: (c) => back.push(c) });
    await expect(pipeline(Readable.from(chunks), sink)).rejects.toThrow('ENOSPC');
    // What was given to a write comes back, failed or not (nothing more was written after the failure).
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((c) => chunks.some((sent) => sent === c))).toBe(true);
  });

  it('gathers chunks into writes of at least batchBytes, the rest at the end', async () => {
    const chunks = Array.from({ length: 40 }, () => randomBytes(10_000)); // 400,000 bytes
    const mem = memoryFile(1 << 20);
    await pipeline(Readable.from(chunks), new FileSink(mem.handle, { batchBytes: 64 * 1024 }));
    expect(mem.data().equals(Buffer.concat(chunks))).toBe(true);
    const sizes = mem.writes();
    expect(sizes.slice(0, -1).every((n) => n >= 64 * 1024)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(400_000);
    // Without batches the first chunk goes out alone, as soon as it comes.
    const each = memoryFile(1 << 20);
    await pipeline(Readable.from(chunks), new FileSink(each.handle, { batchBytes: 0 }));
    expect(each.writes()[0]).toBe(10_000);
    expect(each.data().equals(Buffer.concat(chunks))).toBe(true);
  });

  it('hands gathered chunks back when destroyed before they were written', async () => {
    const mem = memoryFile(1 << 20);
    const back: Buffer[] = [];
    const sink = new FileSink(mem.handle, { written: (c) => back.push(c) });
    const failed = new Promise((resolve) => sink.once('error', resolve));
    const chunks = [randomBytes(1000), randomBytes(2000)];
    for (const c of chunks) sink.write(c);
    sink.destroy(new Error('cancelled'));
    expect(((await failed) as Error).message).toBe('cancelled');
    expect(back).toEqual(chunks);
    expect(mem.writes()).toEqual([]); // nothing half-written behind the caller's back
  });
});
