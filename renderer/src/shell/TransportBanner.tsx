import { useTransportStatus } from '../api/hooks.js';
import { useT } from '../i18n/index.js';
import { Spinner } from '../ui/icons.js';

/** Web mode: the WebSocket to the server is (re)connecting. */
export const TransportBanner = () => {
  const t = useT();
  const status = useTransportStatus();
  if (status === 'open') return null;
  return (
    <div className="banner warning" role="status" data-testid="transport-banner">
      <Spinner />
      <span className="grow">
        {status === 'reconnecting' ? t('transport.reconnecting') : t('transport.connecting')}
      </span>
    </div>
  );
};
