import { createElement, useMemo, useState } from 'react';
import { isActiveState } from '../../../../shared/contract/index.js';
import type { VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { DeviceView } from './DeviceView.js';
import { HwIcon } from './device-icons.js';
import { hwAdders, hwEditors } from './editors/index.js';
import type { HwItem } from './editors/types.js';
import { reloadHardware, useHardware } from './hardwareStore.js';
import { PendingList } from './PendingList.js';
import './hardware.css';

const fixedItems = hwEditors.flatMap((e) => (e.fixed ? [e.fixed] : [])).sort((a, b) => a.order - b.order);

const editorFor = (type: string) => hwEditors.find((e) => e.types.includes(type))?.component ?? DeviceView;

/**
 * The Hardware tab: the VM's items on the left (CPU, Memory, Boot & firmware, then every device, like
 * virt-manager's left column) and the selected item's editor on the right; above them, what waits for a
 * restart.
 */
export const HardwareTab = ({ connectionId, vmUuid, vmName, state }: VmTabProps) => {
  const t = useT();
  const hw = useHardware(connectionId, vmUuid, state);
  const [selected, setSelected] = useState<string>(fixedItems[0]?.id ?? '');
  const [adding, setAdding] = useState<string | null>(null);
  const running = isActiveState(state as Parameters<typeof isActiveState>[0]);

  const items: (HwItem & { title: string })[] = useMemo(() => {
    const fixed = fixedItems.map((f) => ({ id: f.id, type: f.id, title: t(f.titleKey) }));
    const devices = (hw.data?.config.devices ?? []).map((d) => ({
      id: d.id,
      type: d.type,
      device: d,
      title: `${t(`hw.type.${d.subtype && d.type === 'disk' ? d.subtype : d.type}`)} ${d.label}`.trim(),
    }));
    return [...fixed, ...devices];
  }, [hw.data, t]);

  if (!hw.data) {
    return (
      <div className="clamp" data-testid="vm-hardware">
        {hw.error ? (
          <FailureNote message={t('hw.failed.read', { vm: vmName })} detail={hw.error.message} />
        ) : (
          <Spinner label={t('common.loading')} />
        )}
      </div>
    );
  }

  const item = items.find((i) => i.id === selected) ?? items[0]!;
  const adder = hwAdders.find((a) => a.id === adding);
  const reload = () => void reloadHardware(connectionId, vmUuid);
  const select = (id: string): void => {
    setAdding(null);
    setSelected(id);
  };

  const onListKey = (e: React.KeyboardEvent): void => {
    const i = items.findIndex((x) => x.id === item.id);
    const next =
      e.key === 'ArrowDown'
        ? i + 1
        : e.key === 'ArrowUp'
          ? i - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? items.length - 1
              : null;
    if (next === null || next < 0 || next >= items.length) return;
    e.preventDefault();
    const id = items[next]!.id;
    select(id);
    requestAnimationFrame(() => document.getElementById(`hw-item-${CSS.escape(id)}`)?.focus());
  };

  const editorProps = { connectionId, vmUuid, vmName, running, hw: hw.data, onApplied: reload };
  return (
    <div className="hw" data-testid="vm-hardware">
      <PendingList pending={hw.data.pending} />
      <div className="hw-body">
        <div className="hw-side">
          <div
            className="hw-list"
            role="tablist"
            aria-orientation="vertical"
            aria-label={t('hw.listLabel')}
            onKeyDown={onListKey}
            data-testid="hw-list"
          >
            {items.map((x) => (
              <button
                key={x.id}
                id={`hw-item-${x.id}`}
                type="button"
                role="tab"
                className="hw-item"
                aria-selected={!adder && x.id === item.id}
                aria-controls="hw-editor"
                tabIndex={x.id === item.id ? 0 : -1}
                data-item={x.id}
                onClick={() => select(x.id)}
              >
                <HwIcon type={x.type} subtype={x.device?.subtype} />
                <span>{x.title}</span>
              </button>
            ))}
          </div>
          {hwAdders.length > 0 && (
            <div className="hw-adders">
              {hwAdders.map((a) => (
                <button
                  key={a.id}
                  type="button"
                  className="btn small"
                  aria-pressed={adding === a.id}
                  data-testid={`hw-add-${a.id}`}
                  onClick={() => setAdding(a.id)}
                >
                  {t(a.titleKey)}
                </button>
              ))}
            </div>
          )}
        </div>
        <div className="hw-editor" id="hw-editor" role="tabpanel" aria-labelledby={`hw-item-${item.id}`}>
          {adder ? (
            <adder.component
              {...editorProps}
              onDone={(id) => {
                setAdding(null);
                if (id) setSelected(id);
                reload();
              }}
            />
          ) : (
            createElement(editorFor(item.type), {
              ...editorProps,
              item,
              // A new form after an apply or a change elsewhere: it starts from the config as it is now.
              key: `${item.id}|${JSON.stringify(hw.data.config[item.type as 'cpu'] ?? item.device?.xml ?? '')}`,
            })
          )}
        </div>
      </div>
    </div>
  );
};

/** The tab's badge: how many changes wait for a restart (only a running VM has any). */
export const HardwareBadge = ({
  connectionId,
  vmUuid,
  state,
}: {
  connectionId: string;
  vmUuid: string;
  state: string;
}) =>
  isActiveState(state as Parameters<typeof isActiveState>[0]) ? (
    <PendingBadge connectionId={connectionId} vmUuid={vmUuid} state={state} />
  ) : null;

const PendingBadge = ({
  connectionId,
  vmUuid,
  state,
}: {
  connectionId: string;
  vmUuid: string;
  state: string;
}) => {
  const t = useT();
  const n = useHardware(connectionId, vmUuid, state).data?.pending.length ?? 0;
  if (n === 0) return null;
  return (
    <span className="hw-badge" title={t('hw.pending.badge', { n })} data-testid="hw-pending-badge">
      {n}
      <span className="sr-only">{t('hw.pending.badge', { n })}</span>
    </span>
  );
};
