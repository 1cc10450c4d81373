import type { ComponentType } from 'react';
import { CpuSparkline } from './graphs/CpuSparkline.js';
import { PerformanceTab } from './graphs/PerformanceTab.js';
import { HostDashboard } from './host/HostDashboard.js';
import { ReadinessPage } from './host/ReadinessPage.js';
import { ConsoleTab, HostTerminalPage } from './console/ConsoleTab.js';
import { DisplayTab } from './console/DisplayTab.js';
import { SnapshotsTab } from './views/SnapshotsTab.js';

/**
 * Feature slots of the UI. Features (consoles, performance graphs, host pages) add an entry here
 * instead of editing the app shell.
 */
export interface VmTabProps {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  /** libvirt domain state name: 'running', 'paused', 'shutoff', … */
  state: string;
  active: boolean;
}

export interface VmTab {
  id: string;
  /** i18n key of the tab title */
  titleKey: string;
  component: ComponentType<VmTabProps>;
}

export interface HostPageProps {
  connectionId: string;
}

export interface HostPage {
  id: string;
  titleKey: string;
  component: ComponentType<HostPageProps>;
}

export const vmTabs: VmTab[] = [];
export const hostPages: HostPage[] = [];

/** Props of cells the VM list leaves to features (one per row, fixed size 84×24 px). */
export interface VmListCellProps {
  connectionId: string;
  vmUuid: string;
}

/**
 * Slots inside each VM-list row. `cpuSparkline` (F, renderer/src/graphs) is drawn in the CPU column; when null,
 * the row renders an empty fixed-size placeholder.
 */
export const vmListSlots: { cpuSparkline: ComponentType<VmListCellProps> | null } = { cpuSparkline: null };

// Resource graphs, host dashboard, KVM readiness check (F).
vmTabs.push({ id: 'performance', titleKey: 'perf.tab', component: PerformanceTab });
hostPages.push({ id: 'dashboard', titleKey: 'host.page.dashboard', component: HostDashboard });
hostPages.push({ id: 'readiness', titleKey: 'host.page.readiness', component: ReadinessPage });
vmListSlots.cpuSparkline = CpuSparkline;

// Serial console, graphical display (first after Overview) and host terminal (E, renderer/src/console).
vmTabs.unshift(
  { id: 'console', titleKey: 'console.tab', component: ConsoleTab },
  { id: 'display', titleKey: 'display.tab', component: DisplayTab },
);
hostPages.push({ id: 'terminal', titleKey: 'console.hostPage', component: HostTerminalPage });

// Snapshots of a VM.
vmTabs.push({ id: 'snapshots', titleKey: 'snapshots.tab', component: SnapshotsTab });
