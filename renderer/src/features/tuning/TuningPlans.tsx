import { useState } from 'react';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { useRealtime } from './planStore.js';
import { Profiles } from './Profiles.js';
import { Realtime } from './Realtime.js';
import './tuning-plans.css';

/**
 * The Tuning tab's XML-level sections: realtime and low latency, then the profiles. Both change the
 * definition through a reviewed diff (and a running VM live where libvirt allows); an apply in one
 * reloads the other and the tab.
 */
export const TuningPlans = ({
  connectionId,
  vmUuid,
  vmName,
  state,
  onApplied,
}: {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  state: string;
  onApplied: () => void;
}) => {
  const t = useT();
  const [seq, setSeq] = useState(0);
  const { data, error } = useRealtime(connectionId, vmUuid, state, seq);
  const applied = () => {
    setSeq((s) => s + 1);
    onApplied();
  };
  return (
    <>
      {data ? (
        <Realtime
          data={data}
          connectionId={connectionId}
          vmUuid={vmUuid}
          vmName={vmName}
          onApplied={applied}
        />
      ) : error ? (
        <FailureNote message={t('tune.rt.failed', { vm: vmName })} detail={error.message} />
      ) : (
        <Spinner label={t('common.loading')} />
      )}
      <Profiles connectionId={connectionId} vmUuid={vmUuid} vmName={vmName} onApplied={applied} />
    </>
  );
};
