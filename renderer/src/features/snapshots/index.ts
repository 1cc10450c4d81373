import type { FeatureContribution } from '../../shell/registry.js';
import { SnapshotsTab } from './SnapshotsTab.js';

/** A VM's snapshots: take, revert, delete. */
export const contribution: FeatureContribution = {
  id: 'snapshots',
  vmTabs: [{ id: 'snapshots', titleKey: 'snapshots.tab', order: 40, component: SnapshotsTab }],
};
