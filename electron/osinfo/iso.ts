/**
 * The identity strings of an ISO9660 image, from its primary volume descriptor only (what libosinfo
 * matches osinfo-db media against). Reads 2 KiB whatever the image size.
 */
import { promises as fsp } from 'node:fs';

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

/**
 * The identity of the ISO9660 image at path; null when it is not one (too short, no PVD magic).
 * I/O errors (missing file, permissions, a directory) reject.
 */
export const readIsoIdentity = async (path: string): Promise<IsoIdentity | null> => {
  const fh = await fsp.open(path, 'r');
  try {
    const sector = Buffer.alloc(PVD_SIZE);
    const n = await readFully(fh, sector, PVD_OFFSET);
    return n === PVD_SIZE ? parseIsoPvd(sector, 0) : null;
  } finally {
    await fh.close();
  }
};
