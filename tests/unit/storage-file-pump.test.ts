import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pumpFile } from '../../electron/storage/file-pump.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const fileWith = (data: Buffer): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-pump-'));
  dirs.push(d);
  const f = path.join(d, 'src');
  fs.writeFileSync(f, data);
  return f;
};
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A slow sink that checks each chunk is left alone until its write callback (the buffers are reused). */
function slowSink(): { sink: Writable; got: Buffer[]; reused: number[] } {
  const got: Buffer[] = [];
  const reused: number[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const before = sha(chunk);
      got.push(Buffer.from(chunk));
      setTimeout(() => {
        if (sha(chunk) !== before) reused.push(got.length - 1);
        cb();
      }, 2);
    },
  });
  return { sink, got, reused };
}

describe('pumpFile', () => {
  it('sends the file byte for byte, never reusing a buffer whose write is pending', async () => {
    const data = randomBytes(1024 * 1024 + 12345);
    const handle = await open(fileWith(data));
    const { sink, got, reused } = slowSink();
    const seen: Buffer[] = [];
    await pumpFile(handle, sink, {
      size: data.length,
      observe: (c) => seen.push(Buffer.from(c)),
      signal: new AbortController().signal,
      chunkBytes: 64 * 1024,
    });
    await handle.close();
    expect(sha(Buffer.concat(got))).toBe(sha(data));
    expect(sha(Buffer.concat(seen))).toBe(sha(data));
    expect(got.length).toBe(Math.ceil(data.length / (64 * 1024)));
    expect(reused).toEqual([]);
    expect(sink.writableFinished).toBe(true);
  });

  it('shows a byte past the size to observe (the file grew) without sending it', async () => {
    const data = randomBytes(5000);
    const handle = await open(fileWith(data));
    const { sink, got } = slowSink();
    let observed = 0;
    await pumpFile(handle, sink, {
      size: 4000,
      observe: (c) => (observed += c.length),
      signal: new AbortController().signal,
      chunkBytes: 1024,
    });
    await handle.close();
    expect(Buffer.concat(got).equals(data.subarray(0, 4000))).toBe(true);
    expect(observed).toBe(4001);
  });

  it('on abort rejects with the reason and destroys the sink, even while a write hangs', async () => {
    const handle = await open(fileWith(randomBytes(256 * 1024)));
    let writes = 0;
    const sink = new Writable({
      write(_chunk, _enc, _cb) {
        writes++; // never calls back: a stalled connection
      },
    });
    const ctl = new AbortController();
    const pumping = pumpFile(handle, sink, {
      size: 256 * 1024,
      observe: () => undefined,
      signal: ctl.signal,
      chunkBytes: 16 * 1024,
    });
    await new Promise((r) => setTimeout(r, 50));
    ctl.abort(new Error('cancelled'));
    await expect(pumping).rejects.toThrow('cancelled');
    await handle.close();
    expect(writes).toBe(1);
    expect(sink.destroyed).toBe(true);
  });

  it('rejects when the sink fails', async () => {
    const handle = await open(fileWith(randomBytes(64 * 1024)));
    const sink = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('daemon said no'));
      },
    });
    sink.on('error', () => undefined);
    await expect(
      pumpFile(handle, sink, {
        size: 64 * 1024,
        observe: () => undefined,
        signal: new AbortController().signal,
        chunkBytes: 16 * 1024,
      }),
    ).rejects.toThrow('daemon said no');
    await handle.close();
  });
});
