/**
 * Uploads (a local file into a new volume) and downloads (a volume into a new local file), streamed
 * through the libvirt connection: file → meter → libvirt stream, each stage waiting for the next, so
 * memory stays bounded whatever the size (a few MiB of buffers, never the file).
 *
 * Progress goes to the renderer that asked ('storage.progress'); cancel aborts the stream. An upload
 * that does not complete deletes its volume again — or, when the connection is gone and nothing can be
 * deleted, says which partial volume may be left. A download that does not complete removes its file.
 * At the end the upload is read back and its sha256 compared with what was sent.
 */
import { constants, createReadStream } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { TransferProgress } from '../../shared/contract/storage.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import type { ClientSession } from '../base/handlers.js';
import {
  ErrorCode,
  LibvirtConnectionError,
  libvirtCode,
  type LibvirtClient,
  type StorageVolRef,
} from '../libvirt/index.js';
import { VolumeXml, newVolumeXml } from '../libvirt-xml/index.js';
import { pumpFile } from './file-pump.js';
import { FileSink } from './file-sink.js';
import { checkDestination, openSourceFile } from './local-file.js';
import { Meter, type Progress } from './meter.js';
import type { StorageChanged, StorageService } from './service.js';

/** Read size from the local file: big enough for speed, small enough that buffers stay a few MiB. */
const CHUNK = 1024 * 1024;
/** How long a cancelled upload's volume may stay busy in libvirt before it can be deleted. */
const DELETE_RETRY_MS = 5000;

type UploadInput = CallInput<'storage.upload'> & { verify: boolean };
type DownloadInput = CallInput<'storage.download'> & { verify: boolean };

interface Running {
  session: string;
  controller: AbortController;
}

class Cancelled extends Error {
  override name = 'Cancelled';
}

/** The first bytes name the format: qcow2 images start with "QFI\xfb"; anything else is raw bytes. */
const formatOf = (head: Buffer): 'qcow2' | 'raw' =>
  head.subarray(0, 4).equals(Buffer.from([0x51, 0x46, 0x49, 0xfb])) ? 'qcow2' : 'raw';

/**
 * Where an upload's bytes come from: a file where the main process runs, or (web mode) the body of the
 * browser's HTTP request streaming a file the user picked on their own computer.
 */
export interface UploadSource {
  /** For messages and the result: the file's path, or the name the browser gave. */
  name: string;
  size: number;
  /** The first bytes (at most 4), read without losing them for stream(). */
  head(): Promise<Buffer>;
  stream(): Readable;
  /**
   * When present, sends the bytes itself (in place of piping stream() into the volume): a local file
   * goes through two reused buffers (file-pump.ts says why).
   */
  sendTo?(sink: Writable, meter: Meter, signal: AbortSignal): Promise<void>;
  /** Releases what stream() did not (called once, whatever happened). */
  close(): Promise<void>;
  /** Why fewer bytes than `size` came (a file that shrank, a browser that stopped sending). */
  shortReason: string;
}

