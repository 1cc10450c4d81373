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
});
