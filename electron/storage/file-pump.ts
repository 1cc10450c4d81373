/**
 * A local file into a writable (a volume's upload stream) through two buffers reused for the whole
 * file: the next chunk is read while the previous one is written, and a buffer is read into again only
 * once its write completed (the libvirt stream's write callback waits until the socket took it).
 *
 * Why not a file read stream: it allocates a fresh buffer per chunk, 1 GiB of short-lived buffers per
 * GiB, and V8 answers that much external memory with a full garbage collection every few tens of MiB
 * (~50 per GiB measured); with a heap that was just collected (or a big one, like an app's) that cost
 * as much as the transfer itself. Here the memory is two chunks, whatever the size.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export interface PumpOptions {
  /** Bytes to send: the file's size when the upload began. */
  size: number;
  /** Sees every chunk before it is sent (progress, checksum); a chunk past `size` is seen, never sent. */
  observe: (chunk: Buffer) => void;
  signal: AbortSignal;
  chunkBytes: number;
}

/**
 * Sends the first `size` bytes of `file` to `sink` and ends it; resolves once the sink finished. On
 * abort or any failure the sink is destroyed and the promise rejects (with the signal's reason on
 * abort). A file that shrank sends fewer bytes; one that grew shows one byte more to `observe`: the
 * caller compares the count with `size`.
 */
export async function pumpFile(file: FileHandle, sink: Writable, opts: PumpOptions): Promise<void> {
  const { size, observe, signal, chunkBytes } = opts;
  const done = finished(sink, { readable: false });
  // Every wait below also ends on abort or on the sink failing (its write callback may never come then).
  let onAbort = (): void => undefined;
  const failed = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    done.catch(reject);
  });
  failed.catch(() => undefined);
  const race = <T>(p: Promise<T>): Promise<T> => Promise.race([p, failed]);
  const write = (chunk: Buffer): Promise<void> =>
    new Promise((resolve, reject) => sink.write(chunk, (err) => (err ? reject(err) : resolve())));

  const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] as const;
  let writing: Promise<void> = Promise.resolve();
  let pos = 0;
  let which = 0;
  try {
    signal.throwIfAborted();
    while (pos < size) {
      // This buffer's last write was awaited before the other buffer's began: it is free.
      const buf = buffers[which]!;
      const { bytesRead } = await race(file.read(buf, 0, Math.min(chunkBytes, size - pos), pos));
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      observe(chunk);
      await race(writing);
      writing = write(chunk);
      writing.catch(() => undefined);
      pos += bytesRead;
      which ^= 1;
    }
    await race(writing);
    if (pos === size) {
      const extra = await race(file.read(Buffer.alloc(1), 0, 1, size));
      if (extra.bytesRead > 0) observe(extra.buffer.subarray(0, 1));
    }
    sink.end();
    await race(done);
  } catch (e) {
    sink.destroy();
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
