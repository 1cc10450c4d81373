import { describe, expect, it } from 'vitest';
import {
  DomainRateTracker,
  computeRates,
  counterRate,
  hostCpuPercent,
  memoryUsed,
  parseDomainStats,
  parseHostCpuStats,
  parseHostMemoryStats,
  type StatParam,
} from '../../electron/stats/rates.js';

interface Fig {
  cpu?: number; // ns
  vcpus?: number;
  cur?: number; // KiB
  max?: number;
  avail?: number;
  unused?: number;
  usable?: number;
  rss?: number;
  disks?: { rd: number; wr: number; rdr: number; wrr: number }[];
  nics?: { rx: number; tx: number }[];
  state?: number;
}

function params(f: Fig): StatParam[] {
  const p: StatParam[] = [
    { field: 'state.state', value: f.state ?? 1 },
    { field: 'state.reason', value: 1 },
  ];
  if (f.cpu !== undefined) p.push({ field: 'cpu.time', value: BigInt(f.cpu) });
  if (f.vcpus !== undefined)
    p.push({ field: 'vcpu.current', value: f.vcpus }, { field: 'vcpu.maximum', value: 8 });
  const kv: [string, number | undefined][] = [
    ['balloon.current', f.cur],
    ['balloon.maximum', f.max],
    ['balloon.available', f.avail],
    ['balloon.unused', f.unused],
    ['balloon.usable', f.usable],
    ['balloon.rss', f.rss],
  ];
  for (const [field, value] of kv) if (value !== undefined) p.push({ field, value });
  if (f.disks) {
    p.push({ field: 'block.count', value: f.disks.length });
    f.disks.forEach((d, i) => {
      p.push(
        { field: `block.${i}.name`, value: `vd${i}` },
        { field: `block.${i}.rd.bytes`, value: d.rd },
        { field: `block.${i}.wr.bytes`, value: d.wr },
        { field: `block.${i}.rd.reqs`, value: d.rdr },
        { field: `block.${i}.wr.reqs`, value: d.wrr },
        { field: `block.${i}.rd.times`, value: 999 },
      );
    });
  }
  if (f.nics) {
    p.push({ field: 'net.count', value: f.nics.length });
    f.nics.forEach((n, i) => {
      p.push(
        { field: `net.${i}.name`, value: `vnet${i}` },
        { field: `net.${i}.rx.bytes`, value: n.rx },
        { field: `net.${i}.tx.bytes`, value: n.tx },
        { field: `net.${i}.rx.pkts`, value: 5 },
      );
    });
  }
  return p;
}

const base: Fig = {
  cpu: 10e9,
  vcpus: 2,
  cur: 1048576,
  max: 2097152,
  rss: 524288,
  disks: [
    { rd: 1000, wr: 2000, rdr: 10, wrr: 20 },
    { rd: 0, wr: 0, rdr: 0, wrr: 0 },
  ],
  nics: [{ rx: 5000, tx: 6000 }],
};

