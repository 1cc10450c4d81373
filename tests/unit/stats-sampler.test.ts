import { describe, expect, it } from 'vitest';
import type { StatsTick } from '../../shared/contract/stats.js';
import type { StatParam } from '../../electron/stats/rates.js';
import { StatsSampler, type StatsClientPort } from '../../electron/stats/sampler.js';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';

/** A fake client: VM1 uses 50 % of its 2 vCPUs, VM2 is shut off; host counters advance. */
function fakeClient() {
  let n = 0;
  const calls: string[] = [];
  const host = () => ({ kernel: n * 1e8, user: n * 1e8, idle: n * 8e8, iowait: 0 });
  const mem = () => ({ total: 1000, free: 400, buffers: 100, cached: 100 });
  const toParams = (r: Record<string, number>): StatParam[] =>
    Object.entries(r).map(([field, value]) => ({ field, value: BigInt(value) }));
  const client: StatsClientPort & { advance(): void; calls: string[] } = {
    calls,
    advance: () => void n++,
    async connectGetAllDomainStats() {
      calls.push('allstats');
      return [
        {
          dom: { uuid: U1, name: 'one', id: 3 },
          params: [
            { field: 'state.state', value: 1 },
            { field: 'cpu.time', value: n * 1e9 },
            { field: 'vcpu.current', value: 2 },
            { field: 'balloon.current', value: 1024 },
            { field: 'balloon.rss', value: 512 },
          ],
        },
        { dom: { uuid: U2, name: 'two', id: -1 }, params: [{ field: 'state.state', value: 5 }] },
      ];
    },
    async nodeGetCPUStats() {
      calls.push('cpu-convenience');
      return host();
    },
    async nodeGetMemoryStats() {
      calls.push('mem-convenience');
      return mem();
    },
    async nodeGetInfo() {
      return { cpus: 4 };
    },
    async call(name: string, args: unknown) {
      calls.push(`${name}:${(args as { nparams: number }).nparams}`);
      return { params: toParams(name === 'nodeGetCPUStats' ? host() : mem()), nparams: 4 };
    },
  };
  return client;
}

