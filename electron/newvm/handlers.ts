import type { newVmCalls } from '../../shared/contract/newvm.js';
import type { HandlerMap } from '../base/handlers.js';
import type { NewVmService } from './service.js';

export const newVmHandlers = (svc: NewVmService): HandlerMap<typeof newVmCalls> => ({
  'newvm.options': (input) => svc.options(input),
  'newvm.searchOs': (input) => svc.searchOs(input),
  'newvm.detectOs': (input) => svc.detectOs(input),
  'newvm.create': (input) => svc.create(input),
});
