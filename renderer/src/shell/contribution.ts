import type { FeatureContribution } from './registry.js';
import { AboutDialog } from './AboutDialog.js';
import { defineDialog, openDialog } from './dialogs.js';
import { refreshAll } from './refresh.js';
import { ctrlKey } from './shortcuts.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';

/** What the shell itself adds next to the features: refresh, the shortcuts list, about. */
export const shellContribution: FeatureContribution = {
  id: 'shell',
  dialogs: [defineDialog('shortcuts', ShortcutsDialog), defineDialog('about', AboutDialog)],
  mainMenu: [{ labelKey: 'menu.refresh', shortcut: 'Ctrl+R', order: 20, onSelect: refreshAll }],
  shortcuts: [
    {
      keys: ['Ctrl', 'R'],
      labelKey: 'shortcuts.refresh',
      order: 20,
      match: (e) => ctrlKey(e) && e.key.toLowerCase() === 'r',
      run: refreshAll,
    },
    { keys: ['Esc'], labelKey: 'shortcuts.escape', order: 130 },
    {
      keys: ['Ctrl', '?'],
      labelKey: 'shortcuts.show',
      order: 140,
      match: (e) => ctrlKey(e) && (e.key === '?' || (e.key === '/' && e.shiftKey)),
      run: () => openDialog({ kind: 'shortcuts' }),
    },
  ],
};
