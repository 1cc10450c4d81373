import { useMemo } from 'react';
import type { MemoryChange, MemoryView } from '../../../../../shared/contract/hardware.js';
import { useT } from '../../../i18n/index.js';
import { CheckField } from '../../../ui/Field.js';
import { ApplyBar } from '../ApplyBar.js';
import { checkChange } from '../issues.js';
import { NumberRow, parseCount } from './fields.js';
import type { HwEditorProps } from './types.js';
import { useDraft } from './useDraft.js';

interface Values {
  currentMiB: string;
  maxMiB: string;
  hugepages: boolean;
  sharedAccess: boolean;
}

const toMiB = (kib: number): string => String(Math.round(kib / 1024));
const valuesOf = (v: MemoryView): Values => ({
  currentMiB: toMiB(v.currentKiB),
  maxMiB: toMiB(v.maxKiB),
  hugepages: v.hugepages,
  sharedAccess: v.sharedAccess,
});

/** Memory in MiB: current (the balloon, live when running) and maximum; huge pages; shared access. */
export const MemoryEditor = ({ connectionId, vmUuid, vmName, running, hw, onApplied }: HwEditorProps) => {
  const t = useT();
  const now = hw.config.memory;
  const hostMiB = Math.floor(hw.limits.hostMemoryKiB / 1024);
  const { values, set, remote, setRemote, revert } = useDraft(now, valuesOf);

  const { change, issues } = useMemo(() => {
    const issues: Record<string, string> = {};
    const cur = parseCount(values.currentMiB);
    const max = parseCount(values.maxMiB);
    if (cur === null) issues.currentKiB = t('hw.mem.enterMiB');
    if (max === null) issues.maxKiB = t('hw.mem.enterMiB');
    if (cur === null || max === null) return { change: null, issues };
    // Only what changes is held against the host (a VM made elsewhere may already have more).
    if (values.maxMiB !== toMiB(now.maxKiB) && max > hostMiB)
      issues.maxKiB = t('hw.mem.overHost', { n: hostMiB });
    if (values.maxMiB !== toMiB(now.maxKiB) && now.numaCells > 0)
      issues.maxKiB = t('hw.mem.numaMax', { n: now.numaCells });
    if (values.currentMiB !== toMiB(now.currentKiB) && cur > hostMiB)
      issues.currentKiB = t('hw.mem.overHost', { n: hostMiB });
    const c: MemoryChange = { kind: 'memory' };
    // Unchanged MiB text keeps the exact KiB (a size that is not whole MiB is not rounded away).
    const curKiB = values.currentMiB === toMiB(now.currentKiB) ? now.currentKiB : cur * 1024;
    const maxKiB = values.maxMiB === toMiB(now.maxKiB) ? now.maxKiB : max * 1024;
    if (curKiB !== now.currentKiB || maxKiB !== now.maxKiB) {
      c.currentKiB = curKiB;
      c.maxKiB = maxKiB;
    }
    if (values.hugepages !== now.hugepages) c.hugepages = values.hugepages;
    if (values.sharedAccess !== now.sharedAccess) c.sharedAccess = values.sharedAccess;
    if (Object.keys(c).length === 1) return { change: null, issues };
    for (const [k, m] of Object.entries(checkChange(c))) issues[k] ??= m;
    return { change: c, issues };
  }, [values, now, hostMiB, t]);

  const shown = { ...issues, ...remote };
  const live = hw.live?.memory;
  return (
    <section aria-labelledby="hw-mem-title" data-testid="hw-editor-memory">
      <h3 id="hw-mem-title" className="section-title">
        {t('hw.mem.title')}
      </h3>
      <NumberRow
        values={values}
        set={set}
        errors={shown}
        fields={[
          {
            key: 'currentMiB',
            issue: 'currentKiB',
            id: 'hw-mem-current',
            label: t('hw.mem.current'),
            hint: live ? t('hw.mem.liveNow', { n: toMiB(live.currentKiB) }) : undefined,
          },
          {
            key: 'maxMiB',
            issue: 'maxKiB',
            id: 'hw-mem-max',
            label: t('hw.mem.max'),
            hint:
              now.numaCells > 0
                ? t('hw.mem.numaHint', { n: now.numaCells })
                : t('hw.mem.hostHint', { n: hostMiB }),
          },
        ]}
      />
      <CheckField
        label={t('hw.mem.hugepages')}
        checked={values.hugepages}
        onChange={(v) => set('hugepages', v)}
        data-testid="hw-mem-hugepages"
      />
      <CheckField
        label={t('hw.mem.shared')}
        checked={values.sharedAccess}
        onChange={(v) => set('sharedAccess', v)}
        data-testid="hw-mem-shared"
      />
      {shown.sharedAccess && <span className="error-text">{shown.sharedAccess}</span>}
      <ApplyBar
        connectionId={connectionId}
        vmUuid={vmUuid}
        vmName={vmName}
        running={running}
        itemId="memory"
        change={change}
        now={hw.config}
        invalid={Object.keys(shown).length > 0}
        onIssues={setRemote}
        onApplied={onApplied}
        onRevert={revert}
      />
    </section>
  );
};
