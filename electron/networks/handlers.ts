import type { networkCalls } from '../../shared/contract/networks.js';
import type { HandlerMap } from '../base/handlers.js';
import type { NetworkService } from './service.js';

export const networkHandlers = (svc: NetworkService): HandlerMap<typeof networkCalls> => ({
  'networks.list': ({ connectionId }) => svc.list(connectionId),
  'networks.get': ({ connectionId, name }) => svc.get(connectionId, name),
  'networks.create': (input) => svc.create(input),
  'networks.stop': ({ connectionId, name }) => svc.stop(connectionId, name),
  'networks.setAutostart': ({ connectionId, name, autostart }) =>
    svc.setAutostart(connectionId, name, autostart),
  'networks.delete': ({ connectionId, name }) => svc.delete(connectionId, name),
  'networks.dhcpHost': (input) => svc.dhcpHost(input),
  'networks.dhcpRange': (input) => svc.dhcpRange(input),
  'networks.dnsHost': (input) => svc.dnsHost(input),
  'networks.hostInterfaces': ({ connectionId }) => svc.hostInterfaces(connectionId),
  'networks.start': ({ connectionId, name, autostart }) => svc.start(connectionId, name, autostart),
  'pools.start': ({ connectionId, name, autostart }) => svc.startPool(connectionId, name, autostart),
});
