import { useState } from 'react';
import { checkTuningChange } from '../../../../shared/contract/tuning-checks.js';
import type { TuningChange, TuningGetOutput } from '../../../../shared/contract/tuning.js';
import { useT } from '../../i18n/index.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { cpuListText } from './CpuMap.js';
import { OutcomeNote, Timing, useApply } from './Outcome.js';
import { parseCpuSet } from './cpuSet.js';
import './tuning-more.css';

interface Props {
  data: TuningGetOutput;
  running: boolean;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}

/** Checks a change as the main process will, and sends it; the first issue comes back for its field. */
const useChecked = (props: Props) => {
  const { busy, outcome, apply, clear } = useApply(props.connectionId, props.vmUuid, props.onApplied);
  const send = (change: TuningChange): string | null => {
    const issues = checkTuningChange(change, {
      cells: props.data.host.cells,
      config: props.data.config,
      running: props.running,
    });
    if (issues.length > 0) {
      clear(); // the last outcome is not about what the field now holds
      return issues[0]!.message;
    }
    void apply(change);
    return null;
  };
  return { busy, outcome, send };
};

/** How many IOThreads the VM has. */
const CountForm = (props: Props) => {
  const t = useT();
  const current = props.data.config.iothreadIds.length;
  const [value, setValue] = useState(String(current));
  const [error, setError] = useState<string | null>(null);
  // The definition changed elsewhere (a profile): the field follows it (state adjusted while rendering).
  const [base, setBase] = useState(current);
  if (base !== current) {
    setBase(current);
    setValue(String(current));
  }
  const { busy, outcome, send } = useChecked(props);
  return (
    <form
      className="tune-group"
      data-testid="tune-iothreads-count"
      onSubmit={(e) => {
        e.preventDefault();
        const raw = value.trim();
        if (!/^\d{1,2}$/.test(raw) || Number(raw) > 64)
          return setError(t('tune.field.range', { min: 0, max: 64 }));
        setError(send({ kind: 'iothreads', count: Number(raw) }));
      }}
    >
      <TextField
        id="tune-iothreads-count-field"
        data-testid="tune-iothreads-count-field"
        label={t('tune.io.count')}
        value={value}
        inputMode="numeric"
        autoComplete="off"
        onChange={(v) => {
          setValue(v);
          setError(null);
        }}
        error={error}
        hint={<span className="dim">{t('tune.field.now', { value: String(current) })}</span>}
      />
      <div className="tune-apply-row">
        <Timing running={props.running} />
        <span className="spacer" />
        <button
          type="submit"
          className="btn small suggested"
          disabled={busy || value.trim() === String(current)}
          data-testid="tune-iothreads-count-apply"
        >
          {t('tune.apply')}
        </button>
      </div>
      <OutcomeNote outcome={outcome} vmName={props.vmName} testId="tune-iothreads-count-outcome" />
    </form>
  );
};

/** One IOThread: where it was asked to run, where it may run now, and a CPU set to pin it to. */
const PinForm = ({ id, ...props }: Props & { id: number }) => {
  const t = useT();
  const asked = props.data.config.iothreadPins.find((p) => p.iothread === id)?.cpus ?? null;
  const actual = props.data.iothreadsActual?.find((a) => a.id === id)?.cpus ?? null;
  const [value, setValue] = useState(asked ? cpuListText(asked) : '');
  const [error, setError] = useState<string | null>(null);
  const { busy, outcome, send } = useChecked(props);
  const testId = `tune-iothread-${id}`;
  return (
    <form
      className="tune-iothread-row"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        const cpus = parseCpuSet(value);
        if (cpus === null) return setError(t('tune.io.badSet'));
        setError(send({ kind: 'iothreadpin', iothread: id, cpus }));
      }}
    >
      <TextField
        id={`${testId}-cpus`}
        data-testid={`${testId}-cpus`}
        label={t('tune.io.pin', { n: id })}
        value={value}
        autoComplete="off"
        placeholder={t('tune.io.placeholder')}
        onChange={(v) => {
          setValue(v);
          setError(null);
        }}
        error={error}
        hint={
          <span className="dim" data-testid={`${testId}-now`}>
            {t('tune.io.now', {
              asked: asked ? cpuListText(asked) : t('tune.io.anywhere'),
              actual: actual ? cpuListText(actual) : '—',
            })}
          </span>
        }
      />
      <button type="submit" className="btn small" disabled={busy} data-testid={`${testId}-apply`}>
        {t('tune.io.pinApply')}
      </button>
      <OutcomeNote outcome={outcome} vmName={props.vmName} testId={`${testId}-outcome`} />
    </form>
  );
};

/** Which IOThread one disk uses (next boot only). */
const DiskForm = ({ target, ...props }: Props & { target: string }) => {
  const t = useT();
  const disk = props.data.config.diskIothreads.find((d) => d.target === target)!;
  const [value, setValue] = useState(disk.iothread === null ? '' : String(disk.iothread));
  const [error, setError] = useState<string | null>(null);
  const [base, setBase] = useState(disk.iothread);
  if (base !== disk.iothread) {
    setBase(disk.iothread);
    setValue(disk.iothread === null ? '' : String(disk.iothread));
  }
  const { busy, outcome, send } = useChecked(props);
  const testId = `tune-disk-iothread-${target}`;
  return (
    <form
      className="tune-iothread-row"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        setError(
          send({ kind: 'disk-iothread', disk: target, iothread: value === '' ? null : Number(value) }),
        );
      }}
    >
      <SelectField
        id={`${testId}-select`}
        data-testid={`${testId}-select`}
        label={t('tune.io.disk', { disk: target, bus: disk.bus ?? '—' })}
        value={value}
        onChange={(v) => {
          setValue(v);
          setError(null);
        }}
        error={error}
      >
        <option value="">{t('tune.io.mainLoop')}</option>
        {props.data.config.iothreadIds.map((id) => (
          <option key={id} value={String(id)}>
            {t('tune.io.thread', { n: id })}
          </option>
        ))}
      </SelectField>
      <button
        type="submit"
        className="btn small"
        disabled={busy || value === (disk.iothread === null ? '' : String(disk.iothread))}
        data-testid={`${testId}-apply`}
      >
        {t('tune.apply')}
      </button>
      <OutcomeNote outcome={outcome} vmName={props.vmName} testId={`${testId}-outcome`} />
    </form>
  );
};

/**
 * IOThreads: how many, where each runs (asked and actual), and which disks use which. Disk I/O on an
 * IOThread leaves QEMU's main loop and the vCPUs free.
 */
export const IoThreads = (props: Props) => {
  const t = useT();
  const c = props.data.config;
  return (
    <section className="tune-card" aria-labelledby="tune-io-title" data-testid="tune-iothreads">
      <h3 id="tune-io-title">{t('tune.io.title')}</h3>
      <p className="dim">{t('tune.io.what')}</p>
      <div className="tune-groups">
        <CountForm {...props} />
        {c.iothreadIds.length > 0 && (
          <div className="tune-group">
            <h4>{t('tune.io.pins')}</h4>
            {c.iothreadIds.map((id) => (
              <PinForm key={id} id={id} {...props} />
            ))}
          </div>
        )}
        {c.diskIothreads.length > 0 && (
          <div className="tune-group">
            <h4>{t('tune.io.disks')}</h4>
            <p className="dim tune-note">{t('tune.io.disksNote')}</p>
            {c.diskIothreads.map((d) => (
              <DiskForm key={d.target} target={d.target} {...props} />
            ))}
          </div>
        )}
      </div>
    </section>
  );
};
