import { vmStore } from '../../store/vms.js';

/** A VM's name from the store, its UUID while it is not (or no longer) known. */
export const vmName = (connectionId: string, uuid: string): string =>
  vmStore(connectionId).get(uuid)?.name ?? uuid;
