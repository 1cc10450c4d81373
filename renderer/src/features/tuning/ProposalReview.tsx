import { useEffect, useRef, useState } from 'react';
import type { PlanOutcome, Proposal } from '../../../../shared/contract/tuning-plans.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { XmlDiffView } from '../../ui/XmlDiffView.js';

/**
 * A proposed definition before it is applied: what it does and leaves out (the notes), the domain XML
 * side by side, then Apply — through the XML tab's define path (libvirt validates; a definition changed
 * since the proposal was made is refused), then on a running VM what libvirt can change live. A refusal
 * shows its reason instead, and nothing to apply.
 */
export const ProposalReview = ({
  proposal,
  title,
  connectionId,
  vmUuid,
  vmName,
  testId,
  liveParts = false,
  onApplied,
  onCancel,
}: {
  proposal: Proposal;
  title: string;
  connectionId: string;
  vmUuid: string;
  vmName: string;
  testId: string;
  /** Some of what it changes can apply to a running VM now (a profile's pins, shares…). */
  liveParts?: boolean;
  onApplied: (outcome: PlanOutcome) => void;
  onCancel: () => void;
}) => {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ message: string; detail?: string } | null>(null);
  const applyRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const same = proposal.proposedXml === proposal.beforeXml;
  useEffect(() => {
    // Reading comes first: focus lands on the review's first control, Apply when there is one.
    requestAnimationFrame(() => (applyRef.current ?? cancelRef.current)?.focus());
  }, [proposal]);

  const apply = async () => {
    if (proposal.proposedXml === null) return;
    setBusy(true);
    setFailure(null);
    try {
      // Defined through the XML tab's path, then what libvirt can change on the running VM, live.
      onApplied(
        await getApi().call('tuning.applyProposal', {
          connectionId,
          uuid: vmUuid,
          xml: proposal.proposedXml,
          expectedXml: proposal.currentXml,
        }),
      );
    } catch (e) {
      const err = toApiError(e);
      setFailure(
        err.code === 'libvirt'
          ? { message: t('tune.plan.refusedByLibvirt', { vm: vmName }), detail: err.message }
          : { message: err.message },
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      className="tune-review"
      role="region"
      aria-label={title}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <h4>{title}</h4>
      {proposal.refusal !== null && (
        <p className="error-text tune-refusal" role="alert" data-testid={`${testId}-refusal`}>
          {proposal.refusal}
        </p>
      )}
      {proposal.notes.length > 0 && (
        <ul className="tune-notes" data-testid={`${testId}-notes`}>
          {proposal.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {proposal.proposedXml !== null && !same && (
        <div className="tune-diff">
          <XmlDiffView before={proposal.beforeXml} after={proposal.proposedXml} />
        </div>
      )}
      {same && <p data-testid={`${testId}-same`}>{t('tune.plan.same')}</p>}
      <div className="tune-apply-row">
        {proposal.proposedXml !== null && !same && (
          <span className="tune-timing">
            {t(
              !proposal.running
                ? 'tune.plan.timingStopped'
                : liveParts
                  ? 'tune.plan.timingRunningLive'
                  : 'tune.plan.timingRunning',
            )}
          </span>
        )}
        <span className="spacer" />
        <button
          ref={cancelRef}
          type="button"
          className="btn small"
          disabled={busy}
          data-testid={`${testId}-cancel`}
          onClick={onCancel}
        >
          {proposal.proposedXml === null || same ? t('tune.plan.close') : t('tune.plan.cancel')}
        </button>
        {proposal.proposedXml !== null && !same && (
          <button
            ref={applyRef}
            type="button"
            className="btn small suggested"
            disabled={busy}
            data-testid={`${testId}-apply`}
            onClick={() => void apply()}
          >
            {busy ? t('tune.plan.applying') : t('tune.apply')}
          </button>
        )}
      </div>
      {failure && (
        <FailureNote message={failure.message} detail={failure.detail} testId={`${testId}-failure`} />
      )}
    </div>
  );
};
