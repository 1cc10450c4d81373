/**
 * The stats sampler against the private daemon's test driver: one all-domain-stats call per tick,
 * history, subscriptions, domains appearing and disappearing. Only domains this test defines are
 * touched (unique names), and they are removed even when a test fails.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsTick } from '../../shared/contract/stats.js';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { StatsSampler, type StatsClientPort } from '../../electron/stats/sampler.js';
import { testEnv } from '../support/env.js';

const testDomainXml = (name: string, uuid: string) => `<domain type='test'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='KiB'>262144</memory>
  <currentMemory unit='KiB'>131072</currentMemory>
  <vcpu>2</vcpu>
  <os><type arch='i686'>hvm</type></os>
</domain>`;

describe('stats sampler on the test driver', () => {
  let conn: LibvirtClient;
  let sampler: StatsSampler;
  const created: { name: string; uuid: string }[] = [];
  let clock = 1_700_000_000_000;

  beforeAll(async () => {
    conn = await openConnection(testEnv().testUri);
    sampler = new StatsSampler({
      manual: true,
      intervalMs: 1000,
      historySeconds: 60,
      now: () => (clock += 1000),
    });
    sampler.attach('t1', conn as unknown as StatsClientPort);
  });

  afterAll(async () => {
    sampler?.stop();
    for (const d of created) {
      try {
        const dom = await conn.domainLookupByUUID(d.uuid);
        await conn.domainDestroy(dom).catch(() => undefined);
        await conn.domainUndefineFlags(dom, 0).catch(() => undefined);
      } catch {
        /* already gone */
      }
    }
    await conn?.close();
  });

  it('samples every domain with one call per tick and keeps history', async () => {
    for (let i = 0; i < 3; i++) expect(await sampler.tick('t1')).toBe(true);
    const st = sampler.status('t1')!;
    expect(st.errors).toBe(0);
    expect(st.ticks).toBe(3);
    expect(st.vms).toBeGreaterThanOrEqual(1); // the driver's own 'test' domain
    expect(st.raw).toBe(true); // decoded wire records used directly (no re-mapping)
    const h = sampler.history({ connectionId: 't1', target: 'host', seconds: 60 });
    expect(h.t).toHaveLength(3);
    expect(h.t[2]! - h.t[1]!).toBe(1000);
    expect(Object.keys(h.series).sort()).toEqual(['cpu', 'memTotal', 'memUsed']);
  });

  it('a domain defined and started later appears; subscribers get only what they asked for', async () => {
    const uuid = randomUUID();
    const name = `vdt-stats-${uuid.slice(0, 6)}`;
    created.push({ name, uuid });
    const dom = await conn.domainDefineXML(testDomainXml(name, uuid));
    await conn.domainCreate(dom);

    const ticks: StatsTick[] = [];
    sampler.subscribe('sess', (t) => ticks.push(t), {
      id: 'perf',
      connectionId: 't1',
      kind: 'vms',
      vmUuids: [uuid],
    });
    sampler.subscribe('sess', (t) => ticks.push(t), {
      id: 'list',
      connectionId: 't1',
      kind: 'list',
      vmUuids: [uuid],
    });
    sampler.subscribe('other', () => undefined, { id: 'h', connectionId: 'elsewhere', kind: 'host' });
    await sampler.tick('t1');
    await sampler.tick('t1');
    expect(ticks).toHaveLength(2);
    const last = ticks[1]!;
    expect(last.connectionId).toBe('t1');
    expect(last.host).toBeUndefined();
    expect(Object.keys(last.vms!)).toEqual([uuid]);
    expect(last.vms![uuid]!.state).toBe(1);
    // the test driver reports no cpu.time: no value, never a made-up 0
    expect(last.vms![uuid]!.cpu).toBeNull();
    expect(Object.keys(last.cpu!)).toEqual([uuid]);

    const vh = sampler.history({ connectionId: 't1', target: 'vm', vmUuid: uuid, seconds: 60 });
    expect(vh.t.length).toBe(2);
    expect(Object.keys(vh.series).sort()).toEqual(['cpu', 'diskRd', 'diskWr', 'memUsed', 'netRx', 'netTx']);
    const lh = sampler.history({ connectionId: 't1', target: 'list', vmUuids: [uuid], seconds: 60 });
    expect(lh.t.length).toBe(5);
    expect(lh.series[uuid]).toHaveLength(5);

    sampler.unsubscribe('sess', 'perf');
    await sampler.tick('t1');
    expect(ticks[2]!.vms).toBeUndefined();
    expect(ticks[2]!.cpu).toBeDefined();
    sampler.dropSession('sess');
    await sampler.tick('t1');
    expect(ticks).toHaveLength(3);

    // undefined domains are forgotten
    await conn.domainDestroy(dom);
    await conn.domainUndefineFlags(dom, 0);
    await sampler.tick('t1');
    expect(sampler.latest('t1', uuid)).toBeNull();
    expect(sampler.status('t1')!.errors).toBe(0);
  });

  it('runs on its own timer at the configured interval and skips overlapping ticks', async () => {
    const live = new StatsSampler({ intervalMs: 200, historySeconds: 10 });
    try {
      live.attach('t2', conn as unknown as StatsClientPort);
      await new Promise((r) => setTimeout(r, 1100));
      const st = live.status('t2')!;
      expect(st.ticks).toBeGreaterThanOrEqual(3);
      expect(st.errors).toBe(0);
      expect(live.capacity).toBe(50);
    } finally {
      live.stop();
    }
    expect(live.isAttached('t2')).toBe(false);
  });
});
