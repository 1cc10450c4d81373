import type { snapshotCalls } from '../../shared/contract/snapshots.js';
import type { HandlerMap } from '../base/handlers.js';
import type { SnapshotService } from './service.js';

export const snapshotHandlers = (svc: SnapshotService): HandlerMap<typeof snapshotCalls> => ({
  'snapshots.list': (input) => svc.list(input),
  'snapshots.create': (input) => svc.create(input),
  'snapshots.revert': (input) => svc.revert(input),
  'snapshots.delete': (input) => svc.delete(input),
});
