import { useState } from 'react';
import {
  DISCOVERY_NEEDS_HOST,
  type DiscoverablePoolType,
  type FoundPoolSource,
} from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';

/** How one found source reads in the list: what it is first, where it is after. */
const describe = (type: DiscoverablePoolType, s: FoundPoolSource): { main: string; where: string } => {
  const portal = s.host ? `${s.host}${s.port ? `:${s.port}` : ''}` : '';
  switch (type) {
    case 'iscsi':
    case 'iscsi-direct':
      return { main: s.device ?? '?', where: portal };
    case 'netfs':
      return { main: s.dir ?? '?', where: [portal, s.format].filter(Boolean).join(' · ') };
    case 'logical':
      return { main: s.name ?? '?', where: s.device ?? '' };
    case 'gluster':
      return { main: s.name ?? s.dir ?? '?', where: portal };
  }
};

type Found = { key: string; sources: FoundPoolSource[] };

/**
 * "Find targets on host…": asks libvirt's backend of the pool type what it finds (an iSCSI portal's
 * targets, an NFS server's exports, this host's volume groups) and lists the answers; picking one fills
 * the New pool dialog's fields with exactly what libvirt reported.
 */
export const FindPoolSources = ({
  connectionId,
  type,
  host,
  port,
  disabled,
  onPick,
}: {
  connectionId: string;
  type: DiscoverablePoolType;
  /** The dialog's Server and Port fields, as typed. */
  host: string;
  port: number | undefined;
  disabled?: boolean;
  onPick: (source: FoundPoolSource) => void;
}) => {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<{ key: string; message: string; detail?: string } | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const needsHost = DISCOVERY_NEEDS_HOST.includes(type);
  const where = needsHost ? host.trim() : '';
  // Answers belong to the question: a different type or server hides them.
  const key = `${type}|${where}|${port ?? ''}`;
  const whereText = where ? `${where}${port ? `:${port}` : ''}` : t('storage.find.thisHost');

  const find = async (): Promise<void> => {
    setFound(null);
    setPicked(null);
    if (needsHost && !where) {
      setError({ key, message: t('storage.find.needHost') });
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const r = await getApi().call('storage.findPoolSources', {
        connectionId,
        type,
        ...(where ? { host: where } : {}),
        ...(port ? { port } : {}),
      });
      setFound({ key, sources: r.sources });
    } catch (e) {
      const err = toApiError(e);
      setError({
        key,
        message: t('storage.find.failed', { where: whereText }),
        detail: err.message,
      });
    } finally {
      setBusy(false);
    }
  };

  const shown = found?.key === key ? found.sources : null;
  return (
    <div className="find-sources" data-testid="find-sources">
      <button
        type="button"
        className="btn"
        disabled={disabled || busy}
        onClick={() => void find()}
        data-testid="find-sources-button"
      >
        {busy ? <Spinner label={t('storage.find.searching')} /> : null}
        {t(`storage.find.button.${type}`)}
      </button>
      {error?.key === key && (
        <FailureNote message={error.message} detail={error.detail} testId="find-sources-error" />
      )}
      {shown && shown.length === 0 && (
        <p className="dim" role="status">
          {t('storage.find.none', { where: whereText })}
        </p>
      )}
      {shown && shown.length > 0 && (
        <span className="dim find-sources-title">{t('storage.find.results')}</span>
      )}
      {shown && shown.length > 0 && (
        <ul className="find-sources-list" aria-label={t('storage.find.results')}>
          {shown.map((s, i) => {
            const d = describe(type, s);
            return (
              <li key={i}>
                <button
                  type="button"
                  className="find-source"
                  aria-pressed={picked === i}
                  disabled={disabled}
                  onClick={() => {
                    setPicked(i);
                    onPick(s);
                  }}
                >
                  <span className="mono find-source-main">{d.main}</span>
                  {d.where && <span className="dim find-source-where">{d.where}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
};
