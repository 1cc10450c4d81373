import { defineDialog } from '../../shell/dialogs.js';
import type { FeatureContribution } from '../../shell/registry.js';
import { MigrateDialog } from './MigrateDialog.js';

/** Migrate… (the VM menu opens it): to another connected host, with progress and cancel. */
export const contribution: FeatureContribution = {
  id: 'migration',
  dialogs: [defineDialog('migrate', MigrateDialog)],
};
