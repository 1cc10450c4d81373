import type { FeatureContribution } from '../../shell/registry.js';
import { TuningTab } from './TuningTab.js';

/** A VM's tuning: vCPU and emulator pinning on the host's CPU map, memory/CPU/block limits and shares. */
export const contribution: FeatureContribution = {
  id: 'tuning',
  vmTabs: [{ id: 'tuning', titleKey: 'tune.tab', order: 37, component: TuningTab }],
};
