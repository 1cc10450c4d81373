import type { VmSummary } from '../../../shared/contract/index.js';
import type { Api } from '../api/client.js';
import { KeyedStore, shallowEqual, useKeyedItem, useStoreVersion } from './keyed.js';

/**
 * VMs per connection, outside React state: one KeyedStore per connection (keyed by UUID). 'vms.changed'
 * deltas update only the changed entries, so only their rows re-render.
 */
const stores = new Map<string, KeyedStore<VmSummary>>();
const loaded = new KeyedStore<boolean>();

export const vmStore = (connectionId: string): KeyedStore<VmSummary> => {
  let s = stores.get(connectionId);
  if (!s) stores.set(connectionId, (s = new KeyedStore<VmSummary>()));
  return s;
};

export const useVm = (connectionId: string, uuid: string): VmSummary | undefined =>
  useKeyedItem(vmStore(connectionId), uuid);

export const useVmListVersion = (connectionId: string): number => useStoreVersion(vmStore(connectionId));
export const useVmsLoaded = (connectionId: string): boolean => useKeyedItem(loaded, connectionId) ?? false;

export const applyVmDelta = (
  connectionId: string,
  delta: { reset: boolean; upserted: VmSummary[]; removed: string[] },
): void => {
  const store = vmStore(connectionId);
  if (delta.reset) {
    store.replaceAll(
      delta.upserted.map((v) => [v.uuid, v] as [string, VmSummary]),
      shallowEqual,
    );
    loaded.set(connectionId, true);
    return;
  }
  store.batch(() => {
    for (const v of delta.upserted) {
      const old = store.get(v.uuid);
      if (!old || !shallowEqual(old, v)) store.set(v.uuid, v);
    }
    for (const u of delta.removed) store.delete(u);
  });
};

/** Apply the VM an action resolved with (the list is also updated by the event; this just makes it immediate). */
export const upsertVm = (vm: VmSummary): void =>
  applyVmDelta(vm.connectionId, { reset: false, upserted: [vm], removed: [] });

const seq = new Map<string, number>();

/** Loads the full list of one connection (events that arrive meanwhile win: we refetch once if any did). */
export const loadVms = async (api: Api, connectionId: string): Promise<void> => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const before = seq.get(connectionId) ?? 0;
    const list = await api.call('vms.list', { connectionId });
    if ((seq.get(connectionId) ?? 0) !== before && attempt === 0) continue;
    applyVmDelta(connectionId, { reset: true, upserted: list, removed: [] });
    return;
  }
};

export const clearVms = (connectionId: string): void => {
  applyVmDelta(connectionId, { reset: true, upserted: [], removed: [] });
  loaded.set(connectionId, false);
};

export const attachVmEvents = (api: Api): (() => void) =>
  api.on('vms.changed', (p) => {
    seq.set(p.connectionId, (seq.get(p.connectionId) ?? 0) + 1);
    applyVmDelta(p.connectionId, p);
  });

/** Actions in flight, keyed `${connectionId}/${uuid}` → action name. */
export const busyStore = new KeyedStore<string>();
export const busyKey = (connectionId: string, uuid: string): string => `${connectionId}/${uuid}`;
export const useBusy = (connectionId: string, uuid: string): string | undefined =>
  useKeyedItem(busyStore, busyKey(connectionId, uuid));