/** A local file as an upload source. */
async function fileSource(path: string): Promise<UploadSource> {
  const { handle, size } = await openSourceFile(path);
  return {
    name: path,
    size,
    async head() {
      const head = Buffer.alloc(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      return head.subarray(0, bytesRead);
    },
    stream: () => handle.createReadStream({ start: 0, highWaterMark: CHUNK }),
    async sendTo(sink, meter, signal) {
      await pumpFile(handle, sink, { size, observe: (c) => meter.observe(c), signal, chunkBytes: CHUNK });
      meter.finish();
    },
    // A read stream closes the file when it ends or is destroyed; otherwise (or before it existed), we do.
    close: async () => {
      if (handle.fd !== -1) await handle.close().catch(() => undefined);
    },
    shortReason: 'the file changed while uploading',
  };
}

/**
 * A readable of known size (an HTTP request body) as an upload source: its first bytes are read ahead
 * for the format and put back (unshift) before it is piped.
 */
export function streamSource(name: string, size: number, body: Readable): UploadSource {
  return {
    name,
    size,
    head: () =>
      new Promise<Buffer>((resolve, reject) => {
        const done = (head: Buffer): void => {
          body.off('readable', onReadable);
          body.off('end', onEnd);
          body.off('error', reject);
          if (head.length > 0) body.unshift(head);
          resolve(head);
        };
        const onReadable = (): void => {
          const chunk = body.read(Math.min(4, size)) as Buffer | null;
          if (chunk) done(chunk);
        };
        const onEnd = (): void => done(Buffer.alloc(0));
        body.on('readable', onReadable);
        body.once('end', onEnd);
        body.once('error', reject);
      }),
    stream: () => body,
    close: async () => {
      if (!body.readableEnded) body.destroy();
    },
    shortReason: 'the browser stopped sending the file',
  };
}

export class TransferService {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly connections: ClientSource,
    private readonly storage: StorageService,
    private readonly changed: StorageChanged,
  ) {}

  /** Cancels a transfer the same renderer started; false when there is none (finished already). */
  cancel(session: ClientSession, transferId: string): { cancelled: boolean } {
    const t = this.running.get(transferId);
    if (!t || t.session !== session.id) return { cancelled: false };
    t.controller.abort(new Cancelled('cancelled'));
    return { cancelled: true };
  }

  /** Cancels every transfer (the app is closing). */
  stop(): void {
    for (const t of this.running.values()) t.controller.abort(new Cancelled('the app is closing'));
  }

  async upload(session: ClientSession, input: UploadInput): Promise<CallOutput<'storage.upload'>> {
    const c = this.connections.getClient(input.connectionId);
    await this.storage.lookupPool(c, input.pool);
    return this.uploadFrom(session, input, await fileSource(input.localPath));
  }

  /**
   * The upload itself, from any source (a local file, a browser's request body): the volume is made,
   * the bytes streamed in, read back and compared; on any failure or cancel the volume goes again.
   */
  async uploadFrom(
    session: ClientSession,
    input: Omit<UploadInput, 'localPath'>,
    source: UploadSource,
  ): Promise<CallOutput<'storage.upload'>> {
    const size = source.size;
    let run: Running;
    let c: LibvirtClient;
    try {
      c = this.connections.getClient(input.connectionId);
      run = this.begin(session, input.transferId);
    } catch (e) {
      await source.close();
      throw e;
    }
    const what = `${basename(source.name)} into pool '${input.pool}'`;
    let vol: StorageVolRef | null = null;
    const started = performance.now();
    try {
      const pool = await this.storage.lookupPool(c, input.pool);
      await this.storage.refuseExistingVolume(c, pool, input.volume, 'volume');
      // Every byte will be written: it must fit in the free space, not just in the pool's size.
      await this.storage.checkFits(c, pool, size, true);
      const format = formatOf(await source.head());
      vol = await c
        .storageVolCreateXML(
          pool,
          newVolumeXml({ name: input.volume, capacityBytes: size, format, allocationBytes: 0 }),
          0,
        )
        .catch((e: unknown) => {
          throw this.storage.failure(`Could not create volume '${input.volume}' in pool '${input.pool}'`, e);
        });
      this.changed(input.connectionId, input.pool);
      run.controller.signal.throwIfAborted();
      const stream = await c.storageVolUpload(vol, 0, size, 0);
      const meter = this.meter(session, input.transferId, 'upload', 'transfer', size, input.verify);
      if (source.sendTo) await source.sendTo(stream, meter, run.controller.signal);
      else await pipeline(meter.tap(source.stream()), stream, { signal: run.controller.signal });
      const sha256 = meter.digest();
      if (meter.bytes !== size)
        throw new CoreError('internal', `Sent ${meter.bytes} bytes of ${size}: ${source.shortReason}.`);
      if (input.verify) {
        const back = await this.readBack(c, session, input.transferId, vol, size, run.controller.signal);
        if (back !== sha256)
          throw new CoreError(
            'libvirt',
            `The volume's checksum does not match the file's (sha256 ${back} ≠ ${sha256}): the upload is not kept.`,
          );
      }
      this.changed(input.connectionId, input.pool);
      return {
        pool: input.pool,
        volume: input.volume,
        localPath: source.name,
        volumePath: await c.storageVolGetPath(vol),
        bytes: size,
        seconds: (performance.now() - started) / 1000,
        sha256,
        verified: input.verify ? 'sha256' : 'none',
      };
    } catch (e) {
      const reason = run.controller.signal.aborted ? run.controller.signal.reason : e;
      throw await this.failedUpload(c, input, vol, what, reason);
    } finally {
      this.end(input.transferId);
      await source.close();
    }
  }

  async download(session: ClientSession, input: DownloadInput): Promise<CallOutput<'storage.download'>> {
    const c = this.connections.getClient(input.connectionId);
    const vol = await this.storage.lookupVolume(c, input.pool, input.volume);
    await checkDestination(input.localPath);
    const xml = VolumeXml.parse(await c.storageVolGetXMLDesc(vol, 0));
    const total = xml.physicalBytes ?? xml.capacityBytes ?? 0;
    const run = this.begin(session, input.transferId);
    const started = performance.now();
    let out: FileHandle | null = null;
    try {
      // 'wx': a new file only, never someone's existing one; private until the user moves it.
      out = await open(input.localPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      const stream = await c.storageVolDownload(vol, 0, 0, 0);
      const meter = this.meter(session, input.transferId, 'download', 'transfer', total, input.verify);
      // Each chunk, once in the file, goes back to the stream for a later packet (file-sink.ts).
      const sink = new FileSink(out, { written: (chunk) => stream.recycle(chunk), highWaterMark: 4 * CHUNK });
      await pipeline(meter.tap(stream), sink, { signal: run.controller.signal });
      const sha256 = meter.digest();
      if (input.verify) {
        const back = await this.hashFile(
          input.localPath,
          meter.bytes,
          session,
          input.transferId,
          run.controller.signal,
        );
        if (back !== sha256)
          throw new CoreError(
            'internal',
            `The file written does not match what was received (sha256 ${back} ≠ ${sha256}).`,
          );
      }
      return {
        pool: input.pool,
        volume: input.volume,
        localPath: input.localPath,
        volumePath: xml.targetPath ?? (await c.storageVolGetPath(vol)),
        bytes: meter.bytes,
        seconds: (performance.now() - started) / 1000,
        sha256,
        verified: input.verify ? 'sha256' : 'none',
      };
    } catch (e) {
      if (out) await unlink(input.localPath).catch(() => undefined);
      const reason = run.controller.signal.aborted ? run.controller.signal.reason : e;
      if (reason instanceof Cancelled)
        throw new CoreError('cancelled', `Download of volume '${input.volume}' cancelled; nothing was kept.`);
      if (reason instanceof LibvirtConnectionError)
        throw new CoreError(
          'connection',
          `Download of volume '${input.volume}' from pool '${input.pool}' was interrupted: ${reason.message}. ` +
            `The partial file ${input.localPath} was removed.`,
        );
      throw this.storage.failure(`Could not download volume '${input.volume}'`, reason);
    } finally {
      this.end(input.transferId);
      // The file sink leaves the file open: closed here, whatever happened.
      if (out && out.fd !== -1) await out.close().catch(() => undefined);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private begin(session: ClientSession, transferId: string): Running {
    if (this.running.has(transferId))
      throw new CoreError('duplicate', 'A transfer with this id is running already.');
    const run = { session: session.id, controller: new AbortController() };
    this.running.set(transferId, run);
    // A renderer that goes away takes its transfers with it.
    session.onClose(() => run.controller.abort(new Cancelled('the window was closed')));
    return run;
  }

  private end(transferId: string): void {
    this.running.delete(transferId);
  }

  private meter(
    session: ClientSession,
    transferId: string,
    direction: TransferProgress['direction'],
    phase: TransferProgress['phase'],
    total: number,
    hashed = true,
  ): Meter {
    return new Meter(
      total,
      (p: Progress) => session.send('storage.progress', { transferId, direction, phase, ...p }),
      250,
      () => performance.now(),
      hashed,
    );
  }

  /** sha256 of the first `size` bytes of the volume, downloaded (phase 'verify'). */
  private async readBack(
    c: LibvirtClient,
    session: ClientSession,
    transferId: string,
    vol: StorageVolRef,
    size: number,
    signal: AbortSignal,
  ): Promise<string | null> {
    const stream = await c.storageVolDownload(vol, 0, size, 0);
    const meter = this.meter(session, transferId, 'upload', 'verify', size);
    // tap() listens before the pipeline does: each chunk is hashed before discard gives it back.
    await pipeline(
      meter.tap(stream),
      discard((chunk) => stream.recycle(chunk)),
      { signal },
    );
    return meter.digest();
  }

  private async hashFile(
    file: string,
    size: number,
    session: ClientSession,
    transferId: string,
    signal: AbortSignal,
  ): Promise<string | null> {
    const meter = this.meter(session, transferId, 'download', 'verify', size);
    await pipeline(meter.tap(createReadStream(file, { highWaterMark: CHUNK })), discard(), { signal });
    return meter.digest();
  }

  /**
   * Deletes the volume an upload made (retrying while libvirt still finishes the aborted stream) and
   * says what happened in one sentence; when it cannot be deleted, the error names it.
   */
  private async failedUpload(
    c: LibvirtClient,
    input: Omit<UploadInput, 'localPath'>,
    vol: StorageVolRef | null,
    what: string,
    reason: unknown,
  ): Promise<unknown> {
    let left = false;
    if (vol) {
      left = !(await this.deleteVolume(c, vol));
      this.changed(input.connectionId, input.pool);
    }
    const partial = `the partial volume '${input.volume}' may be left in pool '${input.pool}'; delete it once the connection is back`;
    if (reason instanceof Cancelled)
      return new CoreError(
        'cancelled',
        left
          ? `Upload of ${what} cancelled, but ${partial}.`
          : `Upload of ${what} cancelled; the partial volume '${input.volume}' was deleted.`,
      );
    if (reason instanceof LibvirtConnectionError)
      return new CoreError(
        'connection',
        `Upload of ${what} as volume '${input.volume}' was interrupted: ${reason.message}. ` +
          (left ? `${partial[0]!.toUpperCase()}${partial.slice(1)}.` : `The partial volume was deleted.`),
      );
    const wrapped = this.storage.failure(`Could not upload ${what}`, reason);
    if (!left || !(wrapped instanceof Error)) return wrapped;
    return new CoreError('libvirt', `${wrapped.message} Also, ${partial}.`);
  }

  /** True when the volume is gone. libvirt refuses while the aborted stream still holds it: retry. */
  private async deleteVolume(c: LibvirtClient, vol: StorageVolRef): Promise<boolean> {
    const deadline = performance.now() + DELETE_RETRY_MS;
    for (;;) {
      if (!c.isOpen) return false;
      try {
        await c.storageVolDelete(vol, 0);
        return true;
      } catch (e) {
        if (libvirtCode(e) === ErrorCode.NO_STORAGE_VOL) return true;
        if (e instanceof LibvirtConnectionError || performance.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/** A sink that drops what it is given (hashing happened upstream), showing each chunk to `dropped`. */
const discard = (dropped: (chunk: Buffer) => void = () => undefined): Writable =>
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      dropped(chunk);
      cb();
    },
  });
