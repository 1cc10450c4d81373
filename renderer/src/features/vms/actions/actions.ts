import type { CallInput } from '../../../../../shared/contract/index.js';
import { getApi } from '../../../api/client.js';
import { applyRemedy, remedyLabel } from '../../../api/remedy.js';
import { toApiError } from '../../../api/transport.js';
import { t } from '../../../i18n/index.js';
import { openDialog } from '../../../shell/dialogs.js';
import { showToast } from '../../../store/toasts.js';
import { busyKey, busyStore, upsertVm, vmStore } from '../../../store/vms.js';
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
    showToast(t(`toast.done.${input.action}`, { name }));
    return true;
  } catch (e) {
    const err = toApiError(e);
    const remedy = err.remedy;
    showToast(
      t('toast.failed', { name, action: t(`action.${input.action}`), message: err.message }),
      'error',
      // e.g. its network is not running: start it (with autostart) and run the same action again.
      remedy && {
        label: remedyLabel(remedy),
        run: () =>
          void applyRemedy(remedy).then(
            () => runVmAction(input, vmName),
            (f: unknown) => showToast(toApiError(f).message, 'error'),
          ),
      },
    );
    return false;
  } finally {
    busyStore.delete(key);
  }
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
