import { useState } from 'react';
import { checkTuningChange } from '../../../../shared/contract/tuning-checks.js';
import type { BlkioDevice, TuningGetOutput } from '../../../../shared/contract/tuning.js';
import { useT } from '../../i18n/index.js';
import { TextField } from '../../ui/Field.js';
import { OutcomeNote, Timing, useApply } from './Outcome.js';
import './tuning-more.css';

interface Props {
  data: TuningGetOutput;
  running: boolean;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}

/** The numeric fields of a device, their units in the form (bytes as KiB/s) and their bounds. */
const FIELDS = [
  { key: 'weight', scale: 1, max: 1000 },
  { key: 'readBytesSec', scale: 1024, max: 2 ** 43 },
  { key: 'writeBytesSec', scale: 1024, max: 2 ** 43 },
  { key: 'readIopsSec', scale: 1, max: 2 ** 43 },
  { key: 'writeIopsSec', scale: 1, max: 2 ** 43 },
] as const;
type Key = (typeof FIELDS)[number]['key'];

const EMPTY: BlkioDevice = {
  path: '',
  weight: 0,
  readBytesSec: 0,
  writeBytesSec: 0,
  readIopsSec: 0,
  writeIopsSec: 0,
};

/** One host block device's limits (an existing one, or a new one when `device.path` is empty). */
const DeviceForm = ({ device, index, ...props }: Props & { device: BlkioDevice; index: number }) => {
  const t = useT();
  const isNew = device.path === '';
  const [path, setPath] = useState(device.path);
  const [values, setValues] = useState<Record<Key, string>>(
    Object.fromEntries(FIELDS.map((f) => [f.key, String(Math.round(device[f.key] / f.scale))])) as Record<
      Key,
      string
    >,
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, outcome, apply } = useApply(props.connectionId, props.vmUuid, props.onApplied);
  const testId = isNew ? 'tune-blkdev-new' : `tune-blkdev-${index}`;
  const submit = () => {
    const errs: Record<string, string> = {};
    const next: BlkioDevice = { ...EMPTY, path: path.trim() };
    for (const f of FIELDS) {
      const raw = (values[f.key] ?? '').trim() || '0';
      const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n > f.max) errs[f.key] = t('tune.field.range', { min: 0, max: f.max });
      else next[f.key] = n * f.scale;
    }
    if (Object.keys(errs).length === 0) {
      const change = { kind: 'blkiodevice' as const, device: next };
      for (const i of checkTuningChange(change, {
        cells: props.data.host.cells,
        config: props.data.config,
        running: props.running,
      }))
        errs[String(i.path[i.path.length - 1])] ??= i.message;
      if (Object.keys(errs).length === 0) {
        setErrors({});
        return void apply(change);
      }
    }
    setErrors(errs);
  };
  const field = (key: Key, label: string) => (
    <TextField
      key={key}
      id={`${testId}-${key}`}
      data-testid={`${testId}-${key}`}
      label={label}
      value={values[key]}
      inputMode="numeric"
      autoComplete="off"
      onChange={(v) => {
        setValues({ ...values, [key]: v });
        setErrors({ ...errors, [key]: '' });
      }}
      error={errors[key] || null}
    />
  );
  return (
    <form
      className="tune-group tune-blkdev"
      data-testid={testId}
      aria-label={isNew ? t('tune.blkdev.new') : device.path}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {isNew ? (
        <TextField
          id={`${testId}-path`}
          data-testid={`${testId}-path`}
          label={t('tune.blkdev.path')}
          value={path}
          autoComplete="off"
          placeholder="/dev/sda"
          onChange={(v) => {
            setPath(v);
            setErrors({ ...errors, path: '' });
          }}
          error={errors.path || null}
        />
      ) : (
        <h4 className="mono">{device.path}</h4>
      )}
      <div className="tune-blkdev-fields">
        {field('weight', t('tune.blkdev.weight'))}
        {field('readBytesSec', t('tune.blkdev.readBytes'))}
        {field('writeBytesSec', t('tune.blkdev.writeBytes'))}
        {field('readIopsSec', t('tune.blkdev.readIops'))}
        {field('writeIopsSec', t('tune.blkdev.writeIops'))}
      </div>
      <div className="tune-apply-row">
        <Timing running={props.running} />
        <span className="spacer" />
        <button type="submit" className="btn small suggested" disabled={busy} data-testid={`${testId}-apply`}>
          {t(isNew ? 'tune.blkdev.add' : 'tune.apply')}
        </button>
      </div>
      <OutcomeNote outcome={outcome} vmName={props.vmName} testId={`${testId}-outcome`} />
    </form>
  );
};

/** Per-device block I/O: weight and read/write limits on host block devices (`<blkiotune><device>`). */
export const BlkioDevices = (props: Props) => {
  const t = useT();
  const devices = props.data.config.blkioDevices;
  return (
    <section
      className="tune-card"
      aria-labelledby="tune-blkdev-title"
      data-testid="tune-blkdevs"
      key={JSON.stringify(devices)}
    >
      <h3 id="tune-blkdev-title">{t('tune.blkdev.title')}</h3>
      <p className="dim">{t('tune.blkdev.what')}</p>
      <div className="tune-groups">
        {devices.map((d, i) => (
          <DeviceForm key={d.path} device={d} index={i} {...props} />
        ))}
        <DeviceForm device={EMPTY} index={devices.length} {...props} />
      </div>
    </section>
  );
};
