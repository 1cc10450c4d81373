import type { networkCalls } from '../../shared/contract/networks.js';
import type { HandlerMap } from '../base/handlers.js';
import type { NetworkService } from './service.js';

export const networkHandlers = (svc: NetworkService): HandlerMap<typeof networkCalls> => ({
  'networks.start': ({ connectionId, name, autostart }) => svc.start(connectionId, name, autostart),
  'pools.start': ({ connectionId, name, autostart }) => svc.startPool(connectionId, name, autostart),
});
