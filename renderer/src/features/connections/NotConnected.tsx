import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import { useT } from '../../i18n/index.js';
import { Icon, Spinner } from '../../ui/icons.js';
import { ReadinessCheck } from '../host/ReadinessPage.js';
import { connect } from './connectionActions.js';
import { statusText } from './statusText.js';

/** In place of a page that needs the connection while it is not connected (the banner above says why). */
export const NotConnected = ({ connection: c }: { connection: ConnectionEntry }) => {
  const t = useT();
  const busy = c.status.state === 'connecting' || c.status.state === 'reconnecting';
  return (
    <div className="empty" data-testid="not-connected">
      <Icon name="offline" className="big-icon" />
      <h2>{busy ? statusText(t, c) : t('connections.notConnected', { name: c.name })}</h2>
      <p className="dim mono">{c.uri}</p>
      {!busy && (
        <button type="button" className="btn suggested pill" onClick={() => void connect(c.id)}>
          {t('connections.connectShort')}
        </button>
      )}
      {busy && <Spinner label={statusText(t, c)} />}
      {/* A failed connection is when users most need to know whether the host can run KVM at all. */}
      {c.status.reason && <ReadinessCheck connectionId={c.id} />}
    </div>
  );
};
