/** A minimal ISO9660 image for tests: the system area, then a primary volume descriptor (ECMA-119). */
import fs from 'node:fs';

export interface FakeIsoIds {
  volumeId?: string;
  systemId?: string;
  publisherId?: string;
  applicationId?: string;
}

/**
 * The first 34816 bytes of an image whose identity strings are `ids`, padded with `pad` where ISO9660
 * puts them; `magic` and `type` can be spoilt to build images that are not ISO9660 primary descriptors.
 */
export function fakeIso(ids: FakeIsoIds, { pad = ' ', magic = 'CD001', type = 1 } = {}): Buffer {
  const buf = Buffer.alloc(32768 + 2048);
  const pvd = buf.subarray(32768);
  pvd[0] = type;
  pvd.write(magic, 1, 'latin1');
  pvd[6] = 1; // descriptor version
  const put = (start: number, end: number, s = '') => pvd.write(s.padEnd(end - start, pad), start, 'latin1');
  put(8, 40, ids.systemId);
  put(40, 72, ids.volumeId);
  put(190, 318, 'VOLUME SET');
  put(318, 446, ids.publisherId);
  put(446, 574, 'PREPARER');
  put(574, 702, ids.applicationId);
  return buf;
}

/** Writes `fakeIso(ids)` to `path`, readable by the daemon user. */
export function writeFakeIso(path: string, ids: FakeIsoIds): void {
  fs.writeFileSync(path, fakeIso(ids));
  fs.chmodSync(path, 0o644);
}
