/**
 * Migration through the core's contract (what the "Migrate…" dialog calls), between the run's private
 * daemon and a second private daemon (another "host"): start with progress polled meanwhile, the VM list
 * events of both connections, cancel, and input the contract refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract/index.js';
import type { DomainRef } from '../../electron/libvirt/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import type { PrivateDaemon } from '../support/daemon.js';
import { testEnv } from '../support/env.js';
import { removeGuest, startSecondHost, bootTinyGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';

interface Progress {
  active: boolean;
  dataTotal: number;
  dataProcessed: number;
}

describe('migration through the core', () => {
  const env = testEnv();
  const name = uniqueGuestName('core-mig');
  let other: PrivateDaemon;
  let fx: CoreFixture;
  let dom: DomainRef;
  const changes: EventPayload<'vms.changed'>[] = [];

  beforeAll(async () => {
    other = await startSecondHost();
    fx = await startCore(env.qemuUri, {
      connectionId: 'here',
      others: [{ id: 'there', uri: other.qemuUri }],
    });
    fx.core.openSession((event, payload) => {
      if (event === 'vms.changed') changes.push(payload as EventPayload<'vms.changed'>);
    });
    ({ dom } = await bootTinyGuest(fx.client, name));
  }, 180_000);

  afterAll(async () => {
    if (fx) await removeGuest([() => fx.core.getClient('here'), () => fx.core.getClient('there')], name);
    await fx?.stop();
    await other?.stop();
  });

  const start = (extra: object = {}) =>
    fx.call<{ targetConnectionId: string; uuid: string }>('migration.start', {
      connectionId: 'here',
      uuid: dom.uuid,
      targetConnectionId: 'there',
      address: '127.0.0.1',
      bandwidthMiBs: 16,
      ...extra,
    });

  it('refuses the same connection as target and a malformed address, before touching libvirt', async () => {
    await expect(start({ targetConnectionId: 'here' })).rejects.toMatchObject({
      remote: { code: 'invalid-input' },
    });
    await expect(start({ address: 'tcp://evil host/' })).rejects.toMatchObject({
      remote: { code: 'invalid-input' },
    });
  });

  it('cancel: the VM stays on the source, running', async () => {
    let settled = false;
    const run = start()
      .catch((e: { remote?: { code?: string; message: string } }) => e)
      .finally(() => (settled = true));
    await until('the migration to be under way', 20_000, async () => {
      const p = await fx.call<Progress>('migration.progress', { connectionId: 'here', uuid: dom.uuid });
      return settled || (p.active && p.dataTotal > 0);
    });
    await fx.call('migration.cancel', { connectionId: 'here', uuid: dom.uuid });
    const err = (await run) as { remote?: { code?: string; message: string } };
    expect(err.remote?.code).toBe('libvirt');
    expect(err.remote?.message).toMatch(/cancel|abort/i);
    const here = await fx.call<{ state: string }>('vms.details', { connectionId: 'here', uuid: dom.uuid });
    expect(here.state).toBe('running');
  }, 120_000);

  it('moves the VM, shows progress meanwhile, and both VM lists follow', async () => {
    let settled = false;
    const run = start().finally(() => (settled = true));
    const seen: Progress[] = [];
    while (!settled) {
      seen.push(await fx.call<Progress>('migration.progress', { connectionId: 'here', uuid: dom.uuid }));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await run).toEqual({ targetConnectionId: 'there', uuid: dom.uuid });
    expect(seen.some((p) => p.active && p.dataProcessed > 0)).toBe(true);
    await until('the VM to leave the source list and join the target list', 15_000, () => {
      const gone = changes.some((c) => c.connectionId === 'here' && c.removed.includes(dom.uuid));
      const arrived = changes.some(
        (c) =>
          c.connectionId === 'there' && c.upserted.some((v) => v.uuid === dom.uuid && v.state === 'running'),
      );
      return gone && arrived;
    });
    const there = await fx.call<{ state: string }>('vms.details', { connectionId: 'there', uuid: dom.uuid });
    expect(there.state).toBe('running');
  }, 120_000);
});
