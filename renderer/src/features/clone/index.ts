import { defineDialog } from '../../shell/dialogs.js';
import type { FeatureContribution } from '../../shell/registry.js';
import { CloneDialog } from './CloneDialog.js';

/** Clone… (the VM menu opens it): a shut-off VM copied under a new name. */
export const contribution: FeatureContribution = {
  id: 'clone',
  dialogs: [defineDialog('clone', CloneDialog)],
};
