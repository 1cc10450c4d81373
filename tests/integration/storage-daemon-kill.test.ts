/**
 * The daemon dies in the middle of a volume upload (SIGKILL of a private libvirtd of this file's own, so
 * the shared one is untouched) and comes back on the same socket path:
 *  - the pending upload fails within 1 s of the kill, with a message naming the volume and the pool;
 *  - the connection manager is connected again within 2 s of the daemon listening again;
 *  - the partial volume the upload had made is named in the error (it cannot be deleted while the daemon
 *    is gone) — and it really is there afterwards, so the report is true; then it is deleted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../electron/core/sessions.js';
import type { TransferProgress } from '../../shared/contract/storage.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { startPrivateDaemon, type PrivateDaemon } from '../support/daemon.js';
import { until } from '../support/poll.js';

const TAG = randomBytes(3).toString('hex');
const POOL = `vdt-kill-up-${TAG}`;
const MiB = 1024 * 1024;

let daemon: PrivateDaemon;
let fx: CoreFixture;
let session: Session;
let poolDir = '';
let src = '';
const progress: TransferProgress[] = [];

beforeAll(async () => {
  daemon = await startPrivateDaemon();
  fx = await startCore(daemon.qemuUri);
  session = fx.core.openSession((name, payload) => {
    if (name === 'storage.progress') progress.push(payload as TransferProgress);
  });
  poolDir = path.join(daemon.scratchDir, POOL);
  await fx.call('storage.createPool', {
    connectionId: fx.connectionId,
    name: POOL,
    type: 'dir',
    targetPath: poolDir,
    autostart: true,
  });
  // 1 GiB: the upload runs for seconds, long enough to be interrupted.
  src = path.join(daemon.scratchDir, `upload-${TAG}.img`);
  const fd = fs.openSync(src, 'w');
  const block = randomBytes(MiB);
  for (let i = 0; i < 1024; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
}, 120_000);

afterAll(async () => {
  await fx?.stop();
  await daemon?.stop();
});

const state = () => fx.core.connections.status(fx.connectionId)[0]?.state;

describe('libvirtd SIGKILLed in the middle of a volume upload, then restarted', () => {
  it('fails within 1 s naming the volume, reconnects within 2 s, the partial volume reported', async () => {
    const transferId = randomUUID();
    let failedAt = 0;
    let error: { message: string; code?: string } | null = null;
    const pending = fx.core
      .dispatch(session, 'storage.upload', {
        connectionId: fx.connectionId,
        pool: POOL,
        volume: 'half.img',
        localPath: src,
        transferId,
        verify: false,
      })
      .then((r) => {
        failedAt = performance.now();
        if (r.ok) throw new Error('the upload succeeded although the daemon was killed in its middle');
        error = r.error;
      });
    await until(
      'the upload to be under way',
      60_000,
      () => (progress.some((p) => p.transferId === transferId && p.bytes >= 64 * MiB) ? true : undefined),
      5,
    );
    const sent = progress.filter((p) => p.transferId === transferId).at(-1)!.bytes;
    const killedAt = performance.now();
    await daemon.kill();
    await pending;
    const failMs = failedAt - killedAt;
    await daemon.restart();
    const backAt = performance.now();
    await until(
      'the connection to be connected again',
      30_000,
      () => state() === 'connected' || undefined,
      20,
    );
    const reconnectMs = performance.now() - backAt;
    const err = error as unknown as { message: string; code?: string };
    console.log(
      `upload: killed after ${(sent / MiB).toFixed(0)} MiB; failed ${failMs.toFixed(0)} ms after the kill ` +
        `(${err.code}: ${err.message}); reconnected ${reconnectMs.toFixed(0)} ms after the daemon was back`,
    );
    expect(failMs).toBeLessThan(1000);
    expect(err.code).toBe('connection');
    expect(err.message).toMatch(
      new RegExp(
        `^Upload of upload-${TAG}\\.img into pool '${POOL}' as volume 'half\\.img' was interrupted: .+\\. ` +
          `The partial volume 'half\\.img' may be left in pool '${POOL}'; delete it once the connection is back\\.$`,
      ),
    );
    expect(reconnectMs).toBeLessThan(2000);

    // The report is true: the partial volume is there (the pool autostarts with the daemon); delete it.
    const c = fx.core.getClient(fx.connectionId);
    const pool = await c.storagePoolLookupByName(POOL);
    if (!(await c.storagePoolIsActive(pool))) await c.storagePoolCreate(pool, 0);
    await c.storagePoolRefresh(pool, 0);
    expect((await c.storagePoolListAllVolumes(pool, 0)).map((v) => v.name)).toEqual(['half.img']);
    await fx.call('storage.deleteVolume', { connectionId: fx.connectionId, pool: POOL, volume: 'half.img' });
    expect(await c.storagePoolListAllVolumes(pool, 0)).toEqual([]);
    await fx.call('storage.deletePool', { connectionId: fx.connectionId, pool: POOL });
  });
});
