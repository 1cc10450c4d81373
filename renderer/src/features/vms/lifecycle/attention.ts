import type { VmSummary } from '../../../../../shared/contract/index.js';
import type { SimpleAction } from './lifecycle.js';

/**
 * Why a VM needs the user, from libvirt's state and reason (virDomainPausedReason, named in
 * shared/model/vm.ts): QEMU paused it on an error, or a shutdown was ignored. Each comes with the actions
 * that help, the first one the suggested.
 */
export interface VmAttention {
  /** i18n suffix: attention.<kind>, state.pausedWhy.<kind> */
  kind: 'ioerror' | 'crashed' | 'watchdog' | 'api_error' | 'postcopy_failed' | 'shutdownOverdue';
  actions: SimpleAction[];
}

const PAUSED_BY_ERROR: Record<string, SimpleAction[]> = {
  // the disk may come back (space freed, storage reattached): resuming then works
  ioerror: ['resume', 'destroy'],
  crashed: ['reset', 'destroy'],
  watchdog: ['reset', 'destroy'],
  api_error: ['reset', 'destroy'],
  postcopy_failed: ['destroy'],
};

export const vmAttention = (
  vm: Pick<VmSummary, 'state' | 'reason' | 'shutdownOverdue'>,
): VmAttention | null => {
  if (vm.state === 'paused') {
    const actions = PAUSED_BY_ERROR[vm.reason];
    if (actions) return { kind: vm.reason as VmAttention['kind'], actions };
  }
  if (vm.shutdownOverdue && vm.state !== 'shutoff') return { kind: 'shutdownOverdue', actions: ['destroy'] };
  return null;
};
