import { isActiveState } from '../../../../shared/contract/index.js';
import type { VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { CpuMap } from './CpuMap.js';
import { Limits } from './Limits.js';
import { GuestNuma } from './GuestNuma.js';
import { IoThreads } from './IoThreads.js';
import { BlkioDevices } from './BlkioDevices.js';
import { Security } from './Security.js';
import { useTuning } from './tuningStore.js';
import { TuningPlans } from './TuningPlans.js';
import './tuning.css';

/** The Tuning tab: CPU placement on the host map, then the limits and shares. */
export const TuningTab = ({ connectionId, vmUuid, vmName, state }: VmTabProps) => {
  const t = useT();
  const { data, error, reload } = useTuning(connectionId, vmUuid, state);
  const running = isActiveState(state as Parameters<typeof isActiveState>[0]);
  if (!data)
    return (
      <div className="clamp" data-testid="vm-tuning">
        {error ? (
          <FailureNote message={t('tune.failed.read', { vm: vmName })} detail={error.message} />
        ) : (
          <Spinner label={t('common.loading')} />
        )}
      </div>
    );
  const props = { data, running, connectionId, vmUuid, vmName, onApplied: reload };
  return (
    <div className="tune" data-testid="vm-tuning">
      <CpuMap {...props} />
      <Limits {...props} />
      <GuestNuma {...props} />
      <TuningPlans
        connectionId={connectionId}
        vmUuid={vmUuid}
        vmName={vmName}
        state={state}
        onApplied={reload}
      />
      <IoThreads {...props} />
      <BlkioDevices {...props} />
      <Security connectionId={connectionId} vmUuid={vmUuid} vmName={vmName} state={state} />
    </div>
  );
};
