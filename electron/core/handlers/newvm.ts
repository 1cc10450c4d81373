import type { newVmCalls } from '../../../shared/contract/newvm.js';
import type { Core } from '../core.js';
import type { HandlerMap } from '../handler-types.js';
import { NewVmService } from '../new-vm.js';

export const newVmHandlers = (core: Core): HandlerMap<typeof newVmCalls> => {
  const svc = new NewVmService(core.connections);
  return {
    'newvm.options': (input) => svc.options(input),
    'newvm.searchOs': (input) => svc.searchOs(input),
    'newvm.detectOs': (input) => svc.detectOs(input),
    'newvm.create': (input) => svc.create(input),
  };
};
