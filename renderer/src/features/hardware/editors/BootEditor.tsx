import { useMemo, useState } from 'react';
import type { BootChange, BootView } from '../../../../../shared/contract/hardware.js';
import { useT } from '../../../i18n/index.js';
import { CheckField, TextField } from '../../../ui/Field.js';
import { ApplyBar } from '../ApplyBar.js';
import { checkChange } from '../issues.js';
import { ChoiceField } from './fields.js';
import { barProps } from './bar.js';
import type { HwEditorProps } from './types.js';
import { useDraft } from './useDraft.js';

interface Values {
  /** Every bootable device, in the order shown; `on` = in the boot order. */
  devices: { id: string; label: string; type: string; on: boolean }[];
  menu: boolean;
  firmware: 'bios' | 'efi';
  secureBoot: boolean;
  kernelOn: boolean;
  kernel: string;
  initrd: string;
  cmdline: string;
}

const valuesOf = (v: BootView): Values => ({
  devices: v.devices.map((d) => ({ id: d.id, label: d.label, type: d.type, on: d.order !== null })),
  menu: v.menu,
  firmware: v.firmware,
  secureBoot: v.secureBoot,
  kernelOn: v.kernel !== null,
  kernel: v.kernel?.kernel ?? '',
  initrd: v.kernel?.initrd ?? '',
  cmdline: v.kernel?.cmdline ?? '',
});

const orderOf = (devices: Values['devices']): string[] => devices.filter((d) => d.on).map((d) => d.id);

/**
 * Boot order (drag a row, or Alt+↑/↓ on the focused one; each move is announced to screen readers), boot
 * menu, BIOS/UEFI, Secure Boot, direct kernel boot.
 */
