/**
 * The hardware of each open VM (`hardware.get`), shared by the tab and its badge: one read per VM, again
 * after an apply and whenever the VM's state changes (a restart applies what was waiting).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { HardwareGetOutput } from '../../../../shared/contract/hardware.js';
import { getApi } from '../../api/client.js';
import { toApiError, type ApiError } from '../../api/transport.js';

export interface HardwareState {
  data: HardwareGetOutput | undefined;
  error: ApiError | undefined;
  loading: boolean;
}

interface Entry {
  state: HardwareState;
  subs: Set<() => void>;
  seq: number;
  /** The VM state the data was read in. */
  readIn: string | null;
}

const entries = new Map<string, Entry>();
const keyOf = (connectionId: string, uuid: string) => `${connectionId}|${uuid.toLowerCase()}`;
const EMPTY: HardwareState = { data: undefined, error: undefined, loading: false };

const entry = (key: string): Entry => {
  let e = entries.get(key);
  if (!e) entries.set(key, (e = { state: EMPTY, subs: new Set(), seq: 0, readIn: null }));
  return e;
};

const set = (e: Entry, state: HardwareState): void => {
  e.state = state;
  for (const s of [...e.subs]) s();
};

/** Reads the VM's hardware again (the last answer stays shown meanwhile). */
export const reloadHardware = (connectionId: string, uuid: string): Promise<void> => {
  const e = entry(keyOf(connectionId, uuid));
  const seq = ++e.seq;
  set(e, { ...e.state, loading: true });
  return getApi()
    .call('hardware.get', { connectionId, uuid })
    .then(
      (data) => {
        // For the benchmark (hw.open_ms): when the hardware arrived, before React renders it.
        performance.mark('virtdesk:hw-data');
        if (seq === e.seq) set(e, { data, error: undefined, loading: false });
      },
      (err: unknown) => {
        if (seq === e.seq) set(e, { data: e.state.data, error: toApiError(err), loading: false });
      },
    );
};

/** Reads unless the data at hand was read in this VM state (or is being read). */
const readOnce = (connectionId: string, uuid: string, vmState: string): void => {
  const e = entry(keyOf(connectionId, uuid));
  if (e.readIn === vmState && (e.state.data || e.state.loading)) return;
  e.readIn = vmState;
  void reloadHardware(connectionId, uuid);
};

/** The VM's hardware; read on first use and again when `vmState` changes. */
export const useHardware = (connectionId: string, uuid: string, vmState: string): HardwareState => {
  const key = keyOf(connectionId, uuid);
  const e = entry(key);
  const state = useSyncExternalStore(
    (cb) => {
      e.subs.add(cb);
      return () => e.subs.delete(cb);
    },
    () => e.state,
  );
  useEffect(() => readOnce(connectionId, uuid, vmState), [connectionId, uuid, vmState]);
  return state;
};

/** The VM's hardware as last read, without reading it (for parts inside the tab, e.g. the ApplyBar). */
export const useHardwareData = (connectionId: string, uuid: string): HardwareGetOutput | undefined => {
  const e = entry(keyOf(connectionId, uuid));
  return useSyncExternalStore(
    (cb) => {
      e.subs.add(cb);
      return () => e.subs.delete(cb);
    },
    () => e.state.data,
  );
};
