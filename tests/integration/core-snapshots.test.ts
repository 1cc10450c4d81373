/**
 * Snapshots through the core's contract (what the Snapshots tab calls) on a running tiny guest with a
 * qcow2 disk: a snapshot with the guest's memory, a change made inside the guest afterwards, revert — the
 * change is gone and the guest runs on from the snapshot — then delete; libvirt's errors pass through.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../electron/libvirt/index.js';
import type { Snapshot } from '../../shared/contract/snapshots.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { uniqueGuestName } from '../support/guest.js';

const TAG = randomBytes(3).toString('hex');

describe('snapshots through the core', () => {
  const env = testEnv();
  const name = uniqueGuestName('snap');
  const poolName = `vd-snap-pool-${TAG}`;
  let fx: CoreFixture;
  let pool: TestPool;
  let dom: DomainRef;
  const ref = () => ({ connectionId: fx.connectionId, uuid: dom.uuid });
  /** The guest's shell says whether its marker file (in RAM: the initramfs) exists. */
  const marker = async () =>
    (
      await guestShell(
        fx.client,
        dom,
        '[ -e /vd-marker ] && echo mark-$((1+1)) || echo mark-$((2+2))',
        /mark-(2|4)/,
      )
    )[1] === '2';

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    pool = await createTestPool(fx.client, poolName);
    const volPath = await pool.volume(`${name}.qcow2`, 16);
    ({ dom } = await bootTinyGuest(fx.client, name, { disk: volPath }));
  }, 180_000);

  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], name); // with its snapshot metadata
      await pool?.remove();
      await fx.stop();
    }
  });

  it('takes a snapshot of the running guest with its memory', async () => {
    expect(await fx.call<Snapshot[]>('snapshots.list', ref())).toEqual([]);
    expect(await marker()).toBe(false);
    const s = await fx.call<Snapshot>('snapshots.create', {
      ...ref(),
      name: 'before',
      description: 'clean <state>',
    });
    expect(s).toMatchObject({
      name: 'before',
      description: 'clean <state>',
      state: 'running',
      current: true,
      withMemory: true,
    });
    const list = await fx.call<Snapshot[]>('snapshots.list', ref());
    expect(list.map((x) => [x.name, x.current])).toEqual([['before', true]]);
    expect(list[0]!.createdAt).toBeGreaterThan(Date.now() / 1000 - 600);
  }, 120_000);

  it('reverts: what changed in the guest since is gone, and it runs on', async () => {
    await guestShell(fx.client, dom, 'touch /vd-marker; echo made-$((3+3))', /made-6/);
    expect(await marker()).toBe(true);
    await fx.call('snapshots.revert', { ...ref(), name: 'before' });
    expect((await fx.client.domainGetState(dom)).state).toBe(1);
    expect(await marker()).toBe(false);
  }, 120_000);

  it("refuses a duplicate name and an unknown snapshot with libvirt's own message", async () => {
    await expect(fx.call('snapshots.create', { ...ref(), name: 'before' })).rejects.toMatchObject({
      remote: { code: 'libvirt' },
    });
    await expect(fx.call('snapshots.revert', { ...ref(), name: 'nope' })).rejects.toMatchObject({
      remote: { code: 'libvirt', message: expect.stringMatching(/nope/) },
    });
    await expect(fx.call('snapshots.create', { ...ref(), name: 'a/b' })).rejects.toMatchObject({
      remote: { code: 'invalid-input' },
    });
  });

  it('deletes it', async () => {
    await fx.call('snapshots.delete', { ...ref(), name: 'before' });
    expect(await fx.call<Snapshot[]>('snapshots.list', ref())).toEqual([]);
  });
});
