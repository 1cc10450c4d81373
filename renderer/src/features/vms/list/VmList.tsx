import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { VmSummary } from '../../../../../shared/contract/index.js';
import { tn, useT } from '../../../i18n/index.js';
import { openDialog } from '../../../shell/dialogs.js';
import { getRegistry } from '../../../shell/registry.js';
import type { KeyedStore } from '../../../store/keyed.js';
import { navigate } from '../../../store/route.js';
import { useBusy, useVm, useVmListVersion, vmStore } from '../../../store/vms.js';
import { Icon, Spinner } from '../../../ui/icons.js';
import { Name } from '../../../ui/Name.js';
import { OverflowToolbar, type ToolbarItem } from '../../../ui/OverflowToolbar.js';
import { triggerAction } from '../actions/actions.js';
import { VmActionsMenu } from '../actions/VmActionsMenu.js';
import {
  allowedActions,
  canDelete,
  primaryAction,
  actionIcon,
  type SimpleAction,
} from '../lifecycle/lifecycle.js';
import { setSearchFocus } from './searchFocus.js';
import {
  clickSelect,
  emptySelection,
  moveSelect,
  pruneSelection,
  selectAll,
  type Move,
  type Selection,
} from './selection.js';
import { StateLabel } from './StateLabel.js';
import { formatKiB, OrderCache, toggleSort, type SortKey, type SortSpec } from './vmList.js';

const ROW_HEIGHT = 44;

const CpuCell = ({ connectionId, uuid }: { connectionId: string; uuid: string }) => {
  const Spark = getRegistry().slots.vmListCpuCell;
  return Spark ? (
    <Spark connectionId={connectionId} vmUuid={uuid} />
  ) : (
    <span className="spark-slot" aria-hidden="true" />
  );
};

interface RowProps {
  connectionId: string;
  uuid: string;
  index: number;
  start: number;
  selected: boolean;
  focused: boolean;
  onRowMouseDown: (uuid: string, e: React.MouseEvent) => void;
}

