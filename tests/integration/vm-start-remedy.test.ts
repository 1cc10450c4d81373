/**
 * A VM whose disk is a volume of a stopped storage pool (on the private session daemon): its start fails
 * with a plain error carrying the remedy "start pool 'X' and retry" — recognised by libvirt's error code
 * and the pool's state — and after `pools.start` (with autostart) the same start runs the VM.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput, RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { tinyGuestXml } from '../support/guest.js';
import { removeGuest } from '../support/guest-life.js';
import { until } from '../support/poll.js';
import { createTestPool, type TestPool } from '../support/pool.js';

const TAG = randomBytes(3).toString('hex');

describe('starting a VM whose storage pool is stopped', () => {
  const env = testEnv();
  const name = `vdpool-${TAG}`;
  let fx: CoreFixture;
  let pool: TestPool;

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    pool = await createTestPool(fx.client, `vd-remedy-pool-${TAG}`);
  });
  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], name);
      await pool?.remove();
      await fx.stop();
    }
  });

  it('says its pool is not running, offers to start it, and the retry runs the VM', async () => {
    const disk = await pool.volume('disk.qcow2', 16);
    const xml = tinyGuestXml({
      name,
      virtType: env.virtType,
      kernel: env.guestKernel,
      initrd: env.guestInitrd,
      disk,
    })
      .replace("<disk type='file' device='disk'>", "<disk type='volume' device='disk'>")
      .replace(`<source file='${disk}'/>`, `<source pool='${pool.name}' volume='disk.qcow2'/>`);
    expect(xml).toContain(`<source pool='${pool.name}'`);
    const dom = await fx.client.domainDefineXML(xml);
    await until('the VM in the cache', 10_000, async () =>
      (await fx.core.vms.list(fx.connectionId)).some((v) => v.uuid === dom.uuid),
    );
    await fx.client.storagePoolDestroy(pool.pool);
    const start = () =>
      fx.call('vms.action', { connectionId: fx.connectionId, uuid: dom.uuid, action: 'start' });
    const r = (await start().then(
      () => null,
      (e: { remote: RemoteError }) => e.remote,
    )) as RemoteError;
    expect(r).not.toBeNull();
    expect(r.code).toBe('libvirt');
    expect(r.message).toMatch(new RegExp(`storage pool '${pool.name}' is not running`));
    expect(r.remedy).toEqual({ kind: 'start-pool', connectionId: fx.connectionId, pool: pool.name });
    const s = await fx.call<CallOutput<'pools.start'>>('pools.start', {
      connectionId: fx.connectionId,
      name: pool.name,
    });
    expect(s).toEqual({ name: pool.name, active: true, autostart: true });
    await start();
    expect((await fx.client.domainGetState(dom)).state).toBe(1);
  });
});