export const BootEditor = (props: HwEditorProps) => {
  const { hw } = props;
  const t = useT();
  const now = hw.config.boot;
  const fw = hw.limits.firmware;
  const { values, set, remote, setRemote, revert } = useDraft(now, valuesOf);

  /** A row's words: the device's kind and label ("CD-ROM sda (sata)"). */
  const rowLabel = (d: Values['devices'][number]): string =>
    `${t(`hw.type.${d.type === 'network' ? 'interface' : d.type}`)} ${d.label}`;

  /** What the last move did, for screen readers (an aria-live region). */
  const [announced, setAnnounced] = useState('');
  /** The row being dragged (its index) and the row it is over. */
  const [drag, setDrag] = useState<{ from: number; over: number } | null>(null);

  /** Moves the device at `from` to `to`; `focus` puts the focus back on it (keyboard moves). */
  const moveTo = (from: number, to: number, focus: boolean): void => {
    if (to < 0 || to >= values.devices.length || to === from) return;
    const list = [...values.devices];
    const [moved] = list.splice(from, 1);
    list.splice(to, 0, moved!);
    set('devices', list);
    setAnnounced(t('hw.boot.moved', { name: rowLabel(moved!), position: to + 1, count: list.length }));
    if (focus)
      requestAnimationFrame(() => document.getElementById(`hw-boot-${CSS.escape(moved!.id)}`)?.focus());
  };
  const move = (i: number, by: -1 | 1): void => moveTo(i, i + by, true);

  const { change, issues } = useMemo(() => {
    const issues: Record<string, string> = {};
    const c: BootChange = { kind: 'boot' };
    const order = orderOf(values.devices);
    const nowOrder = now.devices.filter((d) => d.order !== null).map((d) => d.id);
    if (
      JSON.stringify(order) !== JSON.stringify(nowOrder) ||
      (now.legacyOrder.length > 0 && order.length > 0)
    )
      c.order = order;
    if (values.menu !== now.menu) c.menu = values.menu;
    if (values.firmware !== now.firmware) c.firmware = values.firmware;
    const secure = values.firmware === 'efi' && values.secureBoot;
    if (secure !== now.secureBoot) c.secureBoot = secure;
    if (values.firmware === 'efi' && now.firmware !== 'efi' && !fw.choices.includes('efi'))
      issues.firmware = t('hw.boot.noEfi');
    if (secure && !now.secureBoot && !fw.secureBoot) issues.secureBoot = t('hw.boot.noSecureBoot');
    const kernel = values.kernelOn
      ? { kernel: values.kernel.trim(), initrd: values.initrd.trim(), cmdline: values.cmdline }
      : null;
    if (kernel && !kernel.kernel) issues.kernel = t('hw.boot.enterKernel');
    else if (JSON.stringify(kernel) !== JSON.stringify(now.kernel)) c.kernel = kernel;
    if (Object.keys(c).length === 1) return { change: null, issues };
    for (const [k, m] of Object.entries(checkChange(c))) issues[k.startsWith('kernel') ? 'kernel' : k] ??= m;
    return { change: c, issues };
  }, [values, now, fw, t]);

  const shown = { ...issues, ...remote };
  return (
    <section aria-labelledby="hw-boot-title" data-testid="hw-editor-boot">
      <h3 id="hw-boot-title" className="section-title">
        {t('hw.boot.title')}
      </h3>
      <div className="field">
        <span id="hw-boot-order-label">{t('hw.boot.order')}</span>
        {values.devices.length === 0 ? (
          <p className="dim">{t('hw.boot.noDevices')}</p>
        ) : (
          <>
            <span className="dim">{t('hw.boot.orderHint')}</span>
            {now.legacyOrder.length > 0 && (
              <span className="dim">{t('hw.boot.legacy', { order: now.legacyOrder.join(', ') })}</span>
            )}
            <ul className="hw-boot-list" aria-labelledby="hw-boot-order-label" data-testid="hw-boot-list">
              {values.devices.map((d, i) => (
                <li
                  key={d.id}
                  data-id={d.id}
                  draggable
                  className={
                    drag && drag.over === i && drag.from !== i
                      ? drag.from < i
                        ? 'drop-after'
                        : 'drop-before'
                      : undefined
                  }
                  data-dragging={drag?.from === i ? '' : undefined}
                  onDragStart={(e) => {
                    e.dataTransfer.effectAllowed = 'move';
                    // Firefox starts no drag without data.
                    e.dataTransfer.setData('text/plain', d.id);
                    setDrag({ from: i, over: i });
                  }}
                  onDragOver={(e) => {
                    if (!drag) return;
                    e.preventDefault();
                    e.dataTransfer.dropEffect = 'move';
                    if (drag.over !== i) setDrag({ ...drag, over: i });
                  }}
                  onDrop={(e) => {
                    e.preventDefault();
                    if (drag) moveTo(drag.from, i, false);
                    setDrag(null);
                  }}
                  onDragEnd={() => setDrag(null)}
                  onKeyDown={(e) => {
                    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
                    e.preventDefault();
                    move(i, e.key === 'ArrowUp' ? -1 : 1);
                  }}
                >
                  <span className="hw-boot-grip" aria-hidden="true" title={t('hw.boot.drag')}>
                    ⠿
                  </span>
                  <input
                    id={`hw-boot-${d.id}`}
                    type="checkbox"
                    checked={d.on}
                    onChange={(e) =>
                      set(
                        'devices',
                        values.devices.map((x) => (x.id === d.id ? { ...x, on: e.target.checked } : x)),
                      )
                    }
                  />
                  <label className="label" htmlFor={`hw-boot-${d.id}`}>
                    {rowLabel(d)}
                  </label>
                  <button
                    type="button"
                    className="btn small flat"
                    aria-label={t('hw.boot.up', { name: d.label })}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn small flat"
                    aria-label={t('hw.boot.down', { name: d.label })}
                    disabled={i === values.devices.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                </li>
              ))}
            </ul>
            <p className="sr-only" aria-live="polite" data-testid="hw-boot-announce">
              {announced}
            </p>
          </>
        )}
        {shown.order && <span className="error-text">{shown.order}</span>}
      </div>
      <CheckField
        label={t('hw.boot.menu')}
        checked={values.menu}
        onChange={(v) => set('menu', v)}
        data-testid="hw-boot-menu"
      />
      <ChoiceField
        id="hw-boot-firmware"
        label={t('hw.boot.firmware')}
        value={values.firmware}
        onChange={(v) => set('firmware', v)}
        error={shown.firmware}
        hint={t('hw.boot.efiHint')}
        data-testid="hw-boot-firmware"
        options={['bios', 'efi']}
        optionLabel={(f) => t(`hw.boot.${f}`)}
      />
      {values.firmware === 'efi' && (
        <>
          <CheckField
            label={t('hw.boot.secureBoot')}
            checked={values.secureBoot}
            disabled={!fw.secureBoot && !now.secureBoot}
            onChange={(v) => set('secureBoot', v)}
            data-testid="hw-boot-secure"
          />
          {(shown.secureBoot ?? (!fw.secureBoot && !now.secureBoot)) && (
            <span className={shown.secureBoot ? 'error-text' : 'dim'}>
              {shown.secureBoot ?? t('hw.boot.noSecureBoot')}
            </span>
          )}
        </>
      )}
      <CheckField
        label={t('hw.boot.kernel')}
        checked={values.kernelOn}
        onChange={(v) => set('kernelOn', v)}
        data-testid="hw-boot-kernel"
      />
      {values.kernelOn && (
        <>
          <TextField
            id="hw-boot-kernel-path"
            label={t('hw.boot.kernelPath')}
            value={values.kernel}
            onChange={(v) => set('kernel', v)}
            error={shown.kernel ?? null}
          />
          <TextField
            id="hw-boot-initrd-path"
            label={t('hw.boot.initrdPath')}
            value={values.initrd}
            onChange={(v) => set('initrd', v)}
          />
          <TextField
            id="hw-boot-cmdline"
            label={t('hw.boot.cmdline')}
            value={values.cmdline}
            onChange={(v) => set('cmdline', v)}
          />
        </>
      )}
      <ApplyBar
        {...barProps(props)}
        itemId="boot"
        change={change}
        invalid={Object.keys(shown).length > 0}
        onIssues={setRemote}
        onApplied={props.onApplied}
        onRevert={revert}
      />
    </section>
  );
};
