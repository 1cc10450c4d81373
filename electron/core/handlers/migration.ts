import type { migrationCalls } from '../../../shared/contract/migration.js';
import type { Core } from '../core.js';
import type { HandlerMap } from '../handler-types.js';
import { MigrationService } from '../migration.js';

export const migrationHandlers = (core: Core): HandlerMap<typeof migrationCalls> => {
  const svc = new MigrationService(core.connections);
  return {
    'migration.start': (input) => svc.start(input),
    'migration.progress': (input) => svc.progress(input),
    'migration.cancel': (input) => svc.cancel(input),
  };
};
