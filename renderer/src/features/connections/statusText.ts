import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import type { t as translate } from '../../i18n/index.js';

/** One line about a connection's state, e.g. "Connected to host1". */
export const statusText = (t: typeof translate, c: ConnectionEntry): string => {
  switch (c.status.state) {
    case 'connected':
      return c.status.hostname
        ? t('connections.state.connectedTo', { host: c.status.hostname })
        : t('connections.state.connected');
    case 'connecting':
      return t('connections.state.connecting');
    case 'reconnecting':
      return t('connections.state.reconnecting');
    case 'disconnected':
      return c.status.reason ? t('connections.state.lost') : t('connections.state.disconnected');
  }
};
