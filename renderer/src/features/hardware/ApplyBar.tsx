import { useState } from 'react';
import {
  hardwareTiming,
  type HardwareApplyOutput,
  type HardwareChange,
  type HardwareView,
} from '../../../../shared/contract/hardware.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { SnapshotFirstCheck } from '../snapshots/SnapshotFirstCheck.js';
import { takeSnapshotFirst } from '../snapshots/snapshotFirst.js';
import { useHardwareData } from './hardwareStore.js';
import { remoteIssues, type HwFieldIssues } from './issues.js';
import { XmlChanges } from './XmlChanges.js';

type Outcome =
  /** `snapshot`: the one taken first. */
  | { kind: 'result'; result: HardwareApplyOutput; snapshot?: string }
  | { kind: 'error'; message: string; detail?: string };

/**
 * The last outcome per VM and item: an apply reads the hardware again, which gives the editor a fresh
 * form (and this bar a fresh mount); the outcome must still be there to read.
 */
const lastOutcome = new Map<string, Outcome>();

/**
 * The foot of every editor: when the change takes effect ("Applies now", "At next boot", "Now and at
 * next boot"), its XML preview, "Take a snapshot first" (when libvirt can), Apply and Revert, and the
 * outcome in plain words with libvirt's text.
 */
export const ApplyBar = ({
  connectionId,
  vmUuid,
  vmName,
  running,
  itemId,
  change,
  now,
  invalid,
  onIssues,
  onApplied,
  onRevert,
}: {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  running: boolean;
  /** The item edited (`cpu`, `disk:vda`…): keeps its outcome across the form's refresh after an apply. */
  itemId: string;
  /** The change the form describes, or null when nothing differs from the config. */
  change: HardwareChange | null;
  /** The next-boot config as it is (to tell what the change really changes). */
  now: HardwareView;
  /** The form has field errors: Apply is refused. */
  invalid: boolean;
  onIssues: (issues: HwFieldIssues) => void;
  onApplied: () => void;
  onRevert: () => void;
}) => {
  const t = useT();
  const [busy, setBusy] = useState<'apply' | 'preview' | { snapshot: string } | null>(null);
  const canSnapshot = useHardwareData(connectionId, vmUuid)?.internalSnapshots ?? false;
  const [snapshotFirst, setSnapshotFirst] = useState(false);
  const [preview, setPreview] = useState<{ before: string; after: string } | null>(null);
  const key = `${connectionId}|${vmUuid}|${itemId}`;
  const [outcome, setOutcomeState] = useState<Outcome | null>(() => lastOutcome.get(key) ?? null);
  const setOutcome = (o: Outcome | null): void => {
    if (o) lastOutcome.set(key, o);
    else lastOutcome.delete(key);
    setOutcomeState(o);
  };
  // A new edit makes the last outcome old news.
  const changeKey = change ? JSON.stringify(change) : null;
  const [seenChange, setSeenChange] = useState(changeKey);
  if (changeKey !== seenChange) {
    setSeenChange(changeKey);
    if (changeKey !== null && outcome) setOutcome(null);
  }
  const timing = change ? hardwareTiming(change, running, now) : null;

  const fail = (e: unknown): void => {
    const err = toApiError(e);
    const onFields = remoteIssues(err);
    if (onFields) onIssues(onFields);
    setOutcome({
      kind: 'error',
      message: onFields ? err.message : t('hw.failed', { vm: vmName }),
      detail: err.message,
    });
  };

  const showPreview = async (): Promise<void> => {
    if (!change) return;
    if (preview) return setPreview(null);
    setBusy('preview');
    try {
      const r = await getApi().call('hardware.apply', { connectionId, uuid: vmUuid, change, preview: true });
      setPreview({ before: r.before ?? '', after: r.after ?? '' });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const apply = async (): Promise<void> => {
    if (!change || invalid) return;
    setOutcome(null);
    setPreview(null);
    const vm = { connectionId, uuid: vmUuid };
    let snapshot: string | undefined;
    if (snapshotFirst && canSnapshot) {
      try {
        snapshot = await takeSnapshotFirst(
          vm,
          change.kind.replace('.', '-'),
          t('hw.snapshotDescription'),
          (name) => setBusy({ snapshot: name }),
        );
      } catch (e) {
        setBusy(null);
        setOutcome({
          kind: 'error',
          message: t('hw.failed.snapshot', { vm: vmName }),
          detail: toApiError(e).message,
        });
        return;
      }
    }
    setBusy('apply');
    try {
      const result = await getApi().call('hardware.apply', { ...vm, change });
      setOutcome({ kind: 'result', result, ...(snapshot ? { snapshot } : {}) });
      // Asked per change: the next one takes no snapshot unless asked again.
      setSnapshotFirst(false);
      if (result.config !== 'failed') onApplied();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="hw-apply" data-testid="hw-apply">
      <div className="hw-apply-row">
        <span className="hw-timing" data-testid="hw-timing">
          {timing ? t(`hw.timing.${timing}`) : t('hw.noChange')}
        </span>
        <span className="spacer" />
        {canSnapshot && (
          <SnapshotFirstCheck
            checked={snapshotFirst}
            disabled={!change || busy !== null}
            className="hw-snapshot-first"
            testId="hw-snapshot-first"
            onChange={setSnapshotFirst}
          />
        )}
        <button
          type="button"
          className="btn small"
          disabled={!change || busy !== null}
          aria-expanded={preview !== null}
          data-testid="hw-preview"
          onClick={() => void showPreview()}
        >
          {preview ? t('hw.hideXml') : t('hw.showXml')}
        </button>
        <button
          type="button"
          className="btn small"
          disabled={!change || busy !== null}
          data-testid="hw-revert"
          onClick={() => {
            setPreview(null);
            setOutcome(null);
            onRevert();
          }}
        >
          {t('hw.revert')}
        </button>
        <button
          type="button"
          className="btn small suggested"
          disabled={!change || invalid || busy !== null}
          data-testid="hw-apply-button"
          onClick={() => void apply()}
        >
          {t('hw.apply')}
        </button>
      </div>
      {busy && (
        <p role="status">
          <Spinner
            label={
              typeof busy === 'object'
                ? t('xmleditor.snapshotting', { name: busy.snapshot })
                : t(busy === 'apply' ? 'hw.applying' : 'hw.previewing')
            }
          />
        </p>
      )}
      {preview && <XmlChanges before={preview.before} after={preview.after} />}
      {outcome && <OutcomeNote outcome={outcome} vmName={vmName} />}
      {outcome?.kind === 'result' && outcome.snapshot && (
        // Whatever became of the change, the snapshot is there: say where to go back to.
        <p className="hw-outcome" role="status" data-testid="hw-outcome-snapshot">
          {t('hw.snapshotTaken', { name: outcome.snapshot })}
        </p>
      )}
    </div>
  );
};

const OutcomeNote = ({ outcome, vmName }: { outcome: Outcome; vmName: string }) => {
  const t = useT();
  if (outcome.kind === 'error')
    return <FailureNote message={outcome.message} detail={outcome.detail} testId="hw-outcome" />;
  const r = outcome.result;
  if (r.config === 'failed')
    return <FailureNote message={t('hw.refused', { vm: vmName })} detail={r.detail} testId="hw-outcome" />;
  if (r.live === 'not-possible' || r.live === 'failed')
    return (
      <FailureNote
        message={t('hw.savedNotLive', { detail: r.detail ?? '' })}
        detail={r.detail}
        testId="hw-outcome"
      />
    );
  const key =
    r.live === 'applied'
      ? r.config === 'applied'
        ? 'hw.done.both'
        : 'hw.done.now'
      : r.config === 'applied'
        ? 'hw.done.nextBoot'
        : 'hw.done.nothing';
  return (
    <p className="hw-outcome" role="status" data-testid="hw-outcome">
      {t(key)}
    </p>
  );
};
