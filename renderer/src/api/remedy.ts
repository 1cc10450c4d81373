/**
 * One-click fixes the main process attaches to a failure (RemoteError.remedy): the label of the button
 * that offers it and what it does. The caller retries its own action afterwards.
 */
import type { RemoteRemedy } from '../../../shared/contract/index.js';
import { t } from '../i18n/index.js';
import { getApi } from './client.js';

export const remedyLabel = (r: RemoteRemedy): string => t('remedy.startNetworkRetry', { network: r.network });

/** Applies the fix; rejects with the API's error when it fails. */
export const applyRemedy = async (r: RemoteRemedy): Promise<void> => {
  await getApi().call('networks.start', { connectionId: r.connectionId, name: r.network, autostart: true });
};
