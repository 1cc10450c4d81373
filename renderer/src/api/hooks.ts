import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type {
  CallInput,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
} from '../../../shared/contract/index.js';
import { getApi } from './client.js';
import { toApiError, type ApiError, type TransportStatus } from './transport.js';

export interface CallState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs a call when `input` (compared by JSON) changes; `input === null` skips. */
export const useCall = <N extends CallName>(
  name: N,
  input: CallInput<N> | null,
): CallState<CallOutput<N>> => {
  const key = input === null ? null : JSON.stringify(input);
  const [nonce, setNonce] = useState(0);
  const reqKey = key === null ? null : `${name}|${nonce}|${key}`;
  const [state, setState] = useState<{ reqKey: string | null; data?: CallOutput<N>; error?: ApiError }>({
    reqKey: null,
  });
  useEffect(() => {
    if (reqKey === null || key === null) return;
    let live = true;
    getApi()
      .call(name, JSON.parse(key) as CallInput<N>)
      .then(
        (data) => live && setState({ reqKey, data }),
        (e: unknown) => live && setState((s) => ({ reqKey, data: s.data, error: toApiError(e) })),
      );
    return () => {
      live = false;
    };
  }, [name, key, reqKey]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  // Keep showing the previous data while a new request runs.
  return {
    data: state.data,
    error: state.error,
    loading: reqKey !== null && state.reqKey !== reqKey,
    reload,
  };
};

/** Subscribes to an event for the component's lifetime; the latest callback is always used. */
export const useEvent = <N extends EventName>(name: N, cb: (payload: EventPayload<N>) => void): void => {
  const ref = useRef(cb);
  useEffect(() => {
    ref.current = cb;
  });
  useEffect(() => getApi().on(name, (p) => ref.current(p)), [name]);
};

/** Transport status: 'connecting' | 'open' | 'reconnecting'. */
export const useTransportStatus = (): TransportStatus =>
  useSyncExternalStore(
    (cb) => getApi().onStatus(cb),
    () => getApi().status,
  );
