import type { hostMemoryCalls } from '../../shared/contract/host-memory.js';
import type { HandlerMap } from '../base/handlers.js';
import type { HostMemoryService } from './memory.js';

export const hostMemoryHandlers = (svc: HostMemoryService): HandlerMap<typeof hostMemoryCalls> => ({
  'host.memory': (input) => svc.memory(input),
  'host.setKsm': (input) => svc.setKsm(input),
  'host.setHugepages': (input) => svc.setHugepages(input),
});
