/**
 * Stream-carrying calls: console, screenshot, volume upload and download.
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import { toWireDomain } from '../convert.js';
import { RpcCore } from '../rpc-core.js';
import type { DomainRef, StorageVolRef } from '../types.js';

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

  /** Takes a screenshot of `screen`; the daemon picks the format (usually image/png or PPM). */
  async domainScreenshot(dom: DomainRef, screen = 0, flags = 0): Promise<{ mime: string; data: Buffer }> {
    const { ret, stream } = await this.callWithStream('domainScreenshot', {
      dom: toWireDomain(dom),
      screen,
      flags,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { mime: ret.mime ?? 'application/octet-stream', data: Buffer.concat(chunks) };
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
  async storageVolDownload(vol: StorageVolRef, offset = 0, length = 0, flags = 0): Promise<Readable> {
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
