import type { VmSummary } from '../../../shared/contract/index.js';
import type { Api } from '../api/client.js';
import { KeyedStore, useKeyedItem, useStoreVersion } from './keyed.js';

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

/** Field-by-field equality of two summaries (cheaper than a generic comparison at 1,000 rows a second). */
export const sameVm = (a: VmSummary, b: VmSummary): boolean =>
  a.state === b.state &&
  a.name === b.name &&
  a.vcpus === b.vcpus &&
  a.memory === b.memory &&
  a.autostart === b.autostart &&
  a.id === b.id &&
  a.reason === b.reason &&
  a.shutdownOverdue === b.shutdownOverdue &&
  a.maxMemory === b.maxMemory &&
  a.persistent === b.persistent &&
  a.hasManagedSave === b.hasManagedSave &&
  a.osId === b.osId &&
  a.osName === b.osName &&
  a.title === b.title &&
  a.uuid === b.uuid &&
  a.connectionId === b.connectionId;

export const applyVmDelta = (
  connectionId: string,
  delta: { reset: boolean; upserted: VmSummary[]; removed: string[] },
): void => {
  const store = vmStore(connectionId);
  if (delta.reset) {
    store.replaceAll(
      delta.upserted.map((v) => [v.uuid, v] as [string, VmSummary]),
      sameVm,
    );
    loaded.set(connectionId, true);
    return;
  }
  store.batch(() => {
    for (const v of delta.upserted) {
      const old = store.get(v.uuid);
      if (!old || !sameVm(old, v)) store.set(v.uuid, v);
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

/** Deltas bigger than this are applied in time-sliced chunks so a frame never waits for all of them. */
const CHUNK_THRESHOLD = 150;
const SLICE_MS = 4;
const chains = new Map<string, Promise<void>>();
const yieldToFrame = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Applies a delta from 'vms.changed'. Small ones (the usual case: a few VMs changed) synchronously; big
 * ones (1,000 VMs changing at once) in slices of a few ms, rows updating as they go and the list
 * (order, counts) notified once at the end. Deltas of one connection are applied in arrival order.
 */
export const scheduleVmDelta = (
  connectionId: string,
  delta: { reset: boolean; upserted: VmSummary[]; removed: string[] },
): Promise<void> => {
  const prev = chains.get(connectionId);
  if (!prev && (delta.reset || delta.upserted.length <= CHUNK_THRESHOLD)) {
    applyVmDelta(connectionId, delta);
    return Promise.resolve();
  }
  const run = async (): Promise<void> => {
    if (delta.reset || delta.upserted.length <= CHUNK_THRESHOLD) {
      applyVmDelta(connectionId, delta);
      return;
    }
    const store = vmStore(connectionId);
    // Let the frame that was due when the (big) message was parsed go out first.
    await yieldToFrame();
    store.beginBatch();
    try {
      let t0 = performance.now();
      for (const v of delta.upserted) {
        const old = store.get(v.uuid);
        if (!old || !sameVm(old, v)) store.set(v.uuid, v);
        if (performance.now() - t0 > SLICE_MS) {
          await yieldToFrame();
          t0 = performance.now();
        }
      }
      for (const u of delta.removed) store.delete(u);
    } finally {
      store.endBatch();
    }
  };
  const next = (prev ?? Promise.resolve()).then(run, run);
  chains.set(connectionId, next);
  void next.finally(() => {
    if (chains.get(connectionId) === next) chains.delete(connectionId);
  });
  return next;
};

export const attachVmEvents = (api: Api): (() => void) =>
  api.on('vms.changed', (p) => {
    seq.set(p.connectionId, (seq.get(p.connectionId) ?? 0) + 1);
    void scheduleVmDelta(p.connectionId, p);
  });

/** Actions in flight, keyed `${connectionId}/${uuid}` → action name. */
export const busyStore = new KeyedStore<string>();
export const busyKey = (connectionId: string, uuid: string): string => `${connectionId}/${uuid}`;
export const useBusy = (connectionId: string, uuid: string): string | undefined =>
  useKeyedItem(busyStore, busyKey(connectionId, uuid));
