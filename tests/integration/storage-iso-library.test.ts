/**
 * The ISO library against the private session daemon: ISO9660 images in a dir pool recognised by their
 * content read through the connection (2 KiB at the primary volume descriptor), whatever their names;
 * the OS found from the volume label by osinfo-db's media rules, else from the file name; a qcow2
 * volume and a ".iso" file that is no ISO9660 image left out; the per-connection cache refreshed by a
 * change made through VirtDesk and by a pool event from another client; and, on a read-only connection
 * (which may not download), the fallback to the name, said so.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { readVolumePvd } from '../../electron/storage/iso-library.js';
import type { IsoImage } from '../../shared/contract/storage.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { writeFakeIso } from '../support/iso.js';
import { until } from '../support/poll.js';

const TAG = randomBytes(3).toString('hex');
const POOL = `vdt-isolib-${TAG}`;

let fx: CoreFixture;
let second: LibvirtClient;
let poolDir = '';

const isos = async (): Promise<IsoImage[]> =>
  (await fx.call<{ isos: IsoImage[] }>('storage.isos', { connectionId: fx.connectionId })).isos.filter(
    (i) => i.pool === POOL,
  );

beforeAll(async () => {
  const env = testEnv();
  fx = await startCore(env.qemuUri);
  second = await openConnection(env.qemuUri);
  poolDir = path.join(env.scratchDir, POOL);
  await fx.call('storage.createPool', {
    connectionId: fx.connectionId,
    name: POOL,
    type: 'dir',
    targetPath: poolDir,
  });
  // A Debian installer named like nothing in particular: only its content says it is an ISO.
  writeFakeIso(path.join(poolDir, 'installer.img'), { volumeId: 'Debian 11.6.0 amd64 n' });
  // A label osinfo-db does not know, but a telling file name.
  writeFakeIso(path.join(poolDir, 'ubuntu-22.04.3-live-server-amd64.iso'), { volumeId: 'HOMEMADE' });
  // Named .iso, but no ISO9660 image inside (zeros where the descriptor would be).
  fs.writeFileSync(path.join(poolDir, 'broken.iso'), Buffer.alloc(64 * 1024));
  fs.chmodSync(path.join(poolDir, 'broken.iso'), 0o644);
  await fx.call('storage.createVolume', {
    connectionId: fx.connectionId,
    pool: POOL,
    name: 'disk.qcow2',
    capacity: 64 * 1024 * 1024,
  });
  await fx.call('storage.poolAction', { connectionId: fx.connectionId, pool: POOL, action: 'refresh' });
}, 60_000);

afterAll(async () => {
  const p = await second?.storagePoolLookupByName(POOL).catch(() => null);
  if (p) {
    for (const v of await second.storagePoolListAllVolumes(p, 0).catch(() => []))
      await second.storageVolDelete(v, 0).catch(() => undefined);
    await second.storagePoolDestroy(p).catch(() => undefined);
    await second.storagePoolUndefine(p).catch(() => undefined);
  }
  await second?.close().catch(() => undefined);
  await fx?.stop();
  if (poolDir) fs.rmSync(poolDir, { recursive: true, force: true });
});

describe('ISO library (session daemon, dir pool)', () => {
  it('lists ISO images by content, with the OS from the label or else the name', async () => {
    const found = await isos();
    expect(found.map((i) => i.volume)).toEqual(['installer.img', 'ubuntu-22.04.3-live-server-amd64.iso']);
    const [debian, ubuntu] = found as [IsoImage, IsoImage];
    expect(debian).toMatchObject({
      pool: POOL,
      path: path.join(poolDir, 'installer.img'),
      detectedBy: 'content',
      volumeId: 'Debian 11.6.0 amd64 n',
      osFrom: 'label',
    });
    expect(debian.os?.shortId).toBe('debian11');
    expect(debian.capacity).toBe(34816);
    expect(ubuntu).toMatchObject({ detectedBy: 'content', volumeId: 'HOMEMADE', osFrom: 'name' });
    expect(ubuntu.os?.shortId).toBe('ubuntu22.04');
  });

  it('is cached, and a change through VirtDesk refreshes it', async () => {
    writeFakeIso(path.join(poolDir, 'late.iso'), { volumeId: 'Debian 11.6.0 amd64 n' });
    // Nothing told the library yet (dir pools have no volume events): the cached list stands.
    expect((await isos()).map((i) => i.volume)).not.toContain('late.iso');
    await fx.call('storage.poolAction', { connectionId: fx.connectionId, pool: POOL, action: 'refresh' });
    expect((await isos()).map((i) => i.volume)).toContain('late.iso');
  });

  it("another client's pool refresh (a pool event) refreshes it too", async () => {
    writeFakeIso(path.join(poolDir, 'later.iso'), { volumeId: 'Debian 11.6.0 amd64 n' });
    const p = await second.storagePoolLookupByName(POOL);
    await second.storagePoolRefresh(p, 0);
    await until('the refresh event to reach the library', 10_000, async () =>
      (await isos()).some((i) => i.volume === 'later.iso'),
    );
  });

  it('a volume deleted through VirtDesk leaves the library', async () => {
    await fx.call('storage.deleteVolume', { connectionId: fx.connectionId, pool: POOL, volume: 'late.iso' });
    expect((await isos()).map((i) => i.volume)).not.toContain('late.iso');
  });

  it('reads the descriptor through the connection; a read-only connection cannot, and says so', async () => {
    const env = testEnv();
    const ro = await openConnection(env.qemuUri, { readOnly: true });
    try {
      const pool = await ro.storagePoolLookupByName(POOL);
      const vol = await ro.storageVolLookupByName(pool, 'installer.img');
      // libvirt refuses downloads on read-only connections: the library falls back to format/name.
      expect((await readVolumePvd(ro, vol)).kind).toBe('unreadable');
      const rw = await second.storageVolLookupByName(
        await second.storagePoolLookupByName(POOL),
        'installer.img',
      );
      const probe = await readVolumePvd(second, rw);
      expect(probe).toMatchObject({ kind: 'iso', identity: { volumeId: 'Debian 11.6.0 amd64 n' } });
      const broken = await second.storageVolLookupByName(
        await second.storagePoolLookupByName(POOL),
        'broken.iso',
      );
      expect((await readVolumePvd(second, broken)).kind).toBe('not-iso');
    } finally {
      await ro.close();
    }
  });
});