describe('stats rates', () => {
  it('first sample has no rates but has gauges', () => {
    const r = computeRates(null, parseDomainStats(params(base), 0, 5), 4);
    expect(r.cpu).toBeNaN();
    expect(r.diskRd).toBeNaN();
    expect(r.netRx).toBeNaN();
    expect(r.memAssigned).toBe(1048576 * 1024);
    expect(r.memUsed).toBe(524288 * 1024); // rss fallback
    expect(r.state).toBe(1);
  });

  it('derives rates from consecutive samples', () => {
    const a = parseDomainStats(params(base), 1000, 5);
    const b = parseDomainStats(
      params({
        ...base,
        cpu: 10e9 + 1e9, // 1 s of CPU over 2 s wall with 2 vCPUs → 25 %
        disks: [
          { rd: 1000 + 4096, wr: 2000 + 8192, rdr: 12, wrr: 24 },
          { rd: 4096, wr: 0, rdr: 2, wrr: 0 },
        ],
        nics: [{ rx: 5000 + 2000, tx: 6000 + 1000 }],
      }),
      3000,
      5,
    );
    const r = computeRates(a, b, 4);
    expect(r.cpu).toBeCloseTo(25);
    expect(r.cpuHost).toBeCloseTo(12.5);
    expect(r.diskRd).toBeCloseTo((4096 + 4096) / 2);
    expect(r.diskWr).toBeCloseTo(4096);
    expect(r.diskRdIops).toBeCloseTo(2);
    expect(r.diskWrIops).toBeCloseTo(2);
    expect(r.netRx).toBeCloseTo(1000);
    expect(r.netTx).toBeCloseTo(500);
  });

  it('clamps CPU to 100 % and never goes negative', () => {
    const a = parseDomainStats(params(base), 0, 5);
    const b = parseDomainStats(params({ ...base, cpu: 10e9 + 5e9 }), 1000, 5);
    expect(computeRates(a, b, 4).cpu).toBe(100);
  });

  it('counter wrap/reset gives no value (never negative) and restarts the baseline', () => {
    const t = new DomainRateTracker();
    t.update(params({ ...base, nics: [{ rx: 2 ** 32 - 100, tx: 10 }] }), 0, 5, 4);
    const r1 = t.update(params({ ...base, cpu: 10.5e9, nics: [{ rx: 50, tx: 110 }] }), 1000, 5, 4);
    expect(r1.netRx).toBeNaN(); // wrapped
    expect(r1.netTx).toBeCloseTo(100); // other counters unaffected
    expect(r1.cpu).toBeCloseTo(25);
    const r2 = t.update(params({ ...base, cpu: 11e9, nics: [{ rx: 1050, tx: 210 }] }), 2000, 5, 4);
    expect(r2.netRx).toBeCloseTo(1000); // baseline restarted at 50
  });

  it('VM restarted: counters drop and the id changes → no rates, new baseline', () => {
    const t = new DomainRateTracker();
    t.update(params({ ...base, cpu: 500e9 }), 0, 5, 4);
    const r1 = t.update(params({ ...base, cpu: 1e9, disks: [] }), 1000, 9, 4);
    expect(r1.cpu).toBeNaN();
    expect(r1.diskRd).toBeNaN();
    const r2 = t.update(params({ ...base, cpu: 1.2e9, disks: [] }), 2000, 9, 4);
    expect(r2.cpu).toBeCloseTo(10);
    expect(r2.diskRd).toBe(0); // a VM without disks reads 0, not "missing"
    // restarted but the id is the same (rare): the counter drop alone protects the rates
    const r3 = t.update(params({ ...base, cpu: 0.1e9, disks: [] }), 3000, 9, 4);
    expect(r3.cpu).toBeNaN();
    expect(Number.isNaN(r3.cpu) || r3.cpu >= 0).toBe(true);
  });

  it('VM shut off: no rates; back on: first sample is a baseline', () => {
    const t = new DomainRateTracker();
    t.update(params(base), 0, 5, 4);
    const off = t.update(params({ state: 5, cur: 1048576, max: 2097152 }), 1000, -1, 4);
    expect(off.cpu).toBeNaN();
    expect(off.memUsed).toBeNaN();
    expect(off.memAssigned).toBe(1048576 * 1024);
    const on = t.update(params({ ...base, cpu: 1e9 }), 2000, 6, 4);
    expect(on.cpu).toBeNaN();
    expect(t.update(params({ ...base, cpu: 1.5e9 }), 3000, 6, 4).cpu).toBeCloseTo(25);
  });

  it('missing fields give NaN, not 0 or garbage', () => {
    const a = parseDomainStats([{ field: 'state.state', value: 1 }], 0, 1);
    const b = parseDomainStats([{ field: 'state.state', value: 1 }], 1000, 1);
    const r = computeRates(a, b, 4);
    for (const k of [
      'cpu',
      'cpuHost',
      'memUsed',
      'memAssigned',
      'diskRd',
      'diskWr',
      'netRx',
      'netTx',
    ] as const)
      expect(r[k]).toBeNaN();
    // cpu.time appears only in the second sample
    const c = parseDomainStats(params({ cpu: 5e9 }), 2000, 1);
    expect(computeRates(b, c, 4).cpu).toBeNaN();
    // no time elapsed
    expect(counterRate(1, 2, 0)).toBeNaN();
  });

  it('uses the guest-reported memory figures when present', () => {
    const withUsable = parseDomainStats(
      params({ cur: 1000, avail: 900, unused: 300, usable: 500, rss: 1200 }),
      0,
      1,
    );
    expect(memoryUsed(withUsable)).toBe(400 * 1024);
    const withUnused = parseDomainStats(params({ cur: 1000, avail: 900, unused: 300, rss: 1200 }), 0, 1);
    expect(memoryUsed(withUnused)).toBe(600 * 1024);
    const curUnused = parseDomainStats(params({ cur: 1000, unused: 300, rss: 1200 }), 0, 1);
    expect(memoryUsed(curUnused)).toBe(700 * 1024);
    const rssOnly = parseDomainStats(params({ cur: 1000, rss: 1200 }), 0, 1);
    expect(memoryUsed(rssOnly)).toBe(1200 * 1024);
    const maxOnly = parseDomainStats(params({ max: 2000 }), 0, 1);
    expect(computeRates(null, maxOnly, 1).memAssigned).toBe(2000 * 1024);
  });

  it('vcpu.maximum is used when vcpu.current is absent', () => {
    const a = parseDomainStats(
      [
        { field: 'state.state', value: 1 },
        { field: 'cpu.time', value: 0 },
        { field: 'vcpu.maximum', value: 4 },
      ],
      0,
      1,
    );
    const b = parseDomainStats(
      [
        { field: 'state.state', value: 1 },
        { field: 'cpu.time', value: 2e9 },
        { field: 'vcpu.maximum', value: 4 },
      ],
      1000,
      1,
    );
    expect(computeRates(a, b, 8).cpu).toBeCloseTo(50);
  });

  it('host CPU and memory', () => {
    const a = parseHostCpuStats(
      [
        { field: 'kernel', value: 100 },
        { field: 'user', value: 100 },
        { field: 'idle', value: 700 },
        { field: 'iowait', value: 100 },
      ],
      0,
    );
    const b = parseHostCpuStats(
      [
        { field: 'kernel', value: 150 },
        { field: 'user', value: 200 },
        { field: 'idle', value: 1000 },
        { field: 'iowait', value: 150 },
      ],
      1000,
    );
    expect(hostCpuPercent(null, a)).toBeNaN();
    expect(hostCpuPercent(a, b)).toBeCloseTo(30);
    expect(hostCpuPercent(b, a)).toBeNaN(); // went backwards
    expect(hostCpuPercent(null, parseHostCpuStats([{ field: 'utilization', value: 42 }], 0))).toBe(42);
    const m = parseHostMemoryStats([
      { field: 'total', value: 1000 },
      { field: 'free', value: 200 },
      { field: 'buffers', value: 100 },
      { field: 'cached', value: 300 },
    ]);
    expect(m).toEqual({ total: 1000 * 1024, used: 400 * 1024, free: 200 * 1024 });
    expect(parseHostMemoryStats([]).used).toBeNaN();
  });
});
