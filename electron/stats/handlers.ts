import type { statsCalls } from '../../shared/contract/stats.js';
import { CoreError } from '../base/errors.js';
import type { HandlerMap } from '../base/handlers.js';
import type { StatsSampler } from './sampler.js';

/** Is a connection id saved (connected or not)? */
export interface KnownConnections {
  has(connectionId: string): boolean;
}

export const statsHandlers = (
  sampler: StatsSampler,
  connections: KnownConnections,
): HandlerMap<typeof statsCalls> => {
  /** Sessions whose subscriptions are dropped when they close (registered once per session). */
  const watched = new Set<string>();
  const known = (connectionId: string) => {
    if (!connections.has(connectionId))
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
