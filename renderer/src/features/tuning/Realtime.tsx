import { useState } from 'react';
import { checkRealtimeSettings } from '../../../../shared/contract/tuning-plan-checks.js';
import {
  realtimeSchedulers,
  vcpuSchedulers,
  type PlanOutcome,
  type RealtimeSettings,
  type TuningRealtimeOutput,
  type VcpuScheduler,
  type VcpuThreadPolicy,
} from '../../../../shared/contract/tuning-plans.js';
import { useT } from '../../i18n/index.js';
import { CheckField, SelectField, TextField } from '../../ui/Field.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { cpuListText } from './CpuMap.js';
import { PlanOutcomeNote } from './PlanOutcome.js';
import { useProposal } from './planStore.js';
import { ProposalReview } from './ProposalReview.js';

interface Row {
  vcpus: string;
  scheduler: VcpuScheduler;
  priority: string;
}

/** "0-1, 3" / "0–1" → vCPU numbers; null when it is not such a list. */
export const parseVcpuList = (raw: string): number[] | null => {
  const out = new Set<number>();
  for (const part of raw.replace(/–/g, '-').split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(p);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi > 16383) return null;
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
};

const rowsOf = (s: RealtimeSettings): Row[] =>
  s.vcpusched.map((v) => ({
    vcpus: cpuListText(v.vcpus),
    scheduler: v.scheduler,
    priority: v.priority === null ? '' : String(v.priority),
  }));

const isRealtime = (s: VcpuScheduler) => realtimeSchedulers.includes(s);
const isRealtimePolicy = (p: VcpuThreadPolicy) => p === 'fifo' || p === 'rr';

/**
 * Realtime and low latency: what the host lacks for it said first, the VM's vCPU scheduler policy per
 * vCPU set (FIFO/RR with a priority, or other/batch/idle) and locked memory, then the change reviewed
 * as a diff of the domain XML and applied for the VM's next start (libvirt has no live call for them).
 * Beside what was asked, how the kernel schedules each running vCPU thread now (local hosts only).
 */
