import { useState } from 'react';
import type { HostMemoryOutput, KsmState } from '../../../../shared/contract/host-memory.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { CheckField, TextField } from '../../ui/Field.js';
import { FailureNote } from '../../ui/FailureNote.js';
import type { ChartData } from '../stats/chartData.js';
import { fmtBytes, fmtNum } from '../stats/format.js';
import { TimeChart } from '../stats/TimeChart.js';
import { errorParts } from './errorParts.js';

type Failure = { message: string; detail?: string } | null;

const useKsmCall = (connectionId: string, onChanged: (m: HostMemoryOutput) => void) => {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure>(null);
  const [done, setDone] = useState(false);
  const send = async (change: {
    run?: boolean;
    pagesToScan?: number;
    sleepMillisecs?: number;
    mergeAcrossNodes?: boolean;
  }) => {
    setBusy(true);
    setFailure(null);
    setDone(false);
    try {
      onChanged(await getApi().call('host.setKsm', { connectionId, ...change }));
      setDone(true);
    } catch (e) {
      setFailure(errorParts(toApiError(e).message));
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, done, send };
};

/** KSM on or off: a switch where VirtDesk may flip it, else the reason and the command. */
const KsmSwitch = ({
  ksm,
  connectionId,
  onChanged,
}: {
  ksm: KsmState;
  connectionId: string;
  onChanged: (m: HostMemoryOutput) => void;
}) => {
  const t = useT();
  const { busy, failure, send } = useKsmCall(connectionId, onChanged);
  const on = ksm.run === 1;
  const state =
    ksm.run === null
      ? t('hostmem.ksm.unknown')
      : t(ksm.run === 2 ? 'hostmem.ksm.unmerging' : on ? 'hostmem.ksm.on' : 'hostmem.ksm.off');
  return (
    <div className="hostmem-switch-row">
      <button
        type="button"
        role="switch"
        className="hostmem-switch"
        aria-checked={on}
        aria-labelledby="ksm-switch-label"
        aria-describedby="ksm-switch-state"
        disabled={!ksm.canSwitch || busy}
        data-testid="ksm-switch"
        onClick={() => void send({ run: !on })}
      >
        <span className="knob" />
      </button>
      <div className="hostmem-switch-text">
        <span id="ksm-switch-label" className="strong">
          {t('hostmem.ksm.switch')}
        </span>
        <span id="ksm-switch-state" className="dim" data-testid="ksm-state">
          {state}
          {!ksm.canSwitch && ` · ${t(ksm.run === null ? 'hostmem.ksm.remote' : 'hostmem.ksm.noRoot')}`}
        </span>
      </div>
      {failure && <FailureNote message={failure.message} detail={failure.detail} testId="ksm-switch-error" />}
    </div>
  );
};

const field = (raw: string, min: number, max: number): number | null => {
  const v = raw.trim();
  if (!/^\d{1,9}$/.test(v)) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
};

/** Pages to scan, sleep, merge across NUMA nodes: libvirt's three KSM knobs. */
const KsmParams = ({
  ksm,
  connectionId,
  onChanged,
}: {
  ksm: KsmState;
  connectionId: string;
  onChanged: (m: HostMemoryOutput) => void;
}) => {
  const t = useT();
  const [pages, setPages] = useState(ksm.pagesToScan === null ? '' : String(ksm.pagesToScan));
  const [sleep, setSleep] = useState(ksm.sleepMillisecs === null ? '' : String(ksm.sleepMillisecs));
  const [merge, setMerge] = useState(ksm.mergeAcrossNodes ?? true);
  const [errors, setErrors] = useState<{ pages?: string; sleep?: string }>({});
  const { busy, failure, done, send } = useKsmCall(connectionId, onChanged);
  const submit = () => {
    const p = field(pages, 0, 100000);
    const s = field(sleep, 0, 3600000);
    const errs = {
      ...(p === null ? { pages: t('hostmem.ksm.range', { min: 0, max: 100000 }) } : {}),
      ...(s === null ? { sleep: t('hostmem.ksm.range', { min: 0, max: 3600000 }) } : {}),
    };
    setErrors(errs);
    if (p === null || s === null) return;
    const change: { pagesToScan?: number; sleepMillisecs?: number; mergeAcrossNodes?: boolean } = {};
    if (p !== ksm.pagesToScan) change.pagesToScan = p;
    if (s !== ksm.sleepMillisecs) change.sleepMillisecs = s;
    if (ksm.mergeAcrossNodes !== null && merge !== ksm.mergeAcrossNodes) change.mergeAcrossNodes = merge;
    void send(change);
  };
  const dirty =
    pages !== String(ksm.pagesToScan ?? '') ||
    sleep !== String(ksm.sleepMillisecs ?? '') ||
    (ksm.mergeAcrossNodes !== null && merge !== ksm.mergeAcrossNodes);
  return (
    <form
      className="hostmem-params"
      data-testid="ksm-params"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="hostmem-fields">
        <TextField
          id="ksm-pages"
          data-testid="ksm-pages"
          label={t('hostmem.ksm.pages')}
          value={pages}
          inputMode="numeric"
          autoComplete="off"
          onChange={setPages}
          error={errors.pages ?? null}
          hint={<span className="dim">{t('hostmem.ksm.pagesHint')}</span>}
        />
        <TextField
          id="ksm-sleep"
          data-testid="ksm-sleep"
          label={t('hostmem.ksm.sleep')}
          value={sleep}
          inputMode="numeric"
          autoComplete="off"
          onChange={setSleep}
          error={errors.sleep ?? null}
          hint={<span className="dim">{t('hostmem.ksm.sleepHint')}</span>}
        />
      </div>
      {ksm.mergeAcrossNodes !== null && (
        <>
          <CheckField
            label={t('hostmem.ksm.merge')}
            checked={merge}
            onChange={setMerge}
            data-testid="ksm-merge"
          />
          <p className="dim hostmem-note">{t('hostmem.ksm.mergeHint')}</p>
        </>
      )}
      <div className="hostmem-apply-row">
        {done && !failure && (
          <span className="tune-outcome" role="status" data-testid="ksm-params-done">
            {t('hostmem.ksm.done')}
          </span>
        )}
        <span className="spacer" />
        <button
          type="submit"
          className="btn small suggested"
          disabled={!dirty || busy}
          data-testid="ksm-apply"
        >
          {t('hostmem.apply')}
        </button>
      </div>
      {failure && <FailureNote message={failure.message} detail={failure.detail} testId="ksm-params-error" />}
    </form>
  );
};

/** KSM: what it is, its switch, the live graph of shared pages and memory saved, its parameters. */
export const KsmCard = ({
  connectionId,
  data,
  chart,
  onChanged,
}: {
  connectionId: string;
  data: HostMemoryOutput;
  chart: ChartData;
  onChanged: (m: HostMemoryOutput) => void;
}) => {
  const t = useT();
  const k = data.ksm;
  const saved = k.pagesSharing === null ? null : k.pagesSharing * k.pageBytes;
  return (
    <section className="hostmem-card" aria-labelledby="ksm-title" data-testid="ksm-card">
      <h3 id="ksm-title">{t('hostmem.ksm.title')}</h3>
      <p className="dim">{t('hostmem.ksm.what')}</p>
      {k.error ? (
        <FailureNote message={t('hostmem.ksm.unavailable')} detail={k.error} testId="ksm-error" />
      ) : (
        <>
          <KsmSwitch ksm={k} connectionId={connectionId} onChanged={onChanged} />
          <div className="perf-card hostmem-chart">
            <header>
              <h4>{t('hostmem.ksm.graph')}</h4>
              <div className="perf-figure" data-testid="ksm-figures">
                <span>{t('hostmem.ksm.sharedN', { n: fmtNum(k.pagesShared) })}</span>
                <span>{t('hostmem.ksm.sharingN', { n: fmtNum(k.pagesSharing) })}</span>
                <span className="value" data-testid="ksm-saved">
                  {t('hostmem.ksm.savedN', { size: fmtBytes(saved) })}
                </span>
              </div>
            </header>
            <TimeChart
              data={chart}
              series={[
                { label: t('hostmem.ksm.sharedSeries'), stroke: '#3584e4', fill: 'rgba(53,132,228,0.12)' },
                { label: t('hostmem.ksm.savedSeries'), stroke: '#2ec27e', fill: 'rgba(46,194,126,0.15)' },
              ]}
              format={(v) => fmtBytes(v, 0)}
              windowSec={300}
              minMax={4096 * 16}
              height={140}
              ariaLabel={t('hostmem.ksm.graph')}
              testId="ksm-chart"
            />
          </div>
          <KsmParams ksm={k} connectionId={connectionId} onChanged={onChanged} />
        </>
      )}
    </section>
  );
};
