/**
 * The VM cache under an event flood: a second connection to the daemon's shared test driver
 * (test:///default) starts and stops test domains and defines/undefines fresh ones (distinct UUIDs):
 * 10,000 lifecycle operations paced to ~1,000 per second (longer on a loaded machine, never fewer).
 * Meanwhile `vms.list` through the core keeps answering (from its cache: at least five answers a second of
 * flood; how fast is logged, not asserted — speed belongs to benchmarks), and afterwards the core's list
 * equals libvirt's (names and states). Event refreshes
 * are coalesced (MAX_EVENT_REFRESHES_IN_FLIGHT, MAX_PENDING_EVENT_REFRESHES, a full re-list beyond).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  constants,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { vmStateName, type VmSummary } from '../../shared/model/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { until } from '../support/poll.js';

const PREFIX = `vd-flood-${randomBytes(3).toString('hex')}-`;
const STEADY = 150;
const RATE = 1000; // operations (= lifecycle events) per second
const SECONDS = 10;

const domainXml = (name: string): string =>
  `<domain type='test'><name>${name}</name><memory unit='KiB'>8192</memory><vcpu>1</vcpu>` +
  `<os><type>hvm</type></os></domain>`;

let fx: CoreFixture;
let gen: LibvirtClient;

const ours = async (c: LibvirtClient): Promise<DomainRef[]> =>
  (await c.connectListAllDomains(0)).filter((d) => d.name.startsWith(PREFIX));

beforeAll(async () => {
  fx = await startCore(testEnv().testUri);
  gen = await openConnection(testEnv().testUri, {});
});

afterAll(async () => {
  if (gen) {
    for (const d of await ours(gen).catch(() => [])) {
      await gen.domainDestroy(d).catch(() => undefined);
      await gen.domainUndefineFlags(d, 0).catch(() => undefined);
    }
    await gen.close();
  }
  await fx?.stop();
});

describe('VM cache under a lifecycle event flood', () => {
  it('stays responsive and ends equal to libvirt', async () => {
    const steady = await Promise.all(
      Array.from({ length: STEADY }, (_, i) => gen.domainDefineXML(domainXml(`${PREFIX}s${i}`))),
    );
    const running = new Map<string, boolean>(steady.map((d) => [d.uuid, false]));
    const busy = new Set<string>();
    let ops = 0;
    let errors = 0;
    let fresh = 0;
    const op = async (): Promise<void> => {
      // Two thirds: toggle an idle steady domain; one third: a fresh domain defined and undefined.
      if (ops % 3 !== 2) {
        const idle = steady.filter((d) => !busy.has(d.uuid));
        const d = idle[Math.floor(Math.random() * idle.length)];
        if (!d) return;
        busy.add(d.uuid);
        try {
          if (running.get(d.uuid)) await gen.domainDestroy(d);
          else await gen.domainCreate(d);
          running.set(d.uuid, !running.get(d.uuid));
          ops++;
        } finally {
          busy.delete(d.uuid);
        }
      } else {
        const d = await gen.domainDefineXML(domainXml(`${PREFIX}f${fresh++}`));
        await gen.domainUndefineFlags(d, 0);
        ops += 2;
      }
    };

    const latencies: number[] = [];
    let flooding = true;
    const prober = (async () => {
      while (flooding) {
        const t0 = performance.now();
        await fx.call<VmSummary[]>('vms.list', { connectionId: fx.connectionId });
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const t0 = performance.now();
    const inflight = new Set<Promise<void>>();
    // A flood of a fixed size (RATE × SECONDS operations), paced to RATE: on a loaded machine it takes
    // longer, but it is never smaller.
    const total = RATE * SECONDS;
    while (ops + errors + inflight.size < total) {
      // Issue what the clock allows, up to 64 calls in flight.
      const due = Math.min(total, ((performance.now() - t0) / 1000) * RATE);
      while (ops + errors + inflight.size < due && inflight.size < 64) {
        const p: Promise<void> = op()
          .catch(() => void errors++)
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inflight);
    const seconds = (performance.now() - t0) / 1000;
    flooding = false;
    await prober;
    const rate = ops / seconds;
    const maxLatency = Math.max(...latencies);
    console.log(
      `flood: ${ops} lifecycle operations in ${seconds.toFixed(1)} s (${rate.toFixed(0)}/s, ${errors} errors); ` +
        `vms.list answered ${latencies.length}× during it, max ${maxLatency.toFixed(0)} ms`,
    );
    expect(errors).toBe(0);
    expect(ops).toBeGreaterThanOrEqual(total);
    expect(latencies.length).toBeGreaterThan(SECONDS * 5);

    // The final state equals libvirt's (names and states of our domains), soon after the flood.
    const truth = async (): Promise<string> => {
      const refs = await ours(gen);
      const states = await Promise.all(refs.map((r) => gen.domainGetState(r)));
      return JSON.stringify(refs.map((r, i) => `${r.name}=${vmStateName(states[i]!.state)}`).sort());
    };
    const cached = async (): Promise<string> => {
      const list = await fx.call<VmSummary[]>('vms.list', { connectionId: fx.connectionId });
      return JSON.stringify(
        list
          .filter((v) => v.name.startsWith(PREFIX))
          .map((v) => `${v.name}=${v.state}`)
          .sort(),
      );
    };
    const expected = await truth();
    expect(JSON.parse(expected)).toHaveLength(STEADY);
    await until('the core to equal libvirt', 10_000, async () => (await cached()) === expected, 100);
  }, 90_000);

  it('a flood of events for thousands of distinct (fake) domains does not queue unbounded refreshes', async () => {
    // The attack: events naming domains that do not exist, each a distinct UUID, all at once.
    const FAKE = 5000;
    const client = fx.client as unknown as { call: (...a: unknown[]) => Promise<unknown> };
    const realCall = client.call.bind(client);
    let inflight = 0;
    let maxInflight = 0;
    let calls = 0;
    client.call = async (...a: unknown[]) => {
      calls++;
      maxInflight = Math.max(maxInflight, ++inflight);
      try {
        return await realCall(...a);
      } finally {
        inflight--;
      }
    };
    try {
      // One of ours that libvirt says is shut off (asked of libvirt, so this case stands on its own).
      let real: DomainRef | undefined;
      for (const d of await ours(gen)) {
        if ((await gen.domainGetState(d)).state === constants.VIR_DOMAIN_SHUTOFF) {
          real = d;
          break;
        }
      }
      if (!real) real = await gen.domainDefineXML(domainXml(`${PREFIX}ghost-check`));
      for (let i = 0; i < FAKE; i++) {
        const uuid = `${randomBytes(4).toString('hex')}-0000-4000-8000-${randomBytes(6).toString('hex')}`;
        fx.client.emit('domainEvent', {
          kind: 'lifecycle',
          dom: { name: `${PREFIX}ghost${i}`, uuid, id: -1 },
          event: 'defined',
          detail: 'added',
          eventCode: 0,
          detailCode: 0,
        });
      }
      // A real change in the middle of the flood is not lost.
      await gen.domainCreate(real);
      const t0 = performance.now();
      await fx.call<VmSummary[]>('vms.list', { connectionId: fx.connectionId });
      const listMs = performance.now() - t0;
      await until('the flood to be absorbed', 20_000, () => inflight === 0 || undefined, 50);
      const list = await fx.call<VmSummary[]>('vms.list', { connectionId: fx.connectionId });
      console.log(
        `ghost flood: ${FAKE} events → ${calls} libvirt calls, at most ${maxInflight} in flight; ` +
          `vms.list in ${listMs.toFixed(0)} ms`,
      );
      // Without coalescing every event starts its own refresh: thousands of calls, all in flight at once.
      expect(calls).toBeLessThan(FAKE);
      expect(list.some((v) => v.name.includes('ghost'))).toBe(false);
      await until(
        'the started domain to show as running',
        10_000,
        async () =>
          (await fx.call<VmSummary[]>('vms.list', { connectionId: fx.connectionId })).find(
            (v) => v.uuid === real.uuid,
          )?.state === 'running' || undefined,
        50,
      );
    } finally {
      client.call = realCall;
    }
  }, 60_000);
});
