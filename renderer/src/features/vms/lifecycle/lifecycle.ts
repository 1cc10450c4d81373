/** Which lifecycle actions a VM state allows. Pure. */
import type { SimpleVmAction } from '../../../../../shared/contract/vms.js';

export type SimpleAction = SimpleVmAction;

/** Actions that ask for confirmation first (delete has its own dialog). */
export const destructiveActions: ReadonlySet<SimpleAction> = new Set(['destroy', 'reset']);

export interface VmActionState {
  state: string;
  /** a managed save image exists */
  hasManagedSave?: boolean;
  persistent?: boolean;
}

/** The simple actions the state allows, in display order. */
export const allowedActions = (vm: VmActionState): SimpleAction[] => {
  switch (vm.state) {
    case 'running':
    case 'blocked':
      return ['shutdown', 'reboot', 'suspend', 'managedSave', 'destroy', 'reset'];
    case 'paused':
      return ['resume', 'managedSave', 'destroy', 'reset'];
    case 'pmsuspended':
    case 'shutdown':
      return ['destroy'];
    case 'crashed':
      return ['destroy'];
    case 'shutoff':
    case 'nostate':
      return vm.hasManagedSave ? ['restore'] : ['start'];
    default:
      return ['destroy'];
  }
};

/** The one action offered inline (the "primary" button) for a state. */
export const primaryAction = (vm: VmActionState): SimpleAction | null => {
  const a = allowedActions(vm);
  if (a.includes('start')) return 'start';
  if (a.includes('restore')) return 'restore';
  if (a.includes('resume')) return 'resume';
  if (a.includes('shutdown')) return 'shutdown';
  return a[0] ?? null;
};

/** Delete works in any state (the core forces a running VM off first); rename needs it shut off. */
export const canDelete = (_vm: VmActionState): boolean => true;
export const needsForceOffBeforeDelete = (vm: VmActionState): boolean => isActive(vm.state);
export const canRename = (vm: VmActionState): boolean =>
  (vm.state === 'shutoff' || vm.state === 'nostate') && vm.persistent !== false;
export const canAutostart = (vm: VmActionState): boolean => vm.persistent !== false;

export const isActive = (state: string): boolean => state !== 'shutoff' && state !== 'nostate';

export const actionIcon = {
  start: 'play',
  shutdown: 'power',
  reboot: 'reboot',
  destroy: 'stop',
  reset: 'reset',
  suspend: 'pause',
  resume: 'play',
  managedSave: 'save',
  restore: 'restore',
} as const satisfies Record<SimpleAction, string>;
