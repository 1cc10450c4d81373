/**
 * "Remove …" for a disk or NIC: a confirmation naming the device and saying when it takes effect, then the
 * outcome in plain words (with libvirt's own text when it refused).
 */
import { useState } from 'react';
import { hardwareTiming, type HardwareChange } from '../../../../../../shared/contract/hardware.js';
import { getApi } from '../../../../api/client.js';
import { toApiError } from '../../../../api/transport.js';
import { useT } from '../../../../i18n/index.js';
import { ConfirmDialog } from '../../../../ui/Dialog.js';
import { FailureNote } from '../../../../ui/FailureNote.js';
import { Spinner } from '../../../../ui/icons.js';
import type { HardwareApplyOutput } from '../../../../../../shared/contract/hardware.js';

export const DeviceOutcome = ({ result, vmName }: { result: HardwareApplyOutput; vmName: string }) => {
  const t = useT();
  if (result.config === 'failed')
    return (
      <FailureNote message={t('hw.refused', { vm: vmName })} detail={result.detail} testId="hwd-outcome" />
    );
  if (result.live === 'not-possible' || result.live === 'failed')
    return (
      <FailureNote
        message={result.message ?? t('hw.failed', { vm: vmName })}
        detail={result.detail}
        testId="hwd-outcome"
      />
    );
  const key =
    result.live === 'applied'
      ? result.config === 'applied'
        ? 'hw.done.both'
        : 'hw.done.now'
      : result.config === 'applied'
        ? 'hw.done.nextBoot'
        : 'hw.done.nothing';
  return (
    <p className="hw-outcome" role="status" data-testid="hwd-outcome">
      {t(key)}
    </p>
  );
};

export const RemoveDevice = ({
  connectionId,
  vmUuid,
  vmName,
  running,
  change,
  label,
  bodyKey = 'hwd.remove.body',
  onApplied,
}: {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  running: boolean;
  change: HardwareChange;
  /** How the user knows the device ("disk vdb", "NIC 52:54:00:…"). */
  label: string;
  /** The confirmation's words per timing (`<bodyKey>.both`…); the disk/NIC ones mention the image. */
  bodyKey?: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<HardwareApplyOutput | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timing = hardwareTiming(change, running);

  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await getApi().call('hardware.apply', { connectionId, uuid: vmUuid, change });
      setResult(r);
      if (r.config !== 'failed') onApplied();
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="hwd-remove">
      <button
        type="button"
        className="btn small destructive"
        disabled={busy}
        data-testid="hwd-remove"
        onClick={() => setAsking(true)}
      >
        {t('hwd.remove', { device: label })}
      </button>
      {busy && (
        <p role="status">
          <Spinner label={t('hw.applying')} />
        </p>
      )}
      {error && <FailureNote message={t('hw.failed', { vm: vmName })} detail={error} testId="hwd-outcome" />}
      {result && <DeviceOutcome result={result} vmName={vmName} />}
      {asking && (
        <ConfirmDialog
          title={t('hwd.remove.title', { device: label })}
          body={t(`${bodyKey}.${timing}`, { device: label, vm: vmName })}
          confirmLabel={t('hwd.remove.confirm')}
          cancelLabel={t('common.cancel')}
          destructive
          onConfirm={() => void remove()}
          onClose={() => setAsking(false)}
        />
      )}
    </div>
  );
};
