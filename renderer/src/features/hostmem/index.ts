import type { FeatureContribution } from '../../shell/registry.js';
import { HostMemoryPage } from './HostMemoryPage.js';

/** A connection's host memory tuning: KSM (with its live graph) and the huge page pools per NUMA node. */
export const contribution: FeatureContribution = {
  id: 'hostmem',
  hostPages: [
    { id: 'memory', titleKey: 'hostmem.page', order: 15, icon: 'memory', component: HostMemoryPage },
  ],
};
