import type { CallInput } from '../../../../../shared/contract/index.js';
import { getApi } from '../../../api/client.js';
import { applyRemedy, remedyLabel } from '../../../api/remedy.js';
import { toApiError, type ApiError } from '../../../api/transport.js';
import { t } from '../../../i18n/index.js';
import { openDialog } from '../../../shell/dialogs.js';
import { navigate } from '../../../store/route.js';
import { showToast, type ToastAction } from '../../../store/toasts.js';
import { busyKey, busyStore, upsertVm, vmStore } from '../../../store/vms.js';
import { isolated } from '../../../ui/Name.js';
import { vmAttention } from '../lifecycle/attention.js';
import { destructiveActions, type SimpleAction } from '../lifecycle/lifecycle.js';

export type VmActionInput = CallInput<'vms.action'>;

/**
 * Runs one lifecycle action: marks the row busy (spinner), toasts when done, and shows libvirt's own
 * message when it fails. Resolves true on success.
 */
export const runVmAction = async (input: VmActionInput, vmName?: string): Promise<boolean> => {
  const key = busyKey(input.connectionId, input.uuid);
  const name = vmName ?? vmStore(input.connectionId).get(input.uuid)?.name ?? input.uuid;
  busyStore.set(key, input.action);
  try {
    const vm = await getApi().call('vms.action', input);
    if (vm) upsertVm(vm);
    showToast(t(`toast.done.${input.action}`, { name: isolated(name) }));
    return true;
  } catch (e) {
    reportFailure(input, name, toApiError(e), vmName);
    return false;
  } finally {
    busyStore.delete(key);
  }
};

/**
 * libvirt's (or QEMU's) words when KVM itself is missing or unusable (start fails): the readiness check
 * helps. QEMU says "failed to initialize kvm: <why>" for every KVM setup failure it meets.
 */
const KVM_TROUBLE =
  /\bkvm\b.*(not supported|not available|could not access|permission denied|no such file)|domaintype=kvm|emulator.*kvm|failed to initiali[sz]e kvm/i;

/**
 * A failed action as a sentence about the VM, libvirt's words as the detail, and a safe next step when
 * there is one (Reconnect, Reset / Force Off for a VM paused by an error, the readiness check).
 */
const reportFailure = (input: VmActionInput, name: string, err: ApiError, vmName?: string): void => {
  const { connectionId, uuid } = input;
  let message = t(`toast.failed.${input.action}`, { name: isolated(name) });
  let detail = err.message;
  let action: ToastAction | undefined;
  const vm = vmStore(connectionId).get(uuid);
  const attention = vm ? vmAttention(vm) : null;
  const remedy = err.remedy;
  if (remedy) {
    // e.g. its network is not running: start it (with autostart) and run the same action again.
    action = {
      label: remedyLabel(remedy),
      run: () =>
        void applyRemedy(remedy).then(
          () => runVmAction(input, vmName),
          (f: unknown) => showToast(toApiError(f).message, 'error'),
        ),
    };
  } else if (err.code === 'not-connected' || err.code === 'connection') {
    message = t('toast.failed.notConnected', { name: isolated(name) });
    action = {
      label: t('connections.reconnect'),
      run: () =>
        void getApi()
          .call('connections.connect', { id: connectionId })
          .catch(() => undefined),
    };
  } else if (err.code === 'invalid-input') {
    message = t('toast.failed.invalid', { name: isolated(name) });
    detail = err.issues?.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') || err.message;
  } else if (attention && input.action === 'resume') {
    const next = attention.actions.find((a) => a !== 'resume');
    if (next) action = { label: t(`action.${next}`), run: () => triggerAction(connectionId, [uuid], next) };
  } else if (input.action === 'start' && KVM_TROUBLE.test(err.message)) {
    action = {
      label: t('toast.openReadiness'),
      run: () => navigate({ kind: 'host', connectionId, pageId: 'readiness' }),
    };
  }
  showToast(message, 'error', { detail, ...(action ? { action } : {}) });
};

/** Runs the same simple action on many VMs (bulk actions), a few at a time. */
export const runBulk = async (uuids: string[], make: (uuid: string) => VmActionInput): Promise<void> => {
  const queue = [...uuids];
  const worker = async (): Promise<void> => {
    for (let u = queue.shift(); u !== undefined; u = queue.shift()) await runVmAction(make(u));
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
};

/** Entry point for buttons/menus/shortcuts: destructive actions ask first, others run right away. */
export const triggerAction = (connectionId: string, uuids: string[], action: SimpleAction): void => {
  if (uuids.length === 0) return;
  if (destructiveActions.has(action)) {
    openDialog({ kind: 'confirm', connectionId, uuids, action });
    return;
  }
  void runBulk(uuids, (uuid) => ({ connectionId, uuid, action }));
};
