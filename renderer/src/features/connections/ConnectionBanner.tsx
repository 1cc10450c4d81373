import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import { useT } from '../../i18n/index.js';
import { navigate } from '../../store/route.js';
import { Spinner } from '../../ui/icons.js';
import { connect } from './connectionActions.js';
import { problemOf } from './statusText.js';

/**
 * Above the connection's pages while it is connecting, reconnecting, lost or could not connect: the lasting
 * problem lives here (not in a toast), with libvirt's words on request and the next step.
 */
export const ConnectionBanner = ({ connection: c }: { connection: ConnectionEntry }) => {
  const t = useT();
  const { state, reason, attempt } = c.status;
  if (state === 'connected') return null;
  const problem = problemOf(c);
  if (!problem && state !== 'connecting') return null;
  const text =
    state === 'connecting'
      ? t('connections.banner.connecting', { name: c.name })
      : problem === 'lost'
        ? state === 'reconnecting'
          ? t('connections.banner.reconnecting', { name: c.name, attempt })
          : t('connections.banner.lost', { name: c.name })
        : state === 'reconnecting'
          ? t('connections.banner.retrying', { name: c.name, attempt })
          : t('connections.banner.couldNotConnect', { name: c.name });
  return (
    <div
      className={`banner ${problem ? 'error' : ''}`}
      role="alert"
      data-testid="connection-banner"
      data-problem={problem ?? ''}
    >
      {state !== 'disconnected' && <Spinner />}
      <div className="grow">
        {text}
        {reason && (
          <details className="banner-detail" data-testid="connection-banner-detail">
            <summary>{t('common.details')}</summary>
            <span className="mono">{reason}</span>
          </details>
        )}
      </div>
      {problem === 'failed' && (
        <button
          type="button"
          className="btn small"
          onClick={() => navigate({ kind: 'host', connectionId: c.id, pageId: 'readiness' })}
        >
          {t('connections.checkHost')}
        </button>
      )}
      {state !== 'connecting' && (
        <button type="button" className="btn small" onClick={() => void connect(c.id)}>
          {problem === 'lost' ? t('connections.reconnect') : t('connections.tryAgain')}
        </button>
      )}
    </div>
  );
};
