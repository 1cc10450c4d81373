import type { FeatureContribution } from '../../shell/registry.js';
import { ConsoleTab, HostTerminalPage } from './ConsoleTab.js';
import { DisplayTab } from './DisplayTab.js';

/** Serial console and graphical display (the first tabs after Overview), and the host's terminal. */
export const contribution: FeatureContribution = {
  id: 'consoles',
  vmTabs: [
    { id: 'console', titleKey: 'console.tab', order: 10, component: ConsoleTab },
    { id: 'display', titleKey: 'display.tab', order: 20, component: DisplayTab },
  ],
  hostPages: [
    {
      id: 'terminal',
      titleKey: 'console.hostPage',
      order: 50,
      icon: 'terminal',
      component: HostTerminalPage,
    },
  ],
};
