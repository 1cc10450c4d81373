import { defineDialog } from '../../shell/dialogs.js';
import type { FeatureContribution } from '../../shell/registry.js';
import { ctrlKey } from '../../shell/shortcuts.js';
import { navigate } from '../../store/route.js';
import { ConfirmActionDialog } from './lifecycle/ConfirmActionDialog.js';
import { DeleteDialog } from './lifecycle/DeleteDialog.js';
import { RenameDialog } from './lifecycle/RenameDialog.js';
import { focusSearch } from './list/searchFocus.js';
import { VmList } from './list/VmList.js';
import { VmPage } from './page/VmPage.js';

/** The VM list of a connection, a VM's page, and the lifecycle actions with their dialogs. */
export const contribution: FeatureContribution = {
  id: 'vms',
  slots: { vmList: VmList, vmPage: VmPage },
  dialogs: [
    defineDialog('confirm', ConfirmActionDialog),
    defineDialog('delete', DeleteDialog),
    defineDialog('rename', RenameDialog),
  ],
  shortcuts: [
    {
      keys: ['Ctrl', 'F'],
      labelKey: 'shortcuts.search',
      order: 10,
      match: (e) => ctrlKey(e) && e.key.toLowerCase() === 'f',
      run: () => focusSearch(),
    },
    // Handled by the list itself (it has the focus); listed here so the shortcuts dialog shows them.
    { keys: ['↑', '↓'], labelKey: 'shortcuts.move', order: 50 },
    { keys: ['Shift', '↑/↓'], labelKey: 'shortcuts.extend', order: 60 },
    { keys: ['Ctrl', 'A'], labelKey: 'shortcuts.selectAll', order: 70 },
    { keys: ['Space'], labelKey: 'shortcuts.toggle', order: 80 },
    { keys: ['Enter'], labelKey: 'shortcuts.open', order: 90 },
    { keys: ['Delete'], labelKey: 'shortcuts.delete', order: 100 },
    { keys: ['Shift', 'F10'], labelKey: 'shortcuts.menu', order: 110 },
    {
      keys: ['Alt', '←'],
      labelKey: 'shortcuts.back',
      order: 120,
      match: (e) => e.altKey && e.key === 'ArrowLeft',
      run: (route) => {
        if (route.kind !== 'vm') return false;
        navigate({ kind: 'vms', connectionId: route.connectionId });
      },
    },
  ],
};
