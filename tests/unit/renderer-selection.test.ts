import { describe, expect, it } from 'vitest';
import {
  clickSelect,
  emptySelection,
  moveSelect,
  pruneSelection,
  selectAll,
} from '../../renderer/src/features/vms/list/selection.js';

const order = ['a', 'b', 'c', 'd', 'e'];
const ids = (s: { selected: ReadonlySet<string> }): string[] => [...s.selected].sort();

describe('renderer selection model', () => {
  it('plain click selects one row and sets the anchor', () => {
    const s = clickSelect(emptySelection, order, 'c');
    expect(ids(s)).toEqual(['c']);
    expect(s.anchor).toBe('c');
    expect(s.focus).toBe('c');
  });
  it('Ctrl+click toggles, Shift+click selects the range from the anchor (both directions)', () => {
    let s = clickSelect(emptySelection, order, 'b');
    s = clickSelect(s, order, 'd', { ctrl: true });
    expect(ids(s)).toEqual(['b', 'd']);
    s = clickSelect(s, order, 'b', { ctrl: true });
    expect(ids(s)).toEqual(['d']);
    // the anchor moved to the last Ctrl+clicked row ('b')
    s = clickSelect(s, order, 'e', { shift: true });
    expect(ids(s)).toEqual(['b', 'c', 'd', 'e']);
    s = clickSelect(s, order, 'a', { shift: true });
    expect(ids(s)).toEqual(['a', 'b']);
  });
  it('Ctrl+Shift+click adds a range to the selection', () => {
    let s = clickSelect(emptySelection, order, 'a');
    s = clickSelect(s, order, 'c', { ctrl: true });
    s = clickSelect(s, order, 'e', { ctrl: true, shift: true });
    expect(ids(s)).toEqual(['a', 'c', 'd', 'e']);
  });
  it('arrow keys move and select, Shift extends, Ctrl moves focus only, bounds are clamped', () => {
    let s = moveSelect(emptySelection, order, 'down');
    expect(ids(s)).toEqual(['a']);
    s = moveSelect(s, order, 'down', { shift: true });
    s = moveSelect(s, order, 'down', { shift: true });
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    s = moveSelect(s, order, 'up', { shift: true });
    expect(ids(s)).toEqual(['a', 'b']);
    s = moveSelect(s, order, 'end', { ctrl: true });
    expect(s.focus).toBe('e');
    expect(ids(s)).toEqual(['a', 'b']);
    s = moveSelect(s, order, 'down');
    expect(ids(s)).toEqual(['e']);
    s = moveSelect(s, order, 'home');
    expect(ids(s)).toEqual(['a']);
    s = moveSelect(s, order, 'up');
    expect(s.focus).toBe('a');
    s = moveSelect(s, order, 'pagedown', {}, 3);
    expect(s.focus).toBe('d');
    expect(moveSelect(emptySelection, [], 'down')).toBe(emptySelection);
  });
  it('Ctrl+A selects everything; prune drops rows that went away', () => {
    const s = selectAll(emptySelection, order);
    expect(ids(s)).toEqual(order);
    const p = pruneSelection(s, new Set(['a', 'e']));
    expect(ids(p)).toEqual(['a', 'e']);
    expect(pruneSelection(p, new Set(order))).toBe(p);
  });
});
