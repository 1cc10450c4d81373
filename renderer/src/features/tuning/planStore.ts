/**
 * The realtime section's data (`tuning.realtime`) and the proposals (`tuning.propose`) the realtime
 * section and the profiles show as a diff before they are defined through the XML tab's path.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  Proposal,
  ProposalRequest,
  TuningRealtimeOutput,
} from '../../../../shared/contract/tuning-plans.js';
import { getApi } from '../../api/client.js';
import { toApiError, type ApiError } from '../../api/transport.js';

export const useRealtime = (connectionId: string, uuid: string, vmState: string, seq: number) => {
  const [data, setData] = useState<TuningRealtimeOutput | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  useEffect(() => {
    let live = true;
    getApi()
      .call('tuning.realtime', { connectionId, uuid })
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
  return { data, error };
};

export type ProposalState =
  | { kind: 'none' }
  | { kind: 'busy' }
  | { kind: 'ready'; proposal: Proposal }
  | { kind: 'error'; error: ApiError };

/** Asks for one proposal at a time; a newer request wins over an older one still on its way. */
export const useProposal = (connectionId: string, uuid: string) => {
  const [state, setState] = useState<ProposalState>({ kind: 'none' });
  const ticket = useRef(0);
  const propose = useCallback(
    async (request: ProposalRequest) => {
      const mine = ++ticket.current;
      setState({ kind: 'busy' });
      try {
        const proposal = await getApi().call('tuning.propose', { connectionId, uuid, request });
        if (ticket.current === mine) setState({ kind: 'ready', proposal });
      } catch (e) {
        if (ticket.current === mine) setState({ kind: 'error', error: toApiError(e) });
      }
    },
    [connectionId, uuid],
  );
  const clear = useCallback(() => {
    ticket.current++;
    setState({ kind: 'none' });
  }, []);
  return { state, propose, clear };
};
