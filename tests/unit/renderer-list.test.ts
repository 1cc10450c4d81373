import { describe, expect, it } from 'vitest';
import {
  filterVms,
  formatBytes,
  formatKiB,
  matchesQuery,
  OrderCache,
  sortVms,
  toggleSort,
  type VmRowData,
} from '../../renderer/src/features/vms/list/vmList.js';
import {
  allowedActions,
  canDelete,
  needsForceOffBeforeDelete,
  primaryAction,
} from '../../renderer/src/features/vms/lifecycle/lifecycle.js';

const vm = (name: string, over: Partial<VmRowData> = {}): VmRowData => ({
  uuid: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`,
  name,
  state: 'shutoff',
  vcpus: 1,
  memory: 1024,
  autostart: false,
  ...over,
});

describe('renderer VM list: sorting', () => {
  it('sorts names naturally (vm2 before vm10) and reverses', () => {
    const rows = [vm('vm10'), vm('vm2'), vm('VM1')];
    expect(sortVms(rows, { key: 'name', dir: 'asc' }).map((r) => r.name)).toEqual(['VM1', 'vm2', 'vm10']);
    expect(sortVms(rows, { key: 'name', dir: 'desc' }).map((r) => r.name)).toEqual(['vm10', 'vm2', 'VM1']);
  });
  it('sorts by state (live first), numbers, autostart; ties by name; stable and pure', () => {
    const rows = [
      vm('b', { state: 'shutoff', vcpus: 4, memory: 10 }),
      vm('a', { state: 'running', vcpus: 2, memory: 30, autostart: true }),
      vm('c', { state: 'paused', vcpus: 2, memory: 20 }),
    ];
    const copy = [...rows];
    expect(sortVms(rows, { key: 'state', dir: 'asc' }).map((r) => r.name)).toEqual(['a', 'c', 'b']);
    expect(sortVms(rows, { key: 'vcpus', dir: 'asc' }).map((r) => r.name)).toEqual(['a', 'c', 'b']);
    expect(sortVms(rows, { key: 'memory', dir: 'desc' }).map((r) => r.name)).toEqual(['a', 'c', 'b']);
    expect(sortVms(rows, { key: 'autostart', dir: 'asc' }).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(rows).toEqual(copy);
  });
  it('toggleSort flips direction on the same key and resets on another', () => {
    expect(toggleSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(toggleSort({ key: 'name', dir: 'desc' }, 'state')).toEqual({ key: 'state', dir: 'asc' });
  });
  it('sorts 10,000 rows quickly', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => vm(`vm-${(i * 7919) % 10_000}`));
    const t0 = performance.now();
    const out = sortVms(rows, { key: 'name', dir: 'asc' });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(out[0]!.name).toBe('vm-0');
    expect(out[9999]!.name).toBe('vm-9999');
  });
});

describe('renderer VM list: filtering', () => {
  it('matches case-insensitively on name, state and uuid; all terms must match', () => {
    const r = vm('Web-Server-01', { state: 'running' });
    expect(matchesQuery(r, 'web')).toBe(true);
    expect(matchesQuery(r, 'SERVER running')).toBe(true);
    expect(matchesQuery(r, 'server shutoff')).toBe(false);
    expect(matchesQuery(r, r.uuid.slice(0, 8))).toBe(true);
    expect(matchesQuery(r, '   ')).toBe(true);
  });
  it('filterVms returns a copy with the matching rows', () => {
    const rows = [vm('alpha'), vm('beta'), vm('alphabet')];
    expect(filterVms(rows, 'alpha').map((r) => r.name)).toEqual(['alpha', 'alphabet']);
    expect(filterVms(rows, '')).not.toBe(rows);
    expect(filterVms(rows, '').length).toBe(3);
  });
});

describe('renderer: sizes and lifecycle rules', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatKiB(524288)).toBe('512 MiB');
    expect(formatKiB(1572864)).toBe('1.5 GiB');
    expect(formatBytes(10 * 1024 ** 3)).toBe('10 GiB');
  });
  it('offers only what the state allows', () => {
    expect(allowedActions({ state: 'shutoff' })).toEqual(['start']);
    expect(allowedActions({ state: 'shutoff', hasManagedSave: true })).toEqual(['restore']);
    expect(allowedActions({ state: 'running' })).toEqual(
      expect.arrayContaining(['shutdown', 'reboot', 'suspend', 'managedSave', 'destroy', 'reset']),
    );
    expect(allowedActions({ state: 'running' })).not.toContain('start');
    expect(allowedActions({ state: 'paused' })).toContain('resume');
    expect(allowedActions({ state: 'paused' })).not.toContain('suspend');
    expect(primaryAction({ state: 'running' })).toBe('shutdown');
    expect(primaryAction({ state: 'paused' })).toBe('resume');
    expect(canDelete({ state: 'running' })).toBe(true);
    expect(needsForceOffBeforeDelete({ state: 'running' })).toBe(true);
    expect(needsForceOffBeforeDelete({ state: 'shutoff' })).toBe(false);
  });
});

describe('renderer VM list: order cache', () => {
  it('keeps the same array when nothing relevant to the sort/search changed', () => {
    const cache = new OrderCache<VmRowData>();
    const rows = [vm('b'), vm('a', { state: 'running' }), vm('c')];
    const byName = { key: 'name', dir: 'asc' } as const;
    const o1 = cache.get(rows, '', byName);
    expect(o1).toEqual([rows[1]!.uuid, rows[0]!.uuid, rows[2]!.uuid]);
    // state and memory changes do not matter for a name sort without a search
    const o2 = cache.get([{ ...rows[0]!, state: 'running', memory: 9 }, rows[1]!, rows[2]!], '', byName);
    expect(o2).toBe(o1);
    // …but do for a state sort
    const byState = { key: 'state', dir: 'asc' } as const;
    const s1 = cache.get(rows, '', byState);
    const s2 = cache.get([{ ...rows[0]!, state: 'running' }, rows[1]!, rows[2]!], '', byState);
    expect(s2).not.toBe(s1);
    expect(s2.slice(0, 2).sort()).toEqual([rows[0]!.uuid, rows[1]!.uuid].sort());
    // membership changes always recompute; a search looks at the state
    expect(cache.get(rows.slice(0, 2), '', byName)).toHaveLength(2);
    const q1 = cache.get(rows, 'running', byName);
    expect(q1).toEqual([rows[1]!.uuid]);
    expect(
      cache.get([{ ...rows[0]!, state: 'running' }, rows[1]!, rows[2]!], 'running', byName),
    ).toHaveLength(2);
  });
});

describe('renderer VM list: ranked sorting', () => {
  it('sorts the same with collation ranks as with the collator', () => {
    const rows = Array.from({ length: 500 }, (_, i) =>
      vm(`vm-${(i * 37) % 500}`, { state: ['running', 'paused', 'shutoff'][i % 3]!, memory: (i * 7) % 13 }),
    );
    const cache = new OrderCache<VmRowData>();
    for (const key of ['name', 'state', 'memory'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const plain = sortVms(rows, { key, dir }).map((r) => r.uuid);
        expect(cache.get(rows, '', { key, dir })).toEqual(plain);
      }
    }
  });
});
