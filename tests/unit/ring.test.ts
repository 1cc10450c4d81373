import { describe, expect, it } from 'vitest';
import { Ring, SeriesBlock, TickClock } from '../../electron/stats/ring.js';

describe('Ring', () => {
  it('keeps the newest `capacity` values oldest-first', () => {
    const r = new Ring(3);
    expect(r.length).toBe(0);
    expect(r.last()).toBeNaN();
    r.push(1);
    r.push(2);
    expect(r.toArray()).toEqual([1, 2]);
    r.push(3);
    r.push(4);
    r.push(5);
    expect(r.length).toBe(3);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.toArray(2)).toEqual([4, 5]);
    expect(r.toArray(10)).toEqual([3, 4, 5]);
    expect(r.at(0)).toBe(3);
    expect(r.at(3)).toBeNaN();
    expect(r.last()).toBe(5);
    r.clear();
    expect(r.toArray()).toEqual([]);
  });

  it('is preallocated on a Float64Array and does not grow', () => {
    const r = new Ring(3600);
    expect(r.data).toBeInstanceOf(Float64Array);
    expect(r.data.byteLength).toBe(3600 * 8);
    for (let i = 0; i < 10_000; i++) r.push(i);
    expect(r.data.byteLength).toBe(3600 * 8);
    expect(r.at(0)).toBe(10_000 - 3600);
    expect(r.last()).toBe(9999);
  });

  it('rejects a bad capacity', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
    expect(() => new Ring(1.5)).toThrow(RangeError);
  });
});

describe('SeriesBlock', () => {
  it('shares the clock and reads series oldest-first', () => {
    const clock = new TickClock(4);
    const a = new SeriesBlock(clock, 2, 'f64');
    for (let i = 1; i <= 6; i++) {
      clock.advance(i * 1000);
      a.write([i, i * 10]);
    }
    expect(a.length).toBe(4);
    expect(a.read(10)).toEqual({
      times: [3000, 4000, 5000, 6000],
      series: [
        [3, 4, 5, 6],
        [30, 40, 50, 60],
      ],
    });
    expect(a.read(2, [1])).toEqual({ times: [5000, 6000], series: [[50, 60]] });
  });

  it('a block born later reads only its own ticks; skipped ticks are gaps', () => {
    const clock = new TickClock(5);
    const a = new SeriesBlock(clock, 1, 'f64');
    clock.advance(1);
    a.set(0, 1);
    clock.advance(2);
    a.set(0, 2);
    const b = new SeriesBlock(clock, 1, 'f64'); // born during tick 2
    b.set(0, 20);
    clock.advance(3);
    a.set(0, 3); // b skipped tick 3
    clock.advance(4);
    a.set(0, 4);
    b.set(0, 40);
    expect(a.read(10).series[0]).toEqual([1, 2, 3, 4]);
    const rb = b.read(10);
    expect(rb.times).toEqual([2, 3, 4]);
    expect(rb.series[0]![0]).toBe(20);
    expect(rb.series[0]![1]).toBeNaN();
    expect(rb.series[0]![2]).toBe(40);
    // b not written for a full lap: old values must not reappear
    for (let t = 5; t <= 12; t++) {
      clock.advance(t);
      a.set(0, t);
    }
    const late = b.read(10).series[0]!;
    expect(late.every((v) => Number.isNaN(v))).toBe(true);
    clock.advance(13);
    b.set(0, 130);
    const again = b.read(10);
    expect(again.times).toEqual([9, 10, 11, 12, 13]);
    expect(again.series[0]!.slice(0, 4).every((v) => Number.isNaN(v))).toBe(true);
    expect(again.series[0]![4]).toBe(130);
  });

  it('f32 storage is half the bytes', () => {
    const clock = new TickClock(3600);
    const b = new SeriesBlock(clock, 6);
    expect(b.data).toBeInstanceOf(Float32Array);
    expect(b.byteLength).toBe(3600 * 6 * 4);
    clock.advance(0);
    b.write([12.5, 1e9, 1, 2, 3, 4]);
    expect(b.read(1).series.map((s) => s[0])).toEqual([12.5, 1e9, 1, 2, 3, 4]);
  });
});
