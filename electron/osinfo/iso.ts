/**
 * The identity strings of an ISO9660 image, from its primary volume descriptor only (what libosinfo
 * matches osinfo-db media against). Reads 2 KiB whatever the image size.
 */
import { constants as fsConstants, promises as fsp, type Stats } from 'node:fs';

/** The PVD sits in logical sector 16 (ECMA-119 §6.2: sectors 0-15 are the system area). */
export const PVD_OFFSET = 16 * 2048;
export const PVD_SIZE = 2048;

/** Fields are '' when the image leaves them blank. */
export interface IsoIdentity {
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
}

// [start, end) byte ranges inside the descriptor (ECMA-119 §8.4).
const FIELDS = {
  systemId: [8, 40],
  volumeId: [40, 72],
  publisherId: [318, 446],
  applicationId: [574, 702],
} as const satisfies Record<keyof IsoIdentity, readonly [number, number]>;

// Fields are padded with spaces; some mastering tools pad with NULs instead.
const field = (pvd: Buffer, [start, end]: readonly [number, number]): string =>
  pvd.toString('latin1', start, end).replace(/^[ \0]+|[ \0]+$/g, '');

/**
 * Parses the primary volume descriptor found at `offset` in buf (default: where it sits in an image, so
 * buf can be the image's first 34816 bytes; pass 0 for the bare 2048-byte sector). Null when buf is too
 * short or the descriptor is not a PVD (type 1, "CD001").
 */
export const parseIsoPvd = (buf: Buffer, offset: number = PVD_OFFSET): IsoIdentity | null => {
  if (buf.length < offset + PVD_SIZE) return null;
  const pvd = buf.subarray(offset, offset + PVD_SIZE);
  if (pvd[0] !== 1 || pvd.toString('latin1', 1, 6) !== 'CD001') return null;
  return {
    volumeId: field(pvd, FIELDS.volumeId),
    systemId: field(pvd, FIELDS.systemId),
    publisherId: field(pvd, FIELDS.publisherId),
    applicationId: field(pvd, FIELDS.applicationId),
  };
};

/** Fills buf from position (pread may return short counts); returns the bytes read, short only at EOF. */
const readFully = async (fh: fsp.FileHandle, buf: Buffer, position: number): Promise<number> => {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
};

/** The one message for every failure: it must not reveal whether a path exists or why it is unreadable. */
export const ISO_NOT_READABLE = 'not a readable image file';

export class IsoReadError extends Error {
  override name = 'IsoReadError';
  constructor() {
    super(ISO_NOT_READABLE);
  }
}

export interface ReadIsoOptions {
  /** Give up after this long (a slow optical drive, a hung network mount); default 10 s. */
  timeoutMs?: number;
}

// Only regular files and block devices (a CD-ROM drive) hold images. FIFOs would block a thread of
// the file-system pool forever, character devices (/dev/zero, ttys…) are not images.
const holdsImage = (st: Stats): boolean => st.isFile() || st.isBlockDevice();

// O_NONBLOCK: opening a FIFO (swapped in after the stat) cannot block; O_NOCTTY: a tty never becomes
// our controlling terminal.
const OPEN_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOCTTY;

const readIdentity = async (path: string): Promise<IsoIdentity | null> => {
  const before = await fsp.stat(path);
  if (!holdsImage(before)) throw new IsoReadError();
  const fh = await fsp.open(path, OPEN_FLAGS);
  try {
    const st = await fh.stat();
    if (!holdsImage(st) || st.dev !== before.dev || st.ino !== before.ino) throw new IsoReadError();
    const sector = Buffer.alloc(PVD_SIZE);
    const n = await readFully(fh, sector, PVD_OFFSET);
    return n === PVD_SIZE ? parseIsoPvd(sector, 0) : null;
  } finally {
    await fh.close();
  }
};

/**
 * The identity of the ISO9660 image at path; null when it is not one (too short, no PVD magic).
 * Every failure (missing, permissions, not a regular file or block device, timeout) rejects with the
 * same IsoReadError.
 */
export const readIsoIdentity = async (
  path: string,
  opts: ReadIsoOptions = {},
): Promise<IsoIdentity | null> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new IsoReadError()), opts.timeoutMs ?? 10_000);
  });
  try {
    return await Promise.race([readIdentity(path), timeout]);
  } catch {
    throw new IsoReadError();
  } finally {
    clearTimeout(timer);
  }
};
