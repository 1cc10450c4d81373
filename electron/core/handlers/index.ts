import type { CallName, Calls } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { CallContext, HandlerMap } from '../handler-types.js';
import { connectionHandlers } from './connections.js';
import { vmHandlers } from './vms.js';
import { statsHandlers } from './stats.js';
import { hostHandlers } from './host.js';
import { consoleHandlers } from './consoles.js';
import { migrationHandlers } from './migration.js';
import { newVmHandlers } from './newvm.js';
import { snapshotHandlers } from './snapshots.js';
// Feature handler imports: one line each (consoles → E, stats/host → F).

export type AnyHandler = (input: unknown, ctx: CallContext) => Promise<unknown>;

/**
 * One handler per call of the contract. A feature adds one import above and one spread below
 * (`...consoleHandlers(core),`). `MissingHandlers` must be `never` (checked by tests/unit/contract.test.ts).
 */
export const createHandlers = (core: Core) =>
  ({
    ...connectionHandlers(core),
    ...vmHandlers(core),
    ...statsHandlers(core),
    ...hostHandlers(core),
    ...consoleHandlers(core),
    ...migrationHandlers(core),
    ...newVmHandlers(core),
    ...snapshotHandlers(core),
  }) satisfies Partial<HandlerMap<Calls>>;

/** Calls of the contract without a handler (should be `never`; dispatch answers them with an error). */
export type MissingHandlers = Exclude<CallName, keyof ReturnType<typeof createHandlers>>;
