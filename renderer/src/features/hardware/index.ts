import type { FeatureContribution } from '../../shell/registry.js';
import { HardwareBadge, HardwareTab } from './HardwareTab.js';

/** A VM's hardware: CPU, memory, boot and firmware, devices; what applies now and what at next boot. */
export const contribution: FeatureContribution = {
  id: 'hardware',
  vmTabs: [{ id: 'hardware', titleKey: 'hw.tab', order: 35, component: HardwareTab, badge: HardwareBadge }],
};
