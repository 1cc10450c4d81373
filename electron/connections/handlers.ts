import type { connectionCalls } from '../../shared/contract/connections.js';
import type { HandlerMap } from '../base/handlers.js';
import type { ConnectionManager } from './connection-manager.js';

export const connectionHandlers = (connections: ConnectionManager): HandlerMap<typeof connectionCalls> => ({
  'connections.list': async () => connections.list(),
  'connections.add': async ({ name, uri, autoconnect, connect }) =>
    connections.add({ name, uri, autoconnect }, { connect }),
  'connections.update': async (input) => connections.update(input),
  'connections.remove': async ({ id }) => ({ removed: await connections.remove(id) }),
  'connections.connect': async ({ id }) => connections.connect(id),
  'connections.disconnect': async ({ id }) => connections.disconnect(id),
  'connections.status': async ({ id }) => connections.status(id),
});
