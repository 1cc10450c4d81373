/**
 * Pure multi-selection model over an ordered list of ids (the VM list as displayed):
 * click, Ctrl+click, Shift+click, arrow keys (with Shift to extend), Ctrl+A.
 */
export interface Selection {
  selected: ReadonlySet<string>;
  /** Where Shift-ranges start. */
  anchor: string | null;
  /** The keyboard cursor (focused row). */
  focus: string | null;
}

export const emptySelection: Selection = { selected: new Set(), anchor: null, focus: null };

export interface Modifiers {
  shift?: boolean;
  ctrl?: boolean;
}

const range = (order: readonly string[], a: string, b: string): string[] => {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  if (i < 0 || j < 0) return [b];
  return order.slice(Math.min(i, j), Math.max(i, j) + 1);
};

export const clickSelect = (
  sel: Selection,
  order: readonly string[],
  id: string,
  mod: Modifiers = {},
): Selection => {
  if (mod.shift && sel.anchor !== null) {
    const r = range(order, sel.anchor, id);
    const selected = new Set(mod.ctrl ? [...sel.selected, ...r] : r);
    return { selected, anchor: sel.anchor, focus: id };
  }
  if (mod.ctrl) {
    const selected = new Set(sel.selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    return { selected, anchor: id, focus: id };
  }
  return { selected: new Set([id]), anchor: id, focus: id };
};

export const selectAll = (sel: Selection, order: readonly string[]): Selection => ({
  selected: new Set(order),
  anchor: sel.anchor ?? order[0] ?? null,
  focus: sel.focus ?? order[0] ?? null,
});

export type Move = 'up' | 'down' | 'home' | 'end' | 'pageup' | 'pagedown';

/** Keyboard navigation: moves the focus; plain moves select the row, Shift extends, Ctrl only moves focus. */
export const moveSelect = (
  sel: Selection,
  order: readonly string[],
  move: Move,
  mod: Modifiers = {},
  page = 10,
): Selection => {
  if (order.length === 0) return sel;
  const cur = sel.focus === null ? -1 : order.indexOf(sel.focus);
  let next: number;
  switch (move) {
    case 'up':
      next = cur < 0 ? 0 : cur - 1;
      break;
    case 'down':
      next = cur + 1;
      break;
    case 'home':
      next = 0;
      break;
    case 'end':
      next = order.length - 1;
      break;
    case 'pageup':
      next = cur - page;
      break;
    case 'pagedown':
      next = cur < 0 ? page - 1 : cur + page;
      break;
  }
  next = Math.max(0, Math.min(order.length - 1, next));
  const id = order[next]!;
  if (mod.shift) {
    const anchor = sel.anchor ?? id;
    return { selected: new Set(range(order, anchor, id)), anchor, focus: id };
  }
  if (mod.ctrl) return { ...sel, focus: id };
  return { selected: new Set([id]), anchor: id, focus: id };
};

/** Drops ids that no longer exist (after deletes or filtering). */
export const pruneSelection = (sel: Selection, present: ReadonlySet<string>): Selection => {
  let changed = false;
  const selected = new Set<string>();
  for (const id of sel.selected) {
    if (present.has(id)) selected.add(id);
    else changed = true;
  }
  const anchor = sel.anchor !== null && present.has(sel.anchor) ? sel.anchor : null;
  const focus = sel.focus !== null && present.has(sel.focus) ? sel.focus : null;
  if (!changed && anchor === sel.anchor && focus === sel.focus) return sel;
  return { selected, anchor, focus };
};
