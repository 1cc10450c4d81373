/** The Tuning tab's data (`tuning.get`): read when the tab opens, after each apply and on a VM state change. */
import { useCallback, useEffect, useState } from 'react';
import type { TuningGetOutput } from '../../../../shared/contract/tuning.js';
import { getApi } from '../../api/client.js';
import { toApiError, type ApiError } from '../../api/transport.js';

export interface TuningState {
  data: TuningGetOutput | undefined;
  error: ApiError | undefined;
  reload: () => void;
}

export const useTuning = (connectionId: string, uuid: string, vmState: string): TuningState => {
  const [data, setData] = useState<TuningGetOutput | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [seq, setSeq] = useState(0);
  const reload = useCallback(() => setSeq((s) => s + 1), []);
  useEffect(() => {
    let live = true;
    getApi()
      .call('tuning.get', { connectionId, uuid })
      .then(
        (d) => {
          if (!live) return;
          setData(d);
          setError(undefined);
        },
        (e: unknown) => live && setError(toApiError(e)),
      );
    return () => {
      live = false;
    };
  }, [connectionId, uuid, vmState, seq]);
  return { data, error, reload };
};
