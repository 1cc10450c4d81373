/**
 * An fs pool (ext4 on a loop device) on the private system daemon, through the contract: created and
 * mounted (in the daemon's own mount namespace), a volume created and a file uploaded into it with the
 * checksum check, a volume larger than the pool refused with nothing created, the pool deleted with its
 * data. Needs root (loop devices, the system daemon); skipped with the reason otherwise.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoragePool, StorageVolume, TransferResult } from '../../shared/contract/storage.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv } from '../support/env.js';

const sys = systemTestEnv();
const MiB = 1024 * 1024;

/** Why this cannot run here, or null. */
function unavailable(): string | null {
  if (!sys.available) return sys.skip;
  if (process.getuid?.() !== 0) return 'loop devices need root';
  for (const tool of ['losetup', 'mkfs.ext4'])
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  return null;
}
const skip = unavailable();

describe.skipIf(skip !== null)(
  `fs pool on a loop device (system daemon)${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const tag = randomBytes(3).toString('hex');
    const pool = `vdt-fs-${tag}`;
    let fx: CoreFixture;
    let dir = '';
    let loop = '';

    beforeAll(async () => {
      if (!sys.available) return;
      dir = path.join(sys.scratchDir, `vdt-fs-${tag}`);
      fs.mkdirSync(path.join(dir, 'mnt'), { recursive: true });
      const image = path.join(dir, 'disk.img');
      fs.writeFileSync(image, '');
      fs.truncateSync(image, 128 * MiB);
      loop = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
      execFileSync('mkfs.ext4', ['-q', '-F', loop]);
      fx = await startCore(sys.uri);
    }, 60_000);

    afterAll(async () => {
      const c = fx?.client;
      const p = await c?.storagePoolLookupByName(pool).catch(() => null);
      if (c && p) {
        for (const v of await c.storagePoolListAllVolumes(p, 0).catch(() => []))
          await c.storageVolDelete(v, 0).catch(() => undefined);
        await c.storagePoolDestroy(p).catch(() => undefined);
        await c.storagePoolUndefine(p).catch(() => undefined);
      }
      await fx?.stop();
      if (loop) execFileSync('losetup', ['-d', loop]);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const call = <T>(name: string, input: Record<string, unknown>): Promise<T> =>
      fx.call<T>(name, { connectionId: fx.connectionId, ...input });

    it('creates, uses and deletes an fs pool on an ext4 loop device', async () => {
      const { types } = await call<{ types: { type: string; supported: boolean }[] }>(
        'storage.poolTypes',
        {},
      );
      expect(types.find((t) => t.type === 'fs')?.supported).toBe(true);
      const created = await call<StoragePool>('storage.createPool', {
        name: pool,
        type: 'fs',
        sourceDevice: loop,
        sourceFormat: 'ext4',
        targetPath: path.join(dir, 'mnt'),
        build: false, // made by mkfs above: never formatted again
        autostart: false,
      });
      expect(created).toMatchObject({
        type: 'fs',
        state: 'running',
        source: { devices: [loop], format: 'ext4' },
      });
      expect(created.capacity).toBeGreaterThan(100 * MiB);
      expect(created.capacity).toBeLessThan(128 * MiB);

      const tooBig = await call('storage.createVolume', {
        pool,
        name: 'big.img',
        capacity: 512 * MiB,
        format: 'raw',
      }).catch((e: Error) => e);
      expect((tooBig as Error).message).toMatch(/does not fit in pool/);

      const vol = await call<StorageVolume>('storage.createVolume', {
        pool,
        name: 'data.qcow2',
        capacity: 64 * MiB,
        format: 'qcow2',
      });
      expect(vol.path).toBe(path.join(dir, 'mnt', 'data.qcow2'));
      const src = path.join(dir, 'payload.bin');
      fs.writeFileSync(src, randomBytes(8 * MiB));
      const up = await call<TransferResult>('storage.upload', {
        pool,
        volume: 'payload.bin',
        localPath: src,
        transferId: randomUUID(),
      });
      expect(up).toMatchObject({ bytes: 8 * MiB, verified: 'sha256' });
      const { volumes } = await call<{ volumes: StorageVolume[] }>('storage.volumes', { pool });
      expect(volumes.map((v) => v.name)).toEqual(expect.arrayContaining(['data.qcow2', 'payload.bin']));

      await call('storage.deletePool', { pool });
      expect((await fx.client.connectListAllStoragePools(0)).map((p) => p.name)).not.toContain(pool);
    });
  },
);
