import type { VmSummary } from '../../../../../shared/contract/index.js';
import { useT } from '../../../i18n/index.js';
import { Icon, stateIcon } from '../../../ui/icons.js';
import { vmAttention } from '../lifecycle/attention.js';

/**
 * A VM's state with its icon and colour (list rows, Overview). A VM that needs the user says why (libvirt's
 * pause reason: "Paused — disk error"; a shutdown it ignores: "Running — did not shut down").
 */
export const StateLabel = ({ vm }: { vm: Pick<VmSummary, 'state' | 'reason' | 'shutdownOverdue'> }) => {
  const t = useT();
  const attention = vmAttention(vm);
  const text = !attention
    ? t(`state.${vm.state}`)
    : attention.kind === 'shutdownOverdue'
      ? t('state.shutdownOverdue')
      : t(`state.pausedWhy.${attention.kind}`);
  return (
    <span
      className={`state ${vm.state}${attention ? ' attention' : ''}`}
      data-state={vm.state}
      data-reason={vm.reason}
      title={text}
    >
      <Icon name={attention ? 'crashed' : stateIcon(vm.state)} />
      {text}
    </span>
  );
};
