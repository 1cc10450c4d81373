import { describe, expect, it } from 'vitest';
import type { VmSummary } from '../../shared/contract/index.js';
import { KeyedStore, shallowEqual } from '../../renderer/src/store/keyed.js';
import { applyVmDelta, vmStore } from '../../renderer/src/store/vms.js';

const vm = (i: number, over: Partial<VmSummary> = {}): VmSummary => ({
  connectionId: 'c',
  uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `vm${i}`,
  id: -1,
  state: 'shutoff',
  reason: 'unknown',
  vcpus: 1,
  memory: 1024,
  maxMemory: 1024,
  autostart: false,
  persistent: true,
  hasManagedSave: false,
  osId: null,
  osName: null,
  title: null,
  ...over,
});

describe('renderer keyed store', () => {
  it('notifies only the subscribers of changed keys, and list subscribers once per batch', () => {
    const s = new KeyedStore<{ v: number }>();
    const hits: string[] = [];
    s.subscribeKey('a', () => hits.push('a'));
    s.subscribeKey('b', () => hits.push('b'));
    let list = 0;
    s.subscribe(() => list++);
    s.batch(() => {
      s.set('a', { v: 1 });
      s.set('b', { v: 1 });
    });
    expect(hits).toEqual(['a', 'b']);
    expect(list).toBe(1);
    hits.length = 0;
    s.replaceAll(
      [
        ['a', { v: 1 }],
        ['b', { v: 2 }],
      ],
      shallowEqual,
    );
    expect(hits).toEqual(['b']);
    s.delete('a');
    expect(hits).toEqual(['b', 'a']);
    expect(s.size).toBe(1);
  });

  it('applies vms.changed deltas keeping unchanged objects identical', () => {
    const c = 'delta-test';
    const rows = [vm(1, { connectionId: c }), vm(2, { connectionId: c }), vm(3, { connectionId: c })];
    applyVmDelta(c, { reset: true, upserted: rows, removed: [] });
    const store = vmStore(c);
    const before = store.get(rows[0]!.uuid);
    // a reset with equal content keeps identities (no row re-render)
    applyVmDelta(c, { reset: true, upserted: rows.map((r) => ({ ...r })), removed: [] });
    expect(store.get(rows[0]!.uuid)).toBe(before);
    applyVmDelta(c, {
      reset: false,
      upserted: [{ ...rows[1]!, state: 'running' }, vm(4, { connectionId: c })],
      removed: [rows[2]!.uuid],
    });
    expect(store.size).toBe(3);
    expect(store.get(rows[1]!.uuid)!.state).toBe('running');
    expect(store.get(rows[0]!.uuid)).toBe(before);
    expect(store.has(rows[2]!.uuid)).toBe(false);
    applyVmDelta(c, { reset: true, upserted: [], removed: [] });
    expect(store.size).toBe(0);
  });
});
