import type { VmSummary } from '../../../../../shared/contract/index.js';
import { useT } from '../../../i18n/index.js';
import { useBusy } from '../../../store/vms.js';
import { Icon, Spinner } from '../../../ui/icons.js';
import { triggerAction } from '../actions/actions.js';
import { actionIcon, allowedActions } from '../lifecycle/lifecycle.js';

/** The VM's lifecycle actions as buttons (top of the Overview tab). */
export const VmActionButtons = ({ vm }: { vm: VmSummary }) => {
  const t = useT();
  const busy = useBusy(vm.connectionId, vm.uuid);
  return (
    <div className="vm-actions" role="toolbar" aria-label={t('vm.actions')}>
      {allowedActions(vm).map((a) => (
        <button
          key={a}
          type="button"
          className={`btn${a === 'start' || a === 'restore' || a === 'resume' ? ' suggested' : ''}`}
          disabled={!!busy}
          data-testid={`action-${a}`}
          onClick={() => triggerAction(vm.connectionId, [vm.uuid], a)}
        >
          {busy === a ? <Spinner /> : <Icon name={actionIcon[a]} />}
          {t(`action.${a}`)}
          {a === 'destroy' || a === 'reset' ? '…' : ''}
        </button>
      ))}
    </div>
  );
};
