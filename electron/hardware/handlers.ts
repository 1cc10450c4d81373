import type { hardwareCalls } from '../../shared/contract/hardware.js';
import type { HandlerMap } from '../base/handlers.js';
import type { HardwareService } from './service.js';

export const hardwareHandlers = (svc: HardwareService): HandlerMap<typeof hardwareCalls> => ({
  'hardware.get': (input) => svc.get(input),
  'hardware.apply': (input) => svc.apply(input),
});
