import { defineDialog, openDialog } from '../../shell/dialogs.js';
import type { FeatureContribution } from '../../shell/registry.js';
import { ctrlKey } from '../../shell/shortcuts.js';
import { NewVmDialog } from './NewVmDialog.js';

/** New VM: the dialog (from the VM list's button or Ctrl+Shift+N on a connection's pages). */
export const contribution: FeatureContribution = {
  id: 'newvm',
  dialogs: [defineDialog('newVm', NewVmDialog)],
  shortcuts: [
    {
      keys: ['Ctrl', 'Shift', 'N'],
      labelKey: 'shortcuts.newVm',
      order: 40,
      match: (e) => ctrlKey(e) && e.shiftKey && e.key.toLowerCase() === 'n',
      run: (route) => {
        if ('connectionId' in route) openDialog({ kind: 'newVm', connectionId: route.connectionId });
      },
    },
  ],
};
