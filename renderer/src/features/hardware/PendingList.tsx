import type { PendingChange } from '../../../../shared/contract/hardware.js';
import { catalogs, useT } from '../../i18n/index.js';

/** One pending item in words: "vCPUs: 4 → 2" (the main process's text when there are no words for it). */
export const pendingText = (t: ReturnType<typeof useT>, p: PendingChange): string =>
  catalogs.en[`hw.pending.${p.field}`] !== undefined
    ? t(`hw.pending.${p.field}`, { now: p.now, next: p.next })
    : p.text;

/** "Waiting for a restart": what the next-boot config changes on the running VM. */
export const PendingList = ({ pending }: { pending: readonly PendingChange[] }) => {
  const t = useT();
  if (pending.length === 0) return null;
  return (
    <div className="hw-pending" role="status" data-testid="hw-pending">
      <strong>{t('hw.pending.title')}</strong>
      <ul>
        {pending.map((p) => (
          <li key={`${p.kind}.${p.field}.${p.now}.${p.next}`}>{pendingText(t, p)}</li>
        ))}
      </ul>
    </div>
  );
};
