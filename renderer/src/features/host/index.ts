import type { FeatureContribution } from '../../shell/registry.js';
import { HostDashboard } from './HostDashboard.js';
import { ReadinessPage } from './ReadinessPage.js';

/** A connection's host: dashboard (capacity, load, NUMA) and the KVM readiness check. */
export const contribution: FeatureContribution = {
  id: 'host',
  hostPages: [
    { id: 'dashboard', titleKey: 'host.page.dashboard', order: 10, component: HostDashboard },
    { id: 'readiness', titleKey: 'host.page.readiness', order: 20, icon: 'check', component: ReadinessPage },
  ],
};
