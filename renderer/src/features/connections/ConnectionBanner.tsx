import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import { useT } from '../../i18n/index.js';
import { Spinner } from '../../ui/icons.js';
import { connect } from './connectionActions.js';

/** Above the page while the connection is connecting, reconnecting or lost. */
export const ConnectionBanner = ({ connection: c }: { connection: ConnectionEntry }) => {
  const t = useT();
  if (c.status.state === 'connected') return null;
  const lost = c.status.state === 'reconnecting' || (c.status.state === 'disconnected' && !!c.status.reason);
  if (!lost && c.status.state !== 'connecting') return null;
  return (
    <div className={`banner ${lost ? 'error' : ''}`} role="alert" data-testid="connection-banner">
      {c.status.state !== 'disconnected' && <Spinner />}
      <span className="grow">
        {c.status.state === 'reconnecting'
          ? t('connections.banner.reconnecting', { name: c.name, attempt: c.status.attempt })
          : c.status.state === 'connecting'
            ? t('connections.banner.connecting', { name: c.name })
            : t('connections.banner.lost', { name: c.name })}
        {c.status.reason ? <span style={{ fontWeight: 400 }}> — {c.status.reason}</span> : null}
      </span>
      {c.status.state !== 'connecting' && (
        <button
          type="button"
          className="btn small"
          style={{ color: 'inherit' }}
          onClick={() => void connect(c.id)}
        >
          {t('connections.retryNow')}
        </button>
      )}
    </div>
  );
};
