import type { hostCalls } from '../../shared/contract/host.js';
import type { HandlerMap } from '../base/handlers.js';
import type { HostService } from './service.js';

export const hostHandlers = (host: HostService): HandlerMap<typeof hostCalls> => ({
  'host.overview': (input) => host.overview(input),
  'host.readiness': (input) => host.readiness(input),
});
