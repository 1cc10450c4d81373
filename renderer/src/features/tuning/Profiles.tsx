import { useState } from 'react';
import {
  tuningProfiles,
  type PlanOutcome,
  type TuningProfile,
} from '../../../../shared/contract/tuning-plans.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { PlanOutcomeNote } from './PlanOutcome.js';
import { useProposal } from './planStore.js';
import { ProposalReview } from './ProposalReview.js';

/**
 * Profiles: Balanced, Low latency, Throughput. Choosing one computes it for this host and this VM in the
 * main process; what it would change is shown as a diff of the domain XML with a note on each choice it
 * made (and what the host could not give), or the reason the host cannot honour it. Nothing changes
 * before Apply; then, on a running VM, what libvirt can change live applies at once, the rest at the
 * next start, each said in the outcome.
 */
export const Profiles = ({
  connectionId,
  vmUuid,
  vmName,
  onApplied,
}: {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const [chosen, setChosen] = useState<TuningProfile | null>(null);
  const [done, setDone] = useState<{ profile: TuningProfile; outcome: PlanOutcome } | null>(null);
  const { state, propose, clear } = useProposal(connectionId, vmUuid);
  const name = (p: TuningProfile) => t(`tune.profile.${p}`);

  return (
    <section className="tune-card" aria-labelledby="tune-profiles-title" data-testid="tune-profiles">
      <h3 id="tune-profiles-title">{t('tune.profile.title')}</h3>
      <p className="dim">{t('tune.profile.hint')}</p>
      <div className="tune-profile-list">
        {tuningProfiles.map((p) => (
          <div key={p} className="tune-profile" aria-current={chosen === p ? 'true' : undefined}>
            <div className="tune-profile-text">
              <strong>{name(p)}</strong>
              <span className="dim">{t(`tune.profile.${p}.what`)}</span>
            </div>
            <button
              type="button"
              className="btn small"
              data-testid={`tune-profile-${p}`}
              disabled={state.kind === 'busy'}
              onClick={() => {
                setChosen(p);
                setDone(null);
                void propose({ kind: 'profile', profile: p });
              }}
            >
              {t('tune.profile.review', { profile: name(p) })}
            </button>
          </div>
        ))}
      </div>
      {state.kind === 'busy' && <Spinner label={t('tune.profile.computing')} />}
      {state.kind === 'error' && (
        <FailureNote
          message={t('tune.profile.failed', { profile: chosen ? name(chosen) : '' })}
          detail={state.error.message}
          testId="tune-profile-error"
        />
      )}
      {state.kind === 'ready' && chosen && (
        <ProposalReview
          proposal={state.proposal}
          title={t(
            state.proposal.refusal === null ? 'tune.profile.reviewTitle' : 'tune.profile.refusedTitle',
            { profile: name(chosen) },
          )}
          connectionId={connectionId}
          vmUuid={vmUuid}
          vmName={vmName}
          testId="tune-profile-proposal"
          liveParts
          onCancel={() => {
            clear();
            requestAnimationFrame(() =>
              document.querySelector<HTMLButtonElement>(`[data-testid="tune-profile-${chosen}"]`)?.focus(),
            );
          }}
          onApplied={(outcome) => {
            clear();
            setDone({ profile: chosen, outcome });
            onApplied();
          }}
        />
      )}
      {done && (
        <PlanOutcomeNote
          outcome={done.outcome}
          lead={t('tune.profile.applied', { profile: name(done.profile) })}
          testId="tune-profile-outcome"
        />
      )}
    </section>
  );
};
