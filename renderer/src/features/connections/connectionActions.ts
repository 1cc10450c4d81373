import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { t } from '../../i18n/index.js';
import { connectionStore } from '../../store/connections.js';
import { getRoute, navigate } from '../../store/route.js';
import { showToast } from '../../store/toasts.js';

/** Selects a saved connection (its VM list) and moves the keyboard focus to it in the sidebar. */
export const selectConnection = (id: string): void => {
  navigate({ kind: 'vms', connectionId: id });
  requestAnimationFrame(() =>
    document.querySelector<HTMLElement>(`[data-testid="conn-${CSS.escape(id)}"] .nav-row`)?.focus(),
  );
};

/** A URI that is saved already: show the saved connection instead of adding it twice. */
export const showExisting = (id: string): void => {
  const c = connectionStore.get(id);
  selectConnection(id);
  showToast(t('connections.duplicate', { name: c?.name ?? id }));
};

/** Saved without connecting ("Save anyway"). */
export const showSaved = (entry: ConnectionEntry): void => {
  selectConnection(entry.id);
  showToast(t('connections.add.saved', { name: entry.name }));
};

// The connection's banner carries a lasting failure (with libvirt's words and the next step); a toast
// only says that this attempt failed, when the banner is not in sight (another page is shown).
export const connect = async (id: string): Promise<void> => {
  try {
    await getApi().call('connections.connect', { id });
  } catch (e) {
    const route = getRoute();
    if ('connectionId' in route && route.connectionId === id) return;
    const c = connectionStore.get(id);
    showToast(t('connections.banner.couldNotConnect', { name: c?.name ?? id }), 'error', {
      detail: toApiError(e).message,
    });
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
