import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { t } from '../../i18n/index.js';
import { showToast } from '../../store/toasts.js';

export const connect = async (id: string): Promise<void> => {
  try {
    await getApi().call('connections.connect', { id });
  } catch (e) {
    showToast(t('connections.connectFailed', { message: toApiError(e).message }), 'error');
  }
};

export const disconnect = async (id: string): Promise<void> => {
  try {
    await getApi().call('connections.disconnect', { id });
  } catch (e) {
    showToast(toApiError(e).message, 'error');
  }
};

export const removeConnection = async (id: string): Promise<void> => {
  try {
    await getApi().call('connections.remove', { id });
  } catch (e) {
    showToast(toApiError(e).message, 'error');
  }
};
