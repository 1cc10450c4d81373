import { useEffect, useRef, useState } from 'react';
import { checkSecurityChange } from '../../../../shared/contract/tuning-security-checks.js';
import {
  secLabelModes,
  type SecurityView,
  type SecLabel,
} from '../../../../shared/contract/tuning-security.js';
import { getApi } from '../../api/client.js';
import { useCall } from '../../api/hooks.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { CheckField, TextField } from '../../ui/Field.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { OutcomeNote, type TuneOutcome } from './Outcome.js';
import './tuning-more.css';

type Mode = (typeof secLabelModes)[number];

interface Props {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  /** The VM's state: the labels are read again when it changes (they are made at start). */
  state: string;
}

/**
 * The process labels, one per driver, without the empty one of the "none" driver. "Not enforcing" is
 * said of MAC labels only: the DAC driver (a "+uid:+gid" label) has no such mode.
 */
const labelsNow = (labels: readonly { label: string; enforcing: boolean }[], permissive: string): string =>
  labels
    .filter((l) => l.label !== '')
    .map((l) => (l.enforcing || /^\+?\w+:\+?\w+$/.test(l.label) ? l.label : `${l.label} (${permissive})`))
    .join(' · ') || '—';

/** The label of one driver as configured: its own `<seclabel>`, else a model-less one, else dynamic. */
const configured = (config: readonly SecLabel[], model: string): SecLabel =>
  config.find((l) => l.model === model) ??
  config.find((l) => l.model === '') ?? {
    model,
    type: 'dynamic',
    label: null,
    imageLabel: null,
    relabel: null,
  };

/** One security driver of the host: the VM's label mode for it, the label (static), relabelling. */
const DriverForm = ({
  model,
  view,
  connectionId,
  vmUuid,
  vmName,
  onApplied,
}: Omit<Props, 'state'> & { model: string; view: SecurityView; onApplied: () => void }) => {
  const t = useT();
  const now = configured(view.config, model);
  const [mode, setMode] = useState<Mode>(
    (secLabelModes as readonly string[]).includes(now.type) ? (now.type as Mode) : 'dynamic',
  );
  const [label, setLabel] = useState(now.type === 'static' ? (now.label ?? '') : '');
  const [relabel, setRelabel] = useState(now.relabel ?? true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<TuneOutcome | null>(null);
  const testId = `tune-sec-${model}`;
  const submit = async () => {
    const change = { model, mode, label: mode === 'static' ? label : null, relabel };
    const issues = checkSecurityChange(change, view.hostDrivers);
    if (issues.length > 0) return setError(issues[0]!.message);
    setError(null);
    setBusy(true);
    setOutcome(null);
    try {
      const result = await getApi().call('tuning.setSecurity', { connectionId, uuid: vmUuid, ...change });
      setOutcome({ kind: 'result', result });
      if (result.config === 'applied') onApplied();
    } catch (e) {
      setOutcome({ kind: 'error', message: toApiError(e).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="tune-group tune-sec-driver"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset className="tune-sec-modes">
        <legend>
          <h4>{t('tune.sec.driver', { model })}</h4>
        </legend>
        {secLabelModes.map((m) => (
          <label key={m} className="tune-sec-mode">
            <input
              type="radio"
              name={`${testId}-mode`}
              value={m}
              checked={mode === m}
              data-testid={`${testId}-${m}`}
              onChange={() => {
                setMode(m);
                setError(null);
              }}
            />
            <span>
              <span className="strong">{t(`tune.sec.mode.${m}`)}</span>
              <span className="dim"> — {t(`tune.sec.means.${m}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {mode === 'static' && (
        <>
          <TextField
            id={`${testId}-label`}
            data-testid={`${testId}-label`}
            label={t('tune.sec.label')}
            value={label}
            autoComplete="off"
            placeholder={
              model === 'dac'
                ? '+107:+107'
                : model === 'selinux'
                  ? 'system_u:system_r:svirt_t:s0:c10,c20'
                  : ''
            }
            onChange={(v) => {
              setLabel(v);
              setError(null);
            }}
            error={error}
          />
          <CheckField
            label={t('tune.sec.relabel')}
            checked={relabel}
            onChange={setRelabel}
            data-testid={`${testId}-relabel`}
          />
        </>
      )}
      {mode !== 'static' && error && <span className="error-text">{error}</span>}
      <div className="tune-apply-row">
        <span className="tune-timing">{t('tune.timing.nextBoot')}</span>
        <span className="spacer" />
        <button type="submit" className="btn small suggested" disabled={busy} data-testid={`${testId}-apply`}>
          {t('tune.apply')}
        </button>
      </div>
      <OutcomeNote outcome={outcome} vmName={vmName} testId={`${testId}-outcome`} />
    </form>
  );
};

/**
 * sVirt / security: the host's security drivers, the labels the running VM has now (and its DAC owner),
 * and per driver the label mode for the next boot, each choice said in one sentence.
 */
export const Security = ({ connectionId, vmUuid, vmName, state }: Props) => {
  const t = useT();
  const { data: view, error, reload } = useCall('tuning.security', { connectionId, uuid: vmUuid });
  // Labels are made when the VM starts: read them again when its state changes.
  const seen = useRef(state);
  useEffect(() => {
    if (seen.current === state) return;
    seen.current = state;
    reload();
  }, [state, reload]);
  const drivers = view?.hostDrivers.filter((d) => d.model !== 'none') ?? [];
  return (
    <section className="tune-card" aria-labelledby="tune-sec-title" data-testid="tune-security">
      <h3 id="tune-sec-title">{t('tune.sec.title')}</h3>
      <p className="dim">{t('tune.sec.what')}</p>
      {error && !view && <FailureNote message={t('tune.sec.failed')} detail={error.message} />}
      {view && (
        <>
          <dl className="tune-facts" data-testid="tune-sec-facts">
            <dt>{t('tune.sec.hostDrivers')}</dt>
            <dd data-testid="tune-sec-drivers">
              {view.hostDrivers
                .map((d) => (d.doi && d.model !== 'none' ? `${d.model} (DOI ${d.doi})` : d.model))
                .join(', ') || t('tune.sec.noDrivers')}
            </dd>
            <dt>{t('tune.sec.labelNow')}</dt>
            <dd className="mono" data-testid="tune-sec-now">
              {view.processLabels === null
                ? t('tune.sec.notRunning')
                : labelsNow(view.processLabels, t('tune.sec.permissive'))}
            </dd>
            <dt>{t('tune.sec.owner')}</dt>
            <dd className="mono" data-testid="tune-sec-owner">
              {view.dacOwner ?? (view.live === null ? t('tune.sec.notRunning') : '—')}
            </dd>
          </dl>
          {drivers.length === 0 ? (
            <p className="dim">{t('tune.sec.noDrivers')}</p>
          ) : (
            <div className="tune-groups">
              {drivers.map((d) => (
                <DriverForm
                  key={d.model}
                  model={d.model}
                  view={view}
                  connectionId={connectionId}
                  vmUuid={vmUuid}
                  vmName={vmName}
                  onApplied={reload}
                />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
};
