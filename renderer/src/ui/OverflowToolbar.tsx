import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { MenuButton, type MenuItem } from './Menu.js';
import { fitItems } from './overflow.js';

export interface ToolbarItem {
  id: string;
  /** The control shown in the bar. */
  inline: ReactNode;
  /** What the item becomes in the overflow menu (several entries for a menu of its own). */
  menu: MenuItem[];
  /** Higher stays in the bar longer when space runs out (default 0). */
  priority?: number;
}

/**
 * A toolbar that never wraps or overlaps: a flexible start area (status, truncated with an ellipsis), then
 * the items in order; when the bar is too narrow the lowest-priority items move into a "More" menu.
 * Widths are measured from the items while they are in the bar and remembered, so an item comes back as
 * soon as there is room for it again.
 */
export const OverflowToolbar = ({
  start,
  items,
  moreLabel,
  className,
  testId,
  /** Width the start area keeps before items start moving to the menu. */
  startMinWidth = 96,
}: {
  start?: ReactNode;
  items: ToolbarItem[];
  moreLabel: string;
  className?: string;
  testId?: string;
  startMinWidth?: number;
}) => {
  const bar = useRef<HTMLDivElement>(null);
  const widths = useRef(new Map<string, number>());
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [barWidth, setBarWidth] = useState(0);

  useLayoutEffect(() => {
    const el = bar.current;
    if (!el) return;
    const update = (): void => setBarWidth(el.clientWidth);
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // After every render: remember the widths of the items in the bar, then decide which ones fit.
  useLayoutEffect(() => {
    const el = bar.current;
    if (!el || barWidth === 0) return;
    for (const node of el.querySelectorAll<HTMLElement>(':scope > .toolbar-item[data-item]')) {
      widths.current.set(node.dataset.item!, node.offsetWidth);
    }
    const gap = parseFloat(getComputedStyle(el).columnGap) || 0;
    const padding =
      parseFloat(getComputedStyle(el).paddingLeft) + parseFloat(getComputedStyle(el).paddingRight);
    const more = el.querySelector<HTMLElement>(':scope > .toolbar-more')?.offsetWidth || 36;
    const next = fitItems(
      items.map((it) => ({ id: it.id, width: widths.current.get(it.id), priority: it.priority ?? 0 })),
      barWidth - padding - startMinWidth - gap,
      gap,
      more + gap,
    );
    if (next.size !== hidden.size || [...next].some((id) => !hidden.has(id))) setHidden(next);
  }, [barWidth, items, startMinWidth, hidden]);

  const overflow = items.filter((it) => hidden.has(it.id));
  const menuItems = overflow.flatMap((it, i) =>
    it.menu.map((m, j) => (i > 0 && j === 0 ? { ...m, separatorBefore: true } : m)),
  );
  return (
    <div ref={bar} className={`overflow-toolbar${className ? ` ${className}` : ''}`} data-testid={testId}>
      <div className="toolbar-start">{start}</div>
      {items
        .filter((it) => !hidden.has(it.id))
        .map((it) => (
          <div key={it.id} className="toolbar-item" data-item={it.id}>
            {it.inline}
          </div>
        ))}
      {overflow.length > 0 && (
        <div className="toolbar-more">
          <MenuButton label={moreLabel} icon="menu" items={menuItems} testId="toolbar-more" />
        </div>
      )}
    </div>
  );
};
