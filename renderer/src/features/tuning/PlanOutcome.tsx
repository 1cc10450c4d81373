import type { PlanOutcome } from '../../../../shared/contract/tuning-plans.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';

/**
 * What a proposal applied did, in plain words: on a stopped VM, saved for its start; on a running VM,
 * what it took now, what waits for its restart, and each part libvirt refused on the running VM (with
 * libvirt's text; it stays saved for the next start).
 */
export const PlanOutcomeNote = ({
  outcome,
  lead,
  testId,
}: {
  outcome: PlanOutcome;
  /** A first sentence ("Low latency applied."), or none. */
  lead?: string;
  testId: string;
}) => {
  const t = useT();
  const first = lead ? `${lead} ` : '';
  if (!outcome.running)
    return (
      <p className="tune-outcome" role="status" data-testid={testId}>
        {first}
        {t('tune.plan.saved')}
      </p>
    );
  const nothingLive = outcome.now.length === 0 && outcome.refused.length === 0;
  return (
    <div className="tune-plan-outcome" role="status" data-testid={testId}>
      <p className="tune-outcome">
        {first}
        {t(nothingLive ? 'tune.plan.savedNextStart' : 'tune.plan.savedAndLive')}
      </p>
      {outcome.now.length > 0 && (
        <div data-testid={`${testId}-now`}>
          <strong>{t('tune.plan.now')}</strong>
          <ul className="tune-notes">
            {outcome.now.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </div>
      )}
      {outcome.atRestart.length > 0 && (
        <div data-testid={`${testId}-restart`}>
          <strong>{t('tune.plan.atRestart')}</strong>
          <ul className="tune-notes">
            {outcome.atRestart.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </div>
      )}
      {outcome.refused.map((r) => (
        <FailureNote
          key={r.what}
          message={t('tune.plan.refusedLive', { what: r.what })}
          detail={r.detail}
          testId={`${testId}-refused`}
        />
      ))}
    </div>
  );
};
