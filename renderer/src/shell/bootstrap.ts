import { useEffect } from 'react';
import type { ConnectionEntry } from '../../../shared/contract/index.js';
import { getApi } from '../api/client.js';
import { toApiError } from '../api/transport.js';
import { connectionStore } from '../store/connections.js';
import { showToast } from '../store/toasts.js';
import { setRefresh } from './refresh.js';
import { attachVmEvents, clearVms, loadVms } from '../store/vms.js';

/** Wires stores to the API once: events, initial load, reloads after the transport reconnects. */
export const useBootstrap = (): void => {
  useEffect(() => {
    const api = getApi();
    const onError = (e: unknown): void => showToast(toApiError(e).message, 'error');
    const reloadConnections = connectionStore.attach(api, onError);
    const offVms = attachVmEvents(api);
    const seen = new Map<string, string>();
    const syncVms = (list: ConnectionEntry[], force: boolean): void => {
      for (const c of list) {
        const prev = seen.get(c.id);
        seen.set(c.id, c.status.state);
        if (c.status.state === 'connected' && (force || prev !== 'connected'))
          loadVms(api, c.id).catch(onError);
        if (
          c.status.state === 'disconnected' &&
          prev !== undefined &&
          prev !== 'disconnected' &&
          !c.status.reason
        )
          clearVms(c.id);
      }
    };
    const offConn = connectionStore.subscribe(() => syncVms(connectionStore.getSnapshot().list, false));
    const load = (): void => {
      seen.clear();
      void reloadConnections();
    };
    // Load once the transport is open (Electron: right away); after it comes back (web mode) the server
    // may have changed meanwhile, so everything is loaded again.
    if (api.status === 'open') load();
    const offStatus = api.onStatus((s) => {
      if (s === 'open') load();
    });
    setRefresh(load);
    return () => {
      offVms();
      offConn();
      offStatus();
    };
  }, []);
};
