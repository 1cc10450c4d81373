import { useMemo } from 'react';
import type { CpuChange, CpuView } from '../../../../../shared/contract/hardware.js';
import { useT } from '../../../i18n/index.js';
import { CheckField } from '../../../ui/Field.js';
import { ApplyBar } from '../ApplyBar.js';
import { checkChange } from '../issues.js';
import { ChoiceField, NumberRow, parseCount } from './fields.js';
import { barProps } from './bar.js';
import type { HwEditorProps } from './types.js';
import { useDraft } from './useDraft.js';

interface Values {
  vcpus: string;
  maxVcpus: string;
  mode: string;
  model: string;
  manualTopology: boolean;
  sockets: string;
  dies: string;
  cores: string;
  threads: string;
}

const valuesOf = (v: CpuView): Values => ({
  vcpus: String(v.vcpus),
  maxVcpus: String(v.maxVcpus),
  mode: v.mode ?? '',
  model: v.model ?? '',
  manualTopology: v.topology !== null,
  sockets: String(v.topology?.sockets ?? v.maxVcpus),
  dies: String(v.topology?.dies ?? 1),
  cores: String(v.topology?.cores ?? 1),
  threads: String(v.topology?.threads ?? 1),
});

/** vCPUs (current and maximum), CPU mode and model, topology. */
export const CpuEditor = (props: HwEditorProps) => {
  const { hw } = props;
  const t = useT();
  const now = hw.config.cpu;
  const limits = hw.limits;
  const { values, set, remote, setRemote, revert } = useDraft(now, valuesOf);

  const { change, issues } = useMemo(() => {
    const issues: Record<string, string> = {};
    const vcpus = parseCount(values.vcpus);
    const maxVcpus = parseCount(values.maxVcpus);
    if (vcpus === null) issues.vcpus = t('hw.cpu.enterCount');
    if (maxVcpus === null) issues.maxVcpus = t('hw.cpu.enterCount');
    const topo = {
      sockets: parseCount(values.sockets),
      dies: parseCount(values.dies),
      cores: parseCount(values.cores),
      threads: parseCount(values.threads),
    };
    if (values.manualTopology)
      for (const [k, v] of Object.entries(topo)) if (v === null) issues[k] = t('hw.cpu.enterCount');
    if (vcpus === null || maxVcpus === null || Object.keys(issues).length > 0)
      return { change: null, issues };
    if (limits.maxVcpus !== null && maxVcpus !== now.maxVcpus && maxVcpus > limits.maxVcpus)
      issues.maxVcpus = t('hw.cpu.overHostMax', { n: limits.maxVcpus });
    const c: CpuChange = { kind: 'cpu' };
    const topology = values.manualTopology
      ? { sockets: topo.sockets!, dies: topo.dies!, cores: topo.cores!, threads: topo.threads! }
      : null;
    const topoChanged = JSON.stringify(topology) !== JSON.stringify(now.topology);
    // Counts go together so the contract's checks (current ≤ maximum, topology = maximum) see both.
    if (vcpus !== now.vcpus || maxVcpus !== now.maxVcpus || topoChanged) {
      c.vcpus = vcpus;
      c.maxVcpus = maxVcpus;
    }
    if (topoChanged) c.topology = topology;
    if (
      values.mode &&
      (values.mode !== (now.mode ?? '') || (values.mode === 'custom' && values.model !== (now.model ?? '')))
    ) {
      c.mode = values.mode as CpuChange['mode'];
      if (values.mode === 'custom' && values.model) c.model = values.model;
    }
    if (Object.keys(c).length === 1) return { change: null, issues };
    const fromContract = checkChange(c);
    for (const [k, m] of Object.entries(fromContract)) issues[k === 'topology' ? 'sockets' : k] ??= m;
    return { change: c, issues };
  }, [values, now, limits, t]);

  const shown = { ...issues, ...remote };
  if (shown.topology) shown.sockets ??= shown.topology;
  const live = hw.live?.cpu;
  const modes = [
    ...(limits.cpu.hostPassthrough ? ['host-passthrough'] : []),
    ...(limits.cpu.hostModel ? ['host-model'] : []),
    ...(limits.cpu.custom && limits.cpu.models.length > 0 ? ['custom'] : []),
  ];
  if (now.mode && !modes.includes(now.mode)) modes.unshift(now.mode);

  return (
    <section aria-labelledby="hw-cpu-title" data-testid="hw-editor-cpu">
      <h3 id="hw-cpu-title" className="section-title">
        {t('hw.cpu.title')}
      </h3>
      <NumberRow
        values={values}
        set={set}
        errors={shown}
        fields={[
          {
            key: 'vcpus',
            id: 'hw-cpu-vcpus',
            label: t('hw.cpu.vcpus'),
            hint: live ? t('hw.cpu.liveNow', { n: live.vcpus }) : undefined,
          },
          {
            key: 'maxVcpus',
            id: 'hw-cpu-max',
            label: t('hw.cpu.maxVcpus'),
            hint: t('hw.cpu.hostHint', { cpus: limits.hostCpus, max: limits.maxVcpus ?? '?' }),
          },
        ]}
      />
      <ChoiceField
        id="hw-cpu-mode"
        label={t('hw.cpu.mode')}
        value={values.mode}
        onChange={(v) => set('mode', v)}
        error={shown.mode}
        data-testid="hw-cpu-mode"
        empty={now.mode ? undefined : t('hw.cpu.mode.default')}
        options={modes}
        optionLabel={(m) => t(`hw.cpu.mode.${m}`)}
      />
      {values.mode === 'custom' && (
        <ChoiceField
          id="hw-cpu-model"
          label={t('hw.cpu.model')}
          value={values.model}
          onChange={(v) => set('model', v)}
          error={shown.model}
          data-testid="hw-cpu-model"
          empty={values.model ? undefined : t('hw.cpu.chooseModel')}
          options={[...new Set([...(now.model ? [now.model] : []), ...limits.cpu.models])]}
        />
      )}
      <CheckField
        label={t('hw.cpu.manualTopology')}
        checked={values.manualTopology}
        onChange={(v) => set('manualTopology', v)}
        data-testid="hw-cpu-topology"
      />
      {values.manualTopology && (
        <NumberRow
          values={values}
          set={set}
          errors={shown}
          fields={(['sockets', 'dies', 'cores', 'threads'] as const).map((k) => ({
            key: k,
            id: `hw-cpu-${k}`,
            label: t(`hw.cpu.${k}`),
          }))}
        />
      )}
      <ApplyBar
        {...barProps(props)}
        itemId="cpu"
        change={change}
        invalid={Object.keys(shown).length > 0}
        onIssues={setRemote}
        onApplied={props.onApplied}
        onRevert={revert}
      />
    </section>
  );
};
