import type { migrationCalls } from '../../shared/contract/migration.js';
import type { HandlerMap } from '../base/handlers.js';
import type { MigrationService } from './service.js';

export const migrationHandlers = (svc: MigrationService): HandlerMap<typeof migrationCalls> => ({
  'migration.start': (input) => svc.start(input),
  'migration.progress': (input) => svc.progress(input),
  'migration.cancel': (input) => svc.cancel(input),
});
