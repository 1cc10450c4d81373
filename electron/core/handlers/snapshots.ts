import type { snapshotCalls } from '../../../shared/contract/snapshots.js';
import type { Core } from '../core.js';
import type { HandlerMap } from '../handler-types.js';
import { SnapshotService } from '../snapshots.js';

export const snapshotHandlers = (core: Core): HandlerMap<typeof snapshotCalls> => {
  const svc = new SnapshotService(core.connections);
  return {
    'snapshots.list': (input) => svc.list(input),
    'snapshots.create': (input) => svc.create(input),
    'snapshots.revert': (input) => svc.revert(input),
    'snapshots.delete': (input) => svc.delete(input),
  };
};
