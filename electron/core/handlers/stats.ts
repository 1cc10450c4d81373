import type { statsCalls } from '../../../shared/contract/stats.js';
import { samplerFor } from '../../stats/service.js';
import type { Core } from '../core.js';
import { CoreError } from '../errors.js';
import type { HandlerMap } from '../handler-types.js';

export const statsHandlers = (core: Core): HandlerMap<typeof statsCalls> => {
  const sampler = samplerFor(core);
  const watched = new Set<string>();
  const known = (connectionId: string) => {
    if (!core.connections.has(connectionId))
      throw new CoreError('not-found', `Unknown connection: ${connectionId}`);
  };
  return {
    'stats.subscribe': async (input, { session }) => {
      known(input.connectionId);
      if (!watched.has(session.id)) {
        watched.add(session.id);
        session.onClose(() => {
          watched.delete(session.id);
          sampler.dropSession(session.id);
        });
      }
      sampler.subscribe(session.id, (tick) => session.send('stats.tick', tick), input);
      return { intervalMs: sampler.intervalMs };
    },
    'stats.unsubscribe': async ({ id }, { session }) => {
      sampler.unsubscribe(session.id, id);
      return {};
    },
    'stats.history': async (input) => {
      known(input.connectionId);
      return sampler.history(input);
    },
  };
};
