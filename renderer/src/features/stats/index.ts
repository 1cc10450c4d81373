import type { FeatureContribution } from '../../shell/registry.js';
import { CpuSparkline } from './CpuSparkline.js';
import { PerformanceTab } from './PerformanceTab.js';

/** Resource graphs: a VM's Performance tab and the CPU sparkline of each VM-list row. */
export const contribution: FeatureContribution = {
  id: 'stats',
  vmTabs: [{ id: 'performance', titleKey: 'perf.tab', order: 30, component: PerformanceTab }],
  slots: { vmListCpuCell: CpuSparkline },
};
