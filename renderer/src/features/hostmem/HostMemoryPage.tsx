import { useCallback, useEffect, useMemo, useState } from 'react';
import type { HostMemoryOutput } from '../../../../shared/contract/host-memory.js';
import { getApi } from '../../api/client.js';
import { toApiError, type ApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import type { HostPageProps } from '../../shell/registry.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { ChartData } from '../stats/chartData.js';
import { HugepagesCard } from './HugepagesCard.js';
import { KsmCard } from './KsmCard.js';
import '../stats/graphs.css';
import './hostmem.css';

/** How often the page reads KSM's counters for its live graph. */
const POLL_MS = 2000;

/**
 * Host memory tuning: KSM (switch, parameters, live graph of shared pages and memory saved) and the huge
 * page pools of each NUMA node. Reads `host.memory` every two seconds while the page is visible.
 */
export const HostMemoryPage = ({ connectionId }: HostPageProps) => {
  const t = useT();
  const [data, setData] = useState<HostMemoryOutput | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  // bytes of the shared pages, bytes saved (pages_sharing × page size)
  const chart = useMemo(() => new ChartData(2, 1800), []);

  const show = useCallback(
    (m: HostMemoryOutput) => {
      setData(m);
      setError(undefined);
      const k = m.ksm;
      if (k.pagesShared !== null && k.pagesSharing !== null)
        chart.append(Date.now(), [k.pagesShared * k.pageBytes, k.pagesSharing * k.pageBytes]);
    },
    [chart],
  );

  useEffect(() => {
    let live = true;
    const read = () => {
      if (document.hidden) return;
      getApi()
        .call('host.memory', { connectionId })
        .then(
          (m) => live && show(m),
          (e: unknown) => live && setError(toApiError(e)),
        );
    };
    read();
    const timer = setInterval(read, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [connectionId, show]);

  return (
    <div className="host-page clamp hostmem" data-testid="host-memory">
      {!data && error && <FailureNote message={t('hostmem.failed')} detail={error.message} />}
      {!data && !error && <Spinner label={t('common.loading')} />}
      {data && (
        <>
          <KsmCard connectionId={connectionId} data={data} chart={chart} onChanged={show} />
          <HugepagesCard connectionId={connectionId} data={data} onChanged={show} />
        </>
      )}
    </div>
  );
};
