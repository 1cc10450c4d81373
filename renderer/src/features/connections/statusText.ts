import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import type { t as translate } from '../../i18n/index.js';

/**
 * What went wrong with a connection that is not up: `lost` (it was connected, then dropped), `failed`
 * (it never got through: wrong address, daemon not running, no rights) or nothing (disconnected on purpose,
 * or still connecting).
 */
export const problemOf = (c: ConnectionEntry): 'lost' | 'failed' | null => {
  const { state, reason, wasConnected } = c.status;
  if (state === 'reconnecting' || (state === 'disconnected' && reason !== null))
    return wasConnected ? 'lost' : 'failed';
  return null;
};

/** One line about a connection's state, e.g. "Connected to host1". */
export const statusText = (t: typeof translate, c: ConnectionEntry): string => {
  const problem = problemOf(c);
  switch (c.status.state) {
    case 'connected':
      return c.status.hostname
        ? t('connections.state.connectedTo', { host: c.status.hostname })
        : t('connections.state.connected');
    case 'connecting':
      return t('connections.state.connecting');
    case 'reconnecting':
      return problem === 'lost' ? t('connections.state.reconnecting') : t('connections.state.retrying');
    case 'disconnected':
      return problem === 'lost'
        ? t('connections.state.lost')
        : problem === 'failed'
          ? t('connections.state.couldNotConnect')
          : t('connections.state.disconnected');
  }
};
