/**
 * Stream-carrying calls: console, screenshot, volume upload and download.
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import { toWireDomain } from '../convert.js';
import { libvirtCode, ProtocolError } from '../errors.js';
import { DomainConsoleFlags, VIR_ERR_OPERATION_FAILED } from '../protocol/constants.js';
import { RpcCore } from '../rpc-core.js';
import type { DomainRef, StorageVolRef } from '../types.js';

/**
 * Largest screenshot we accept (64 MiB). A real one is far smaller: an uncompressed PPM of an 8K
 * (7680×4320) screen is ~95 MiB, but QEMU sends PNG or a PPM of the guest's actual mode, and a
 * 4K PPM is ~24 MiB. Without a bound a hostile or broken daemon could stream for ever into memory.
 */
export const MAX_SCREENSHOT_BYTES = 64 * 1024 * 1024;

/** Between plain console opens while the console is busy (see domainTakeConsole). */
const CONSOLE_RETRY_MS = 50;

/**
 * A volume's bytes: a Readable whose chunks the consumer may give back once done with them
 * (recycle, see stream.ts), so the memory is reused for later packets.
 */
export type DownloadStream = Readable & { recycle(chunk: Uint8Array): void };

export class StreamApi extends RpcCore {
  /**
   * Opens a domain console (serial by default, or the device alias `devName`) as a Duplex: write
   * keystrokes, read output. Flags: VIR_DOMAIN_CONSOLE_FORCE / SAFE.
   */
  async domainOpenConsole(dom: DomainRef, devName: string | null = null, flags = 0): Promise<Duplex> {
    const { stream } = await this.callWithStream('domainOpenConsole', {
      dom: toWireDomain(dom),
      dev_name: devName,
      flags,
    });
    return stream;
  }

  /**
   * Opens a domain console, taking it over from another reader only when it stays busy. libvirt 9.0's
   * daemon deadlocks for good when a FORCE open meets the abort of the console's previous stream (its
   * device table lock is held while the old stream's lock is taken, and the event loop aborting that
   * stream holds the stream's lock and waits for the table): a reader that closes the console and opens
   * it again at once, as a reconnect does, sets that up. So a plain open comes first, retried while the
   * daemon says the console is in use (an abort still under way clears in milliseconds), and FORCE only
   * after `politeMs`: then the other reader is a live one, such as `virsh console`.
   */
  async domainTakeConsole(dom: DomainRef, devName: string | null = null, politeMs = 1000): Promise<Duplex> {
    const deadline = Date.now() + politeMs;
    for (;;) {
      try {
        return await this.domainOpenConsole(dom, devName, 0);
      } catch (e) {
        // "Active console session exists for this domain" (also a PTY not assigned yet: worth a retry).
        if (libvirtCode(e) !== VIR_ERR_OPERATION_FAILED) throw e;
        if (Date.now() >= deadline) break;
      }
      await new Promise((resolve) => setTimeout(resolve, CONSOLE_RETRY_MS));
    }
    return this.domainOpenConsole(dom, devName, DomainConsoleFlags.FORCE);
  }

  /**
   * Takes a screenshot of `screen`; the daemon picks the format (usually image/png or PPM). More than
   * `maxBytes` (default MAX_SCREENSHOT_BYTES) aborts the stream and rejects with a ProtocolError.
   */
  async domainScreenshot(
    dom: DomainRef,
    screen = 0,
    flags = 0,
    maxBytes = MAX_SCREENSHOT_BYTES,
  ): Promise<{ mime: string; data: Buffer }> {
    const { ret, stream } = await this.callWithStream('domainScreenshot', {
      dom: toWireDomain(dom),
      screen,
      flags,
    });
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        const limit = maxBytes % 1048576 === 0 ? `${maxBytes / 1048576} MiB` : `${maxBytes} bytes`;
        const err = new ProtocolError(`screenshot larger than the ${limit} limit: stream aborted`);
        // Aborts towards the daemon (empty STREAM/ERROR) and ends the iteration with `err`.
        stream.destroy(err);
        throw err;
      }
      chunks.push(chunk as Buffer);
    }
    return { mime: ret.mime ?? 'application/octet-stream', data: Buffer.concat(chunks, total) };
  }

  /**
   * Uploads into a volume: write the bytes to the returned stream and `end()` it; the upload is
   * complete when the stream emits 'finish' (the daemon confirmed). `length` 0 = up to the end.
   */
  async storageVolUpload(vol: StorageVolRef, offset = 0, length = 0, flags = 0): Promise<Writable> {
    const { stream } = await this.callWithStream('storageVolUpload', {
      vol,
      offset: BigInt(offset),
      length: BigInt(length),
      flags,
    });
    // Nothing is ever read from an upload: drain the readable side so 'end' (and finished()) follow
    // the daemon's confirmation.
    stream.resume();
    return stream;
  }

  /** Downloads a volume's bytes as a Readable. `length` 0 = up to the end. */
  async storageVolDownload(vol: StorageVolRef, offset = 0, length = 0, flags = 0): Promise<DownloadStream> {
    const { stream } = await this.callWithStream('storageVolDownload', {
      vol,
      offset: BigInt(offset),
      length: BigInt(length),
      flags,
    });
    // Nothing is written to a download: once the data ended (the stream is complete), close the
    // writable side too, so finished()/pipeline() on the returned stream settle.
    stream.once('end', () => stream.end());
    return stream;
  }
}
