import { useRef, useState } from 'react';
import type { TransferProgress } from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useEvent } from '../../api/hooks.js';
import { useT } from '../../i18n/index.js';
import { fmtBytes, fmtDuration, newTransferId } from './format.js';

/**
 * One upload or download as a component follows it: its id (sent with the call), the progress the main
 * process pushes for it, Cancel, and a fresh id once it is over. Shared by the Storage page's transfer
 * dialog and the New VM dialog's in-place ISO upload.
 */
export const useTransfer = () => {
  const id = useRef(newTransferId());
  const [progress, setProgress] = useState<TransferProgress | null>(null);
  useEvent('storage.progress', (p) => {
    if (p.transferId === id.current) setProgress(p);
  });
  return {
    id,
    progress,
    cancel: (): void => void getApi().call('storage.cancelTransfer', { transferId: id.current }),
    /** The transfer is over (failed or cancelled): the next one gets a new id. */
    reset: (): void => {
      id.current = newTransferId();
      setProgress(null);
    },
  };
};

/** The progress bar with what is done, the speed and the time left (or "Starting…"). */
export const TransferProgressView = ({ progress }: { progress: TransferProgress | null }) => {
  const t = useT();
  const pct = progress && progress.total > 0 ? Math.min(100, (progress.bytes / progress.total) * 100) : null;
  return (
    <div className="transfer-progress" data-testid="transfer-progress" aria-live="polite">
      <progress
        max={100}
        value={pct ?? undefined}
        aria-label={t(
          progress?.phase === 'verify' ? 'storage.transfer.verifying' : 'storage.transfer.moving',
        )}
      />
      <p className="dim">
        {progress
          ? t(progress.phase === 'verify' ? 'storage.transfer.verifyLine' : 'storage.transfer.line', {
              done: fmtBytes(progress.bytes),
              total: fmtBytes(progress.total),
              speed: `${fmtBytes(progress.bytesPerSecond)}/s`,
              left: fmtDuration(progress.secondsLeft),
            })
          : t('storage.transfer.starting')}
      </p>
    </div>
  );
};