const VmRow = memo(function VmRow({
  connectionId,
  uuid,
  index,
  start,
  selected,
  focused,
  onRowMouseDown,
}: RowProps) {
  const vm = useVm(connectionId, uuid);
  const busy = useBusy(connectionId, uuid);
  const t = useT();
  if (!vm) return null;
  const primary = primaryAction(vm);
  return (
    <div
      id={`vmrow-${uuid}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`vm-row vm-grid${focused ? ' focused' : ''}`}
      style={{ transform: `translateY(${start}px)` }}
      data-testid="vm-row"
      data-uuid={uuid}
      data-name={vm.name}
      data-state={vm.state}
      onMouseDown={(e) => onRowMouseDown(uuid, e)}
      onDoubleClick={() => navigate({ kind: 'vm', connectionId, uuid, tab: 'overview' })}
    >
      <span role="gridcell">
        {busy ? <Spinner label={t('vm.busy', { action: t(`action.${busy}`) })} /> : null}
      </span>
      <span role="gridcell" className="cell name" title={vm.title ?? vm.name}>
        <Name>{vm.name}</Name>
      </span>
      <span role="gridcell" className="cell">
        <StateLabel vm={vm} />
      </span>
      <span role="gridcell" className="cell">
        {vm.vcpus}
      </span>
      <span role="gridcell" className="cell">
        {formatKiB(vm.memory)}
      </span>
      <span role="gridcell" className="cell">
        <CpuCell connectionId={connectionId} uuid={uuid} />
      </span>
      <span role="gridcell" className="cell">
        {vm.autostart ? (
          <span title={t('vm.autostartOn')}>
            <Icon name="check" label={t('vm.autostartOn')} />
          </span>
        ) : (
          <span className="sr-only">{t('vm.autostartOff')}</span>
        )}
      </span>
      <span role="gridcell" className="actions" onMouseDown={(e) => e.stopPropagation()}>
        {primary && (
          <button
            type="button"
            className="btn flat small"
            tabIndex={-1}
            disabled={!!busy}
            aria-label={`${t(`action.${primary}`)} ${vm.name}`}
            onClick={() => triggerAction(connectionId, [uuid], primary)}
          >
            <Icon name={actionIcon[primary]} />
            <span className="btn-label">{t(`action.${primary}`)}</span>
          </button>
        )}
        <VmActionsMenu vm={vm} tabIndex={-1} />
      </span>
    </div>
  );
});

const SortHeader = ({
  k,
  label,
  sort,
  onSort,
}: {
  k: SortKey;
  label: string;
  sort: SortSpec;
  onSort: (k: SortKey) => void;
}) => (
  <span
    role="columnheader"
    aria-sort={sort.key === k ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
  >
    <button type="button" onClick={() => onSort(k)} data-testid={`sort-${k}`}>
      {label}
      {sort.key === k && <Icon name={sort.dir === 'asc' ? 'sortUp' : 'sortDown'} />}
    </button>
  </span>
);

/** The displayed order (filtered + sorted uuids), recomputed only when it can have changed. */
const useStableOrder = (
  store: KeyedStore<VmSummary>,
  version: number,
  query: string,
  sort: SortSpec,
): string[] => {
  const [cache] = useState(() => new OrderCache<VmSummary>());
  return useMemo(() => {
    void version;
    return cache.get(store.values(), query, sort);
  }, [cache, store, version, query, sort]);
};

const BULK: SimpleAction[] = ['start', 'shutdown', 'suspend', 'resume', 'destroy'];

export const VmList = ({ connectionId }: { connectionId: string }) => {
  const t = useT();
  const version = useVmListVersion(connectionId);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortSpec>({ key: 'name', dir: 'asc' });
  const [rawSel, setSel] = useState<Selection>(emptySelection);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const store = vmStore(connectionId);

  const order = useStableOrder(store, version, query, sort);
  const present = useMemo(() => new Set(order), [order]);
  const sel = useMemo(() => pruneSelection(rawSel, present), [rawSel, present]);

  // eslint-disable-next-line react-hooks/incompatible-library -- rows are memoized by uuid, not by virtualizer output
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  useEffect(() => {
    setSearchFocus(() => {
      searchRef.current?.focus();
      searchRef.current?.select();
    });
    return () => setSearchFocus(null);
  }, []);

  // Rows get a stable callback (reading the current order from a ref) so a list change doesn't re-render them all.
  const orderRef = useRef({ order, present });
  useEffect(() => {
    orderRef.current = { order, present };
  }, [order, present]);
  const onRowMouseDown = useCallback((uuid: string, e: React.MouseEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    scrollRef.current?.focus();
    const { order: o, present: p } = orderRef.current;
    const mod = { shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey };
    setSel((s) => clickSelect(pruneSelection(s, p), o, uuid, mod));
  }, []);

  const selectedUuids = useMemo(() => order.filter((u) => sel.selected.has(u)), [order, sel]);
  const selectedVms = selectedUuids.map((u) => store.get(u)).filter((v): v is VmSummary => !!v);

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const mod = { shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey };
    const moves: Record<string, Move> = {
      ArrowUp: 'up',
      ArrowDown: 'down',
      Home: 'home',
      End: 'end',
      PageUp: 'pageup',
      PageDown: 'pagedown',
    };
    const move = moves[e.key];
    if (move) {
      const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 440) / ROW_HEIGHT) - 1);
      const next = moveSelect(sel, order, move, mod, page);
      setSel(next);
      if (next.focus) virtualizer.scrollToIndex(order.indexOf(next.focus), { align: 'auto' });
    } else if (e.key === 'a' && mod.ctrl) {
      setSel(selectAll(sel, order));
    } else if (e.key === ' ' && sel.focus) {
      setSel(clickSelect(sel, order, sel.focus, { ctrl: true }));
    } else if (e.key === 'Enter' && sel.focus) {
      navigate({ kind: 'vm', connectionId, uuid: sel.focus, tab: 'overview' });
    } else if (e.key === 'Delete' && selectedVms.length > 0) {
      const deletable = selectedVms.filter(canDelete).map((v) => v.uuid);
      if (deletable.length) openDialog({ kind: 'delete', connectionId, uuids: deletable });
    } else if ((e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) && sel.focus) {
      // The focused row's action menu (its button is not in the Tab order).
      document
        .querySelector<HTMLButtonElement>(`#vmrow-${CSS.escape(sel.focus)} [data-testid=vm-menu]`)
        ?.click();
    } else if (e.key === 'Escape' && sel.selected.size > 0) {
      setSel(emptySelection);
    } else return;
    e.preventDefault();
  };

  const onSort = (k: SortKey): void => setSort((s) => toggleSort(s, k));
  const items = virtualizer.getVirtualItems();
  const total = store.size;

  // One line whatever the width: what does not fit goes into the More menu (selection actions first).
  const bulkCount = (targets: string[]): string =>
    selectedVms.length > 1 && targets.length > 0 ? ` (${targets.length})` : '';
  const deletable = selectedVms.filter(canDelete).map((v) => v.uuid);
  const openNewVm = (): void => openDialog({ kind: 'newVm', connectionId });
  const openDelete = (): void => openDialog({ kind: 'delete', connectionId, uuids: deletable });
  const toolbarItems: ToolbarItem[] =
    selectedVms.length === 0
      ? [
          {
            id: 'new',
            priority: 9,
            inline: (
              <button
                type="button"
                className="btn small"
                data-testid="new-vm"
                aria-keyshortcuts="Control+Shift+N"
                onClick={openNewVm}
              >
                <Icon name="plus" />
                {t('newvm.button')}
              </button>
            ),
            menu: [{ label: t('newvm.button'), onSelect: openNewVm }],
          },
        ]
      : [
          ...BULK.map((a, i): ToolbarItem => {
            const targets = selectedVms.filter((v) => allowedActions(v).includes(a)).map((v) => v.uuid);
            const run = (): void => triggerAction(connectionId, targets, a);
            return {
              id: a,
              // the ones that apply stay longest, in menu order
              priority: (targets.length > 0 ? 20 : 0) - i,
              inline: (
                <button
                  type="button"
                  className="btn small"
                  disabled={targets.length === 0}
                  data-testid={`bulk-${a}`}
                  onClick={run}
                >
                  <Icon name={actionIcon[a]} />
                  {t(`action.${a}`)}
                  {bulkCount(targets)}
                </button>
              ),
              menu: [
                {
                  label: `${t(`action.${a}`)}${bulkCount(targets)}`,
                  onSelect: run,
                  disabled: targets.length === 0,
                },
              ],
            };
          }),
          {
            id: 'delete',
            priority: deletable.length > 0 ? 19 : 0,
            inline: (
              <button
                type="button"
                className="btn small"
                disabled={deletable.length === 0}
                data-testid="bulk-delete"
                onClick={openDelete}
              >
                <Icon name="trash" />
                {t('action.delete')}
              </button>
            ),
            menu: [{ label: t('action.delete'), onSelect: openDelete, disabled: deletable.length === 0 }],
          },
        ];

  return (
    <div className="vm-list">
      <OverflowToolbar
        className="toolbar"
        moreLabel={t('vms.moreActions')}
        testId="vm-toolbar"
        startMinWidth={300}
        start={
          <>
            <div className="search">
              <Icon name="search" />
              <input
                ref={searchRef}
                className="entry"
                type="search"
                placeholder={t('vms.search')}
                aria-label={t('vms.search')}
                aria-keyshortcuts="Control+F"
                value={query}
                data-testid="vm-search"
                onChange={(e) => setQuery(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowDown' || e.key === 'Enter') {
                    e.preventDefault();
                    scrollRef.current?.focus();
                    if (!sel.focus && order[0]) setSel(clickSelect(sel, order, order[0]));
                  } else if (e.key === 'Escape' && query) {
                    e.preventDefault();
                    setQuery('');
                  }
                }}
              />
            </div>
            <span className="sel-info" data-testid="vm-count" aria-live="polite">
              {sel.selected.size > 0
                ? t('vms.selectedCount', { n: sel.selected.size, total: order.length })
                : query
                  ? t('vms.filteredCount', { n: order.length, total })
                  : tn('vms.count', total)}
            </span>
          </>
        }
        items={toolbarItems}
      />
      <div
        className="list-card"
        role="grid"
        aria-label={t('vms.listLabel')}
        aria-multiselectable="true"
        aria-rowcount={order.length + 1}
      >
        <div className="vm-head vm-grid" role="row" aria-rowindex={1}>
          <span role="columnheader">
            <span className="sr-only">{t('vms.col.progress')}</span>
          </span>
          <SortHeader k="name" label={t('vms.col.name')} sort={sort} onSort={onSort} />
          <SortHeader k="state" label={t('vms.col.state')} sort={sort} onSort={onSort} />
          <SortHeader k="vcpus" label={t('vms.col.vcpus')} sort={sort} onSort={onSort} />
          <SortHeader k="memory" label={t('vms.col.memory')} sort={sort} onSort={onSort} />
          <span role="columnheader">{t('vms.col.cpu')}</span>
          <SortHeader k="autostart" label={t('vms.col.autostart')} sort={sort} onSort={onSort} />
          <span role="columnheader" style={{ textAlign: 'right' }}>
            <span className="sr-only">{t('vms.col.actions')}</span>
          </span>
        </div>
        <div
          ref={scrollRef}
          className="vm-scroll"
          tabIndex={0}
          data-testid="vm-scroll"
          aria-activedescendant={sel.focus ? `vmrow-${sel.focus}` : undefined}
          onKeyDown={onKeyDown}
          onFocus={() => {
            if (!sel.focus && order[0] && sel.selected.size === 0)
              setSel((s) => ({ ...s, focus: order[0] ?? null }));
          }}
        >
          {order.length === 0 ? (
            <div className="empty">
              <Icon name={query ? 'search' : 'computer'} className="big-icon" />
              <h2>{query ? t('vms.noMatches') : t('vms.none')}</h2>
              <p className="dim">{query ? t('vms.noMatchesHint') : t('vms.noneHint')}</p>
              {!query && (
                <button
                  type="button"
                  className="btn pill suggested"
                  onClick={() => openDialog({ kind: 'newVm', connectionId })}
                  data-testid="empty-new-vm"
                >
                  <Icon name="plus" />
                  {t('newvm.button')}
                </button>
              )}
            </div>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((it) => {
                const uuid = order[it.index]!;
                return (
                  // Keyed by position: a re-sort re-renders the visible rows with other VMs instead of remounting
                  // them (and the feature cells inside), which keeps 1 Hz updates of a sorted list cheap.
                  <VmRow
                    key={it.index}
                    connectionId={connectionId}
                    uuid={uuid}
                    index={it.index}
                    start={it.start}
                    selected={sel.selected.has(uuid)}
                    focused={sel.focus === uuid}
                    onRowMouseDown={onRowMouseDown}
                  />
                );
              })}
            </div>
          )}
        </div>
      </div>
    </div>
  );
};