export const Realtime = ({
  data,
  connectionId,
  vmUuid,
  vmName,
  onApplied,
}: {
  data: TuningRealtimeOutput;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const [rows, setRows] = useState<Row[]>(() => rowsOf(data.config));
  const [locked, setLocked] = useState(data.config.locked);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [done, setDone] = useState<PlanOutcome | null>(null);
  const { state, propose, clear } = useProposal(connectionId, vmUuid);
  const initial = JSON.stringify({ rows: rowsOf(data.config), locked: data.config.locked });
  const dirty = JSON.stringify({ rows, locked }) !== initial;
  // The definition changed (an apply here, a profile, the XML tab): start again from what it says now
  // (state adjusted while rendering, React's way for state that follows a prop).
  const [base, setBase] = useState(initial);
  if (base !== initial) {
    setBase(initial);
    setRows(rowsOf(data.config));
    setLocked(data.config.locked);
    setIssues({});
  }
  const host = data.host;

  const policyName = (s: string) => t(`tune.rt.policy.${s}`);
  const describe = (s: RealtimeSettings) =>
    s.vcpusched.length === 0 && !s.locked
      ? t('tune.rt.nothing')
      : [
          ...s.vcpusched.map((v) =>
            t(v.priority === null ? 'tune.rt.rowText' : 'tune.rt.rowTextPriority', {
              vcpus: cpuListText(v.vcpus),
              policy: policyName(v.scheduler),
              priority: v.priority ?? '',
            }),
          ),
          ...(s.locked ? [t('tune.rt.lockedText')] : []),
        ].join('; ');

  // How the kernel schedules each vCPU thread now, beside what was asked (read from /proc, local only).
  const threadsText = (): string => {
    const th = data.threads;
    if (th.status === 'remote') return t('tune.rt.threadsRemote');
    if (th.status === 'not-found') return t('tune.rt.threadsNotFound');
    if (th.threads.length === 0) return t('tune.rt.threadsNone');
    return th.threads
      .map((v) =>
        t(isRealtimePolicy(v.policy) ? 'tune.rt.threadTextPriority' : 'tune.rt.threadText', {
          vcpu: v.vcpu,
          policy: policyName(v.policy),
          priority: v.priority,
        }),
      )
      .join('; ');
  };

  const setRow = (i: number, patch: Partial<Row>) => {
    setRows(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
    setIssues({});
    setDone(null);
  };

  const review = () => {
    const errs: Record<string, string> = {};
    const vcpusched = rows.map((r, i) => {
      const vcpus = parseVcpuList(r.vcpus);
      if (vcpus === null || vcpus.length === 0) errs[`${i}.vcpus`] = t('tune.rt.badVcpus');
      const p = r.priority.trim();
      const priority = p === '' ? null : /^\d{1,2}$/.test(p) ? Number(p) : NaN;
      if (priority !== null && !(priority >= 1 && priority <= 99))
        errs[`${i}.priority`] = t('tune.rt.badPriority');
      return {
        vcpus: vcpus ?? [],
        scheduler: r.scheduler,
        priority: priority === null || isNaN(priority) ? null : priority,
      };
    });
    const settings: RealtimeSettings = { vcpusched, locked };
    if (Object.keys(errs).length === 0)
      for (const issue of checkRealtimeSettings(settings, data.maxVcpus))
        errs[`${String(issue.path[1])}.${String(issue.path[2])}`] ??= issue.message;
    setIssues(errs);
    if (Object.keys(errs).length === 0) void propose({ kind: 'realtime', settings });
  };

  return (
    <section className="tune-card" aria-labelledby="tune-rt-title" data-testid="tune-rt">
      <h3 id="tune-rt-title">{t('tune.rt.title')}</h3>
      <div className="tune-host-facts" data-testid="tune-rt-host">
        {host.where === 'remote' ? (
          <p>{host.lacks[0]}</p>
        ) : (
          <>
            <dl className="tune-facts">
              <dt>{t('tune.rt.isolated')}</dt>
              <dd data-testid="tune-rt-isolated">
                {host.isolatedCpus === null || host.isolatedCpus.length === 0
                  ? t('tune.rt.none')
                  : cpuListText(host.isolatedCpus)}
              </dd>
              <dt>{t('tune.rt.kernel')}</dt>
              <dd>{t(host.realtimeKernel ? 'tune.rt.kernelRt' : 'tune.rt.kernelNotRt')}</dd>
              <dt>{t('tune.rt.budget')}</dt>
              <dd>{t(host.realtimeBudget ? 'tune.rt.yes' : 'tune.rt.no')}</dd>
              <dt>{t('tune.rt.memlock')}</dt>
              <dd>
                {host.memoryLock
                  ? t('tune.rt.yes')
                  : t('tune.rt.capped', { kib: host.memlockLimitKiB ?? '?' })}
              </dd>
            </dl>
            {host.lacks.length === 0 ? (
              <p data-testid="tune-rt-lacks-none">{t('tune.rt.lacksNothing')}</p>
            ) : (
              <>
                <h4>{t('tune.rt.lacks')}</h4>
                <ul className="tune-notes" data-testid="tune-rt-lacks">
                  {host.lacks.map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </div>
      <dl className="tune-facts">
        <dt>{t('tune.rt.nextBoot')}</dt>
        <dd data-testid="tune-rt-config">{describe(data.config)}</dd>
        {data.live && JSON.stringify(data.live) !== JSON.stringify(data.config) && (
          <>
            <dt>{t('tune.cpu.actual')}</dt>
            <dd data-testid="tune-rt-live">{describe(data.live)}</dd>
          </>
        )}
        {data.threads.status !== 'not-running' && (
          <>
            <dt>{t('tune.rt.threads')}</dt>
            <dd data-testid="tune-rt-threads">{threadsText()}</dd>
          </>
        )}
      </dl>
      <form
        className="tune-group"
        onSubmit={(e) => {
          e.preventDefault();
          review();
        }}
      >
        {rows.length === 0 && <p className="dim">{t('tune.rt.noRows')}</p>}
        {rows.map((r, i) => (
          <div className="tune-rt-row" key={i} data-testid={`tune-rt-row-${i}`}>
            <TextField
              id={`tune-rt-vcpus-${i}`}
              data-testid={`tune-rt-vcpus-${i}`}
              label={t('tune.rt.vcpus')}
              value={r.vcpus}
              placeholder={`0–${data.maxVcpus - 1}`}
              autoComplete="off"
              onChange={(v) => setRow(i, { vcpus: v })}
              error={issues[`${i}.vcpus`] ?? null}
            />
            <SelectField
              id={`tune-rt-policy-${i}`}
              data-testid={`tune-rt-policy-${i}`}
              label={t('tune.rt.policy')}
              value={r.scheduler}
              onChange={(v) => {
                const scheduler = v as VcpuScheduler;
                setRow(i, { scheduler, priority: isRealtime(scheduler) ? r.priority || '1' : '' });
              }}
            >
              {vcpuSchedulers.map((s) => (
                <option key={s} value={s}>
                  {policyName(s)}
                </option>
              ))}
            </SelectField>
            <TextField
              id={`tune-rt-priority-${i}`}
              data-testid={`tune-rt-priority-${i}`}
              label={t('tune.rt.priority')}
              value={r.priority}
              inputMode="numeric"
              autoComplete="off"
              disabled={!isRealtime(r.scheduler)}
              onChange={(v) => setRow(i, { priority: v })}
              error={issues[`${i}.priority`] ?? null}
            />
            <button
              type="button"
              className="btn small flat"
              data-testid={`tune-rt-remove-${i}`}
              aria-label={t('tune.rt.removeRow', { n: i + 1 })}
              onClick={() => {
                setRows(rows.filter((_, k) => k !== i));
                setIssues({});
              }}
            >
              {t('tune.rt.remove')}
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="btn small"
            data-testid="tune-rt-add"
            onClick={() => {
              const used = new Set(rows.flatMap((r) => parseVcpuList(r.vcpus) ?? []));
              const free = Array.from({ length: data.maxVcpus }, (_, k) => k).filter((k) => !used.has(k));
              setRows([...rows, { vcpus: cpuListText(free), scheduler: 'fifo', priority: '1' }]);
              setDone(null);
            }}
          >
            {t('tune.rt.add')}
          </button>
        </div>
        <p className="dim">{t('tune.rt.policyHint')}</p>
        <CheckField
          label={t('tune.rt.locked')}
          checked={locked}
          data-testid="tune-rt-locked"
          onChange={(v) => {
            setLocked(v);
            setDone(null);
          }}
        />
        <p className="dim">{t('tune.rt.lockedHint')}</p>
        <div className="tune-apply-row">
          <span className="tune-timing">{t('tune.plan.timingNote')}</span>
          <span className="spacer" />
          <button
            type="button"
            className="btn small"
            disabled={!dirty || state.kind === 'busy'}
            data-testid="tune-rt-revert"
            onClick={() => {
              setRows(rowsOf(data.config));
              setLocked(data.config.locked);
              setIssues({});
              clear();
            }}
          >
            {t('tune.revert')}
          </button>
          <button
            type="submit"
            className="btn small suggested"
            disabled={!dirty || state.kind === 'busy'}
            data-testid="tune-rt-review"
          >
            {t('tune.plan.review')}
          </button>
        </div>
      </form>
      {state.kind === 'error' && <FailureNote message={state.error.message} testId="tune-rt-propose-error" />}
      {state.kind === 'ready' && (
        <ProposalReview
          proposal={state.proposal}
          title={t('tune.rt.reviewTitle')}
          connectionId={connectionId}
          vmUuid={vmUuid}
          vmName={vmName}
          testId="tune-rt-proposal"
          onCancel={clear}
          onApplied={(outcome) => {
            clear();
            setDone(outcome);
            onApplied();
          }}
        />
      )}
      {done && <PlanOutcomeNote outcome={done} testId="tune-rt-outcome" />}
    </section>
  );
};
