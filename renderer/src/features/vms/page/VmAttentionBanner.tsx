import type { VmSummary } from '../../../../../shared/contract/index.js';
import { useT } from '../../../i18n/index.js';
import { useBusy } from '../../../store/vms.js';
import { triggerAction } from '../actions/actions.js';
import { vmAttention } from '../lifecycle/attention.js';

/** On the VM's page while the VM needs the user (paused by an error, shutdown ignored): why, and what helps. */
export const VmAttentionBanner = ({ vm }: { vm: VmSummary }) => {
  const t = useT();
  const busy = useBusy(vm.connectionId, vm.uuid);
  const a = vmAttention(vm);
  if (!a) return null;
  return (
    <div className="banner warning" role="alert" data-testid="vm-attention" data-kind={a.kind}>
      <span className="grow">{t(`attention.${a.kind}`, { name: vm.name })}</span>
      {a.actions.map((action) => (
        <button
          key={action}
          type="button"
          className="btn small"
          disabled={!!busy}
          onClick={() => triggerAction(vm.connectionId, [vm.uuid], action)}
        >
          {t(`action.${action}`)}
        </button>
      ))}
    </div>
  );
};