describe('StatsSampler (fake client)', () => {
  it('derives VM and host figures, pushes subscribed points, keeps history only for VMs that ran', async () => {
    let t = 0;
    const s = new StatsSampler({
      manual: true,
      intervalMs: 1000,
      historySeconds: 10,
      now: () => (t += 1000),
    });
    const c = fakeClient();
    s.attach('c', c);
    await new Promise((r) => setTimeout(r, 0)); // nodeGetInfo
    const ticks: StatsTick[] = [];
    s.subscribe('sess', (x) => ticks.push(x), { id: 'a', connectionId: 'c', kind: 'host' });
    s.subscribe('sess', (x) => ticks.push(x), {
      id: 'b',
      connectionId: 'c',
      kind: 'list',
      vmUuids: [U1, U2],
    });
    for (let i = 0; i < 4; i++) {
      c.advance();
      await s.tick('c');
      await new Promise((r) => setTimeout(r, 5)); // let real time pass for the monotonic clock
    }
    // one round trip per host call once the parameter count is known
    expect(c.calls.filter((x) => x === 'cpu-convenience')).toHaveLength(1);
    expect(c.calls).toContain('nodeGetCPUStats:4');
    expect(c.calls).toContain('nodeGetMemoryStats:4');
    const last = ticks[ticks.length - 1]!;
    expect(last.host!.cpu).toBeCloseTo(20);
    expect(last.host!.memUsed).toBe(400 * 1024);
    expect(last.cpu![U2]).toBeNull();
    expect(last.cpu![U1]).toBeGreaterThan(0);
    expect(s.history({ connectionId: 'c', target: 'vm', vmUuid: U2, seconds: 10 }).t).toEqual([]);
    const h = s.history({ connectionId: 'c', target: 'vm', vmUuid: U1, seconds: 10 });
    expect(h.t).toEqual([1000, 2000, 3000, 4000]);
    expect(h.series.memUsed).toEqual([512 * 1024, 512 * 1024, 512 * 1024, 512 * 1024]);
    expect(h.series.cpu![0]).toBeNull(); // first sample: baseline only
    const list = s.history({ connectionId: 'c', target: 'list', vmUuids: [U1, U2], seconds: 3 });
    expect(list.t).toEqual([2000, 3000, 4000]);
    expect(list.series[U2]).toEqual([null, null, null]);
    expect(s.historyBytes()).toBeGreaterThan(0);
    s.stop();
  });

  it('skips a tick while the previous one is still waiting for the daemon', async () => {
    let release: () => void = () => undefined;
    const slow: StatsClientPort = {
      connectGetAllDomainStats: () =>
        new Promise((r) => {
          release = () => r([]);
        }),
    };
    const s = new StatsSampler({ manual: true });
    s.attach('x', slow);
    const first = s.tick('x');
    expect(await s.tick('x')).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(s.status('x')!.skipped).toBe(1);
    s.stop();
  });
  it('follows each domain by identity when the raw record order changes, a domain goes and comes back', async () => {
    const bytes = (b: number) => new Uint8Array(16).fill(b);
    const uuid = (b: number) => {
      const h = b.toString(16).padStart(2, '0').repeat(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    };
    // counters far apart: a record credited to the wrong domain goes backwards and gives no value
    const doms = [
      { b: 0xa1, name: 'a', id: 1, cpu: 1e15 },
      { b: 0xb2, name: 'b', id: 2, cpu: 1e3 },
      { b: 0xc3, name: 'c', id: 3, cpu: 1e9 },
    ];
    let order = [0, 1, 2];
    const record = (d: (typeof doms)[number]) => ({
      // fresh objects each tick, like the wire decoder
      dom: { uuid: bytes(d.b), name: `${d.name}`, id: d.id },
      params: [
        { field: 'state.state', value: { tag: 1, value: 1 } },
        { field: 'cpu.time', value: { tag: 4, value: BigInt(d.cpu) } },
      ],
    });
    const client: StatsClientPort = {
      connectGetAllDomainStats: () => Promise.reject(new Error('raw path expected')),
      async call(name: string) {
        if (name !== 'connectGetAllDomainStats') throw new Error(name);
        for (const d of doms) d.cpu += 1e6;
        return { retStats: order.map((i) => record(doms[i]!)) };
      },
    };
    const s = new StatsSampler({ manual: true, intervalMs: 1000 });
    s.attach('r', client);
    const tick = async () => {
      await new Promise((r) => setTimeout(r, 5));
      expect(await s.tick('r')).toBe(true);
    };
    const cpu = (b: number) => s.latest('r', uuid(b))?.cpu;
    await tick();
    await tick();
    for (const d of doms) expect(cpu(d.b)).toBeGreaterThan(0);
    order = [2, 0, 1];
    await tick();
    for (const d of doms) expect(cpu(d.b)).toBeGreaterThan(0);
    order = [2, 1]; // 'a' undefined: forgotten
    await tick();
    expect(s.latest('r', uuid(0xa1))).toBeNull();
    expect(s.status('r')!.vms).toBe(2);
    order = [0, 2, 1]; // 'a' back: a new baseline, the others carry on
    await tick();
    expect(cpu(0xa1)).toBeNull();
    expect(cpu(0xb2)).toBeGreaterThan(0);
    expect(cpu(0xc3)).toBeGreaterThan(0);
    await tick();
    expect(cpu(0xa1)).toBeGreaterThan(0);
    // another domain under a known name at a known position is not mistaken for it
    doms[0] = { b: 0xd4, name: 'a', id: 7, cpu: 5 };
    await tick();
    expect(cpu(0xd4)).toBeNull();
    expect(s.latest('r', uuid(0xa1))).toBeNull();
    expect(cpu(0xc3)).toBeGreaterThan(0);
    expect(s.status('r')).toMatchObject({ vms: 3, errors: 0, raw: true });
    s.stop();
  });
});

describe('StatsSampler subscription caps', () => {
  it('refuses new subscriptions beyond the per-window and the global cap, naming the limit', () => {
    const s = new StatsSampler({
      manual: true,
      limits: { subscriptionsPerSession: 5, subscriptionsTotal: 8 },
    });
    const send = () => undefined;
    const sub = (id: string) => ({ id, connectionId: 'c', kind: 'host' as const });
    // The attack: one renderer subscribes with ever new ids.
    for (let i = 0; i < 5; i++) s.subscribe('greedy', send, sub(`s${i}`));
    expect(() => s.subscribe('greedy', send, sub('s5'))).toThrow(
      /Too many stats subscriptions in this window \(the limit is 5\)/,
    );
    expect(s.subscriptionCount()).toBe(5);
    // Replacing an existing id is not a new subscription.
    s.subscribe('greedy', send, sub('s0'));
    for (let i = 0; i < 3; i++) s.subscribe('other', send, sub(`o${i}`));
    let err: unknown;
    try {
      s.subscribe('third', send, sub('t0'));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'limit-reached' });
    expect(String((err as Error).message)).toMatch(/the limit is 8 for all windows together/);
    s.dropSession('greedy');
    s.subscribe('third', send, sub('t0'));
    expect(s.subscriptionCount()).toBe(4);
  });
});
