import { useState } from 'react';
import type { TuningApplyOutput, TuningChange } from '../../../../shared/contract/tuning.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';

export type TuneOutcome =
  | { kind: 'result'; result: TuningApplyOutput }
  | {
      kind: 'error';
      message: string;
      detail?: string;
      issues?: { path: (string | number)[]; message: string }[];
    };

/** Sends one change; the outcome (or the refusal, with its field issues) comes back for the section to show. */
export const useApply = (connectionId: string, uuid: string, onApplied: () => void) => {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<TuneOutcome | null>(null);
  const apply = async (change: TuningChange): Promise<void> => {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await getApi().call('tuning.apply', { connectionId, uuid, change });
      setOutcome({ kind: 'result', result });
      if (result.config === 'applied') onApplied();
    } catch (e) {
      const err = toApiError(e);
      setOutcome({
        kind: 'error',
        message: err.message,
        detail: err.message,
        issues: err.issues?.map((i) => ({ path: i.path.slice(1), message: i.message })),
      });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, apply, clear: () => setOutcome(null) };
};

/** "Applies now and at next boot" / "Applies at next boot": said before Apply. */
export const Timing = ({ running }: { running: boolean }) => {
  const t = useT();
  return (
    <span className="tune-timing" data-testid="tune-timing">
      {t(running ? 'tune.timing.both' : 'tune.timing.nextBoot')}
    </span>
  );
};

/** The result of the last apply, in plain words, libvirt's text behind Details. */
export const OutcomeNote = ({
  outcome,
  vmName,
  testId,
}: {
  outcome: TuneOutcome | null;
  vmName: string;
  testId: string;
}) => {
  const t = useT();
  if (!outcome) return null;
  if (outcome.kind === 'error') return <FailureNote message={outcome.message} testId={testId} />;
  const r = outcome.result;
  if (r.config === 'failed')
    return (
      <FailureNote
        message={r.message ?? t('tune.refused', { vm: vmName })}
        detail={r.detail}
        testId={testId}
      />
    );
  if (r.live === 'failed')
    return <FailureNote message={r.message ?? t('tune.savedNotLive')} detail={r.detail} testId={testId} />;
  return (
    <p className="tune-outcome" role="status" data-testid={testId}>
      {t(r.live === 'applied' ? 'tune.done.both' : 'tune.done.nextBoot')}
    </p>
  );
};
