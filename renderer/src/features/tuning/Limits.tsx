import { useEffect, useRef, useState } from 'react';
import { checkTuningChange } from '../../../../shared/contract/tuning-checks.js';
import {
  numaModes,
  type TuningChange,
  type TuningGetOutput,
  type TuningView,
} from '../../../../shared/contract/tuning.js';
import { useT } from '../../i18n/index.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { cpuListText } from './CpuMap.js';
import { OutcomeNote, Timing, useApply } from './Outcome.js';

interface FieldDef {
  /** The change's field name (issues name it by this path). */
  key: string;
  label: string;
  /** The value the VM's definition states, as text ('' = none): the field starts with it. */
  current: string;
  /** The value in effect as libvirt reports it (defaults included), for the "Now:" line; else `current`. */
  now?: string | undefined;
  /** What "none" means for this field, when it may be left empty (else empty is refused). */
  emptyMeans?: string;
  min: number;
  max: number;
}

const MiB = 1024;

/**
 * One group of limits (memory, CPU, block I/O weight, a disk's throttle): its fields with their current
 * values, when it applies, Apply, and the outcome. Values are checked at the field — range, then what the
 * host and the VM allow (the same checks the main process makes) — before anything is sent.
 */
const LimitGroup = ({
  id,
  title,
  fields,
  build,
  note,
  data,
  running,
  connectionId,
  vmUuid,
  vmName,
  onApplied,
}: {
  id: string;
  title: string;
  fields: FieldDef[];
  /** The change from the parsed values (null = left empty). */
  build: (v: Record<string, number | null>) => TuningChange;
  /** One sentence under the fields (what is not offered here, and why). */
  note?: string;
  data: TuningGetOutput;
  running: boolean;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const initial = Object.fromEntries(fields.map((f) => [f.key, f.current]));
  const [values, setValues] = useState<Record<string, string>>(initial);
  // When the values in effect change (after an apply here or elsewhere), untouched fields follow them
  // and fields being edited keep what was typed; the form is not remounted, so its outcome stays shown.
  const initialKey = JSON.stringify(initial);
  const previous = useRef(initial);
  useEffect(() => {
    const before = previous.current;
    previous.current = initial;
    setValues((v) =>
      Object.fromEntries(
        Object.entries(initial).map(([k, now]) => [k, v[k] === before[k] ? now : (v[k] ?? now)]),
      ),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `initial` is rebuilt each render; its content is the key
  }, [initialKey]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, outcome, apply } = useApply(connectionId, vmUuid, onApplied);
  const dirty = fields.some((f) => values[f.key] !== f.current);

  const submit = () => {
    const parsed: Record<string, number | null> = {};
    const errs: Record<string, string> = {};
    for (const f of fields) {
      const raw = (values[f.key] ?? '').trim();
      if (raw === '') {
        if (f.emptyMeans === undefined) errs[f.key] = t('tune.field.required');
        parsed[f.key] = null;
        continue;
      }
      const n = /^-?\d{1,17}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < f.min || n > f.max)
        errs[f.key] = t('tune.field.range', { min: f.min, max: f.max });
      parsed[f.key] = n;
    }
    if (Object.keys(errs).length === 0) {
      const change = build(parsed);
      for (const i of checkTuningChange(change, { cells: data.host.cells, config: data.config, running }))
        errs[String(i.path[i.path.length - 1])] ??= i.message;
      if (Object.keys(errs).length === 0) {
        setErrors({});
        return void apply(change);
      }
    }
    setErrors(errs);
  };
  // Issues the main process found land on their fields too.
  const remote = outcome?.kind === 'error' ? (outcome.issues ?? []) : [];
  const errorOf = (key: string) =>
    errors[key] ?? remote.find((i) => String(i.path[i.path.length - 1]) === key)?.message ?? null;

  return (
    <form
      className="tune-group"
      aria-labelledby={`${id}-title`}
      data-testid={id}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h4 id={`${id}-title`}>{title}</h4>
      <div className="tune-fields">
        {fields.map((f) => (
          <TextField
            key={f.key}
            id={`${id}-${f.key}`}
            data-testid={`${id}-${f.key}`}
            label={f.label}
            value={values[f.key] ?? ''}
            inputMode="numeric"
            autoComplete="off"
            onChange={(v) => {
              setValues({ ...values, [f.key]: v });
              if (errors[f.key]) setErrors({ ...errors, [f.key]: '' });
            }}
            error={errorOf(f.key)}
            hint={<span className="dim">{t('tune.field.now', { value: nowText(f) })}</span>}
          />
        ))}
      </div>
      {note && <p className="dim tune-note">{note}</p>}
      <div className="tune-apply-row">
        <Timing running={running} />
        <span className="spacer" />
        <button
          type="submit"
          className="btn small suggested"
          disabled={!dirty || busy}
          data-testid={`${id}-apply`}
        >
          {t('tune.apply')}
        </button>
      </div>
      <OutcomeNote outcome={remote.length > 0 ? null : outcome} vmName={vmName} testId={`${id}-outcome`} />
    </form>
  );
};

/** 0,1 / "0-1" / "0, 2" → node numbers; null when it is not such a list. */
const parseNodes = (raw: string): number[] | null => {
  const out = new Set<number>();
  for (const part of raw.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const [a, b] = p.split('-').map((x) => x.trim());
    if (!/^\d{1,4}$/.test(a ?? '') || (b !== undefined && !/^\d{1,4}$/.test(b))) return null;
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    if (hi < lo || hi > 1023) return null;
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return [...out].sort((x, y) => x - y);
};

/** NUMA memory: the mode and the host nodes the VM's memory comes from (`<numatune><memory>`). */
const NumaGroup = ({
  data,
  running,
  connectionId,
  vmUuid,
  vmName,
  onApplied,
}: {
  data: TuningGetOutput;
  running: boolean;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const numa = data.config.numa;
  const initialNodes = numa?.nodeset ? cpuListText(numa.nodeset) : '';
  const [mode, setMode] = useState<(typeof numaModes)[number]>(
    (numaModes as readonly string[]).includes(numa?.mode ?? '')
      ? (numa!.mode as (typeof numaModes)[number])
      : 'strict',
  );
  const [nodes, setNodes] = useState(initialNodes);
  const [error, setError] = useState<string | null>(null);
  const { busy, outcome, apply } = useApply(connectionId, vmUuid, onApplied);
  const submit = () => {
    const nodeset = parseNodes(nodes.replace(/–/g, '-'));
    if (nodeset === null) return setError(t('tune.numa.badList'));
    const change: TuningChange = { kind: 'numatune', mode, nodeset };
    const issues = checkTuningChange(change, { cells: data.host.cells, config: data.config, running });
    if (issues.length > 0) return setError(issues[0]!.message);
    setError(null);
    void apply(change);
  };
  return (
    <form
      className="tune-group"
      aria-labelledby="tune-numa-title"
      data-testid="tune-numa"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h4 id="tune-numa-title">{t('tune.numa.title')}</h4>
      <div className="tune-fields">
        <SelectField
          id="tune-numa-mode"
          data-testid="tune-numa-mode"
          label={t('tune.numa.mode')}
          value={mode}
          onChange={(v) => setMode(v as (typeof numaModes)[number])}
        >
          {numaModes.map((m) => (
            <option key={m} value={m}>
              {t(`tune.numa.mode.${m}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          id="tune-numa-nodes"
          data-testid="tune-numa-nodes"
          label={t('tune.numa.nodes', { nodes: cpuListText(data.host.cells.map((c) => c.id)) })}
          value={nodes}
          autoComplete="off"
          onChange={(v) => {
            setNodes(v);
            setError(null);
          }}
          error={error}
          hint={
            <span className="dim">
              {t('tune.field.now', {
                value: numa
                  ? `${t(`tune.numa.mode.${numa.mode}`)} · ${initialNodes || '—'}`
                  : t('tune.numa.none'),
              })}
            </span>
          }
        />
      </div>
      <div className="tune-apply-row">
        <Timing running={running} />
        <span className="spacer" />
        <button type="submit" className="btn small suggested" disabled={busy} data-testid="tune-numa-apply">
          {t('tune.apply')}
        </button>
      </div>
      <OutcomeNote outcome={outcome} vmName={vmName} testId="tune-numa-outcome" />
    </form>
  );
};

const nowText = (f: FieldDef): string => {
  const v = f.now || f.current;
  return v === '' ? (f.emptyMeans ?? '—') : v;
};

const text = (n: number | null | undefined, scale = 1): string =>
  n === null || n === undefined ? '' : String(Math.round(n / scale));

/** A memory limit as libvirt reports it; "unlimited" (≥ 2^53 − 1 KiB or so) shows as none. */
const limitText = (kib: number | null): string => (kib === null || kib >= 2 ** 52 ? '' : text(kib, MiB));

/** The Limits section: memtune, CPU shares/period/quota, block I/O weight, per-disk throttling. */
export const Limits = (props: {
  data: TuningGetOutput;
  running: boolean;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const c: TuningView = props.data.config;
  const e = props.data.effective;
  return (
    <section className="tune-card" aria-labelledby="tune-limits-title" data-testid="tune-limits">
      <h3 id="tune-limits-title">{t('tune.limits.title')}</h3>
      <div className="tune-groups">
        <LimitGroup
          {...props}
          id="tune-mem"
          title={t('tune.mem.title')}
          fields={[
            {
              key: 'hardLimitKiB',
              label: t('tune.mem.hard'),
              current: limitText(c.memtune.hardLimitKiB),
              now: limitText(e.hardLimitKiB),
              emptyMeans: t('tune.noLimit'),
              min: 1,
              max: 2 ** 42,
            },
            {
              key: 'softLimitKiB',
              label: t('tune.mem.soft'),
              current: limitText(c.memtune.softLimitKiB),
              now: limitText(e.softLimitKiB),
              emptyMeans: t('tune.noLimit'),
              min: 1,
              max: 2 ** 42,
            },
            {
              key: 'swapHardLimitKiB',
              label: t('tune.mem.swap'),
              current: limitText(c.memtune.swapHardLimitKiB),
              emptyMeans: t('tune.noLimit'),
              min: 1,
              max: 2 ** 42,
            },
          ]}
          build={(v) => ({
            kind: 'memtune',
            hardLimitKiB: v.hardLimitKiB === null ? null : v.hardLimitKiB! * MiB,
            softLimitKiB: v.softLimitKiB === null ? null : v.softLimitKiB! * MiB,
            // Sent only when changed: a kernel without swap accounting refuses it even when left as it was.
            ...(String(v.swapHardLimitKiB ?? '') !== limitText(c.memtune.swapHardLimitKiB)
              ? { swapHardLimitKiB: v.swapHardLimitKiB == null ? null : v.swapHardLimitKiB * MiB }
              : {}),
          })}
          note={t('tune.mem.minGuarantee')}
        />
        <LimitGroup
          {...props}
          id="tune-sched"
          title={t('tune.sched.title')}
          fields={[
            {
              key: 'shares',
              label: t('tune.sched.shares'),
              current: text(c.shares),
              now: text(e.shares),
              emptyMeans: t('tune.unchanged'),
              min: 2,
              max: 262144,
            },
            {
              key: 'period',
              label: t('tune.sched.period'),
              current: text(c.period),
              now: text(e.period),
              emptyMeans: t('tune.unchanged'),
              min: 1000,
              max: 1000000,
            },
            {
              key: 'quota',
              label: t('tune.sched.quota'),
              current: text(c.quota),
              now: text(e.quota),
              emptyMeans: t('tune.unchanged'),
              min: -1,
              max: 17592186044415,
            },
            ...(['emulator', 'iothread'] as const).flatMap((who) => [
              {
                key: `${who}Period`,
                label: t(`tune.sched.${who}Period`),
                current: text(c[`${who}Period`]),
                now: '',
                emptyMeans: t('tune.unchanged'),
                min: 1000,
                max: 1000000,
              },
              {
                key: `${who}Quota`,
                label: t(`tune.sched.${who}Quota`),
                current: text(c[`${who}Quota`]),
                now: '',
                emptyMeans: t('tune.unchanged'),
                min: -1,
                max: 17592186044415,
              },
            ]),
          ]}
          build={(v) => {
            const set = (k: string) => (v[k] !== null && v[k] !== undefined ? { [k]: v[k] } : {});
            return {
              kind: 'sched',
              ...set('shares'),
              ...set('period'),
              ...set('quota'),
              ...set('emulatorPeriod'),
              ...set('emulatorQuota'),
              ...set('iothreadPeriod'),
              ...set('iothreadQuota'),
            } as TuningChange;
          }}
        />
        <LimitGroup
          {...props}
          id="tune-blkio"
          title={t('tune.blkio.title')}
          fields={[
            {
              key: 'weight',
              label: t('tune.blkio.weight'),
              current: text(c.blkioWeight),
              now: text(e.blkioWeight),
              min: 10,
              max: 1000,
            },
          ]}
          build={(v) => ({ kind: 'blkio', weight: v.weight! })}
        />
        <NumaGroup {...props} />
        {c.disks.map((d) => (
          <LimitGroup
            {...props}
            key={d.target}
            id={`tune-disk-${d.target}`}
            title={t('tune.disk.title', { disk: d.target })}
            fields={[
              {
                key: 'totalBytesSec',
                label: t('tune.disk.bytes'),
                current: text(d.iotune.totalBytesSec, 1024),
                min: 0,
                max: 2 ** 43,
              },
              {
                key: 'totalIopsSec',
                label: t('tune.disk.iops'),
                current: text(d.iotune.totalIopsSec),
                min: 0,
                max: 2 ** 43,
              },
            ]}
            build={(v) => ({
              kind: 'iotune',
              disk: d.target,
              iotune: {
                ...d.iotune,
                totalBytesSec: (v.totalBytesSec ?? 0) * 1024,
                totalIopsSec: v.totalIopsSec ?? 0,
              },
            })}
          />
        ))}
      </div>
    </section>
  );
};
