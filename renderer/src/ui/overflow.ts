/** Which toolbar items move to the overflow menu (pure; see OverflowToolbar). */
export interface FitItem {
  id: string;
  /** Measured width in px; undefined until the item was shown once (it stays in the bar to be measured). */
  width: number | undefined;
  /** Higher stays in the bar longer. */
  priority: number;
}

/**
 * The ids to hide so the rest fits `available` px (items separated by `gap`); once anything is hidden the
 * "More" button takes `moreWidth` too. Hides the lowest priority first, the last of equals first.
 */
export function fitItems(
  items: readonly FitItem[],
  available: number,
  gap: number,
  moreWidth: number,
): Set<string> {
  const total = (list: readonly FitItem[]): number =>
    list.reduce((sum, it, i) => sum + (it.width ?? 0) + (i > 0 ? gap : 0), 0);
  const hidden = new Set<string>();
  if (total(items) <= available) return hidden;
  const order = items
    .map((it, index) => ({ it, index }))
    .filter(({ it }) => it.width !== undefined)
    .sort((a, b) => a.it.priority - b.it.priority || b.index - a.index);
  for (const { it } of order) {
    hidden.add(it.id);
    if (total(items.filter((x) => !hidden.has(x.id))) + moreWidth <= available) break;
  }
  return hidden;
}
