import { defineDialog, openDialog } from '../../shell/dialogs.js';
import type { FeatureContribution } from '../../shell/registry.js';
import { ctrlKey } from '../../shell/shortcuts.js';
import { AddConnectionButton } from './AddConnectionButton.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { ConnectionDialog } from './ConnectionDialog.js';
import { ConnectionList } from './ConnectionList.js';
import { FirstRun } from './FirstRun.js';
import { NotConnected } from './NotConnected.js';

const addConnection = (): void => openDialog({ kind: 'addConnection' });

/** Saved libvirt connections: the sidebar, first run, add/edit, connection state banners. */
export const contribution: FeatureContribution = {
  id: 'connections',
  slots: {
    sidebarStart: AddConnectionButton,
    sidebarContent: ConnectionList,
    firstRun: FirstRun,
    notConnected: NotConnected,
    connectionBanner: ConnectionBanner,
  },
  dialogs: [
    defineDialog('addConnection', ConnectionDialog),
    defineDialog('editConnection', ConnectionDialog),
  ],
  mainMenu: [{ labelKey: 'menu.addConnection', shortcut: 'Ctrl+N', order: 10, onSelect: addConnection }],
  shortcuts: [
    {
      keys: ['Ctrl', 'N'],
      labelKey: 'shortcuts.addConnection',
      order: 30,
      match: (e) => ctrlKey(e) && !e.shiftKey && e.key.toLowerCase() === 'n',
      run: addConnection,
    },
  ],
};
