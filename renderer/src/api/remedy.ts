/**
 * One-click fixes the main process attaches to a failure (RemoteError.remedy): the label of the button
 * that offers it and what it does. The caller retries its own action afterwards.
 */
import type { RemoteRemedy } from '../../../shared/contract/index.js';
import { t } from '../i18n/index.js';
import { getApi } from './client.js';

export const remedyLabel = (r: RemoteRemedy): string =>
  r.kind === 'start-network'
    ? t('remedy.startNetworkRetry', { network: r.network })
    : t('remedy.startPoolRetry', { pool: r.pool });

/** Applies the fix (the network or pool is started and marked autostart); rejects with the API's error. */
export const applyRemedy = async (r: RemoteRemedy): Promise<void> => {
  if (r.kind === 'start-network')
    await getApi().call('networks.start', { connectionId: r.connectionId, name: r.network, autostart: true });
  else await getApi().call('pools.start', { connectionId: r.connectionId, name: r.pool, autostart: true });
};
