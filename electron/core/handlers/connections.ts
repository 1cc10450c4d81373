import type { connectionCalls } from '../../../shared/contract/connections.js';
import type { Core } from '../core.js';
import type { HandlerMap } from '../handler-types.js';

export const connectionHandlers = (core: Core): HandlerMap<typeof connectionCalls> => ({
  'connections.list': async () => core.connections.list(),
  'connections.add': async ({ name, uri, autoconnect, connect }) => {
    const entry = await core.connections.add({ name, uri, autoconnect });
    if (connect) {
      await core.connections.connect(entry.id);
      return core.connections.entry(entry.id);
    }
    return entry;
  },
  'connections.update': async (input) => core.connections.update(input),
  'connections.remove': async ({ id }) => ({ removed: await core.connections.remove(id) }),
  'connections.connect': async ({ id }) => core.connections.connect(id),
  'connections.disconnect': async ({ id }) => core.connections.disconnect(id),
  'connections.status': async ({ id }) => core.connections.status(id),
});
