import type { VmSummary } from '../../../../../shared/contract/index.js';
import { useT } from '../../../i18n/index.js';
import { openDialog } from '../../../shell/dialogs.js';
import { navigate } from '../../../store/route.js';
import { MenuButton, type MenuItem } from '../../../ui/Menu.js';
import { allowedActions, canAutostart, canDelete, canRename } from '../lifecycle/lifecycle.js';
import { runVmAction, triggerAction } from './actions.js';

/** All actions of one VM as menu items (row "more" menu, VM page menu). */
export const vmMenuItems = (t: ReturnType<typeof useT>, vm: VmSummary, withOpen: boolean): MenuItem[] => {
  const items: MenuItem[] = [];
  if (withOpen)
    items.push({
      label: t('vm.open'),
      shortcut: 'Enter',
      onSelect: () => navigate({ kind: 'vm', connectionId: vm.connectionId, uuid: vm.uuid, tab: 'overview' }),
    });
  for (const a of allowedActions(vm)) {
    items.push({
      label: t(`action.${a}`) + (a === 'destroy' || a === 'reset' ? '…' : ''),
      onSelect: () => triggerAction(vm.connectionId, [vm.uuid], a),
      separatorBefore: items.length > 0 && (a === 'destroy' || items.length === (withOpen ? 1 : 0)),
    });
  }
  if (canAutostart(vm))
    items.push({
      label: t('action.autostart'),
      checked: vm.autostart,
      separatorBefore: true,
      onSelect: () =>
        void runVmAction({
          connectionId: vm.connectionId,
          uuid: vm.uuid,
          action: 'setAutostart',
          autostart: !vm.autostart,
        }),
    });
  items.push({
    label: t('action.renameEllipsis'),
    disabled: !canRename(vm),
    separatorBefore: !canAutostart(vm),
    onSelect: () => openDialog({ kind: 'rename', connectionId: vm.connectionId, uuid: vm.uuid }),
  });
  items.push({
    label: t('action.cloneEllipsis'),
    // Its disks must not change while they are copied.
    disabled: !(vm.persistent && vm.state === 'shutoff'),
    onSelect: () => openDialog({ kind: 'clone', connectionId: vm.connectionId, uuid: vm.uuid }),
  });
  items.push({
    label: t('action.migrateEllipsis'),
    // Something to migrate: a running guest, or a definition to move.
    disabled: !(vm.persistent || vm.state === 'running' || vm.state === 'paused'),
    onSelect: () => openDialog({ kind: 'migrate', connectionId: vm.connectionId, uuid: vm.uuid }),
  });
  items.push({
    label: t('action.deleteEllipsis'),
    shortcut: 'Delete',
    disabled: !canDelete(vm),
    onSelect: () => openDialog({ kind: 'delete', connectionId: vm.connectionId, uuids: [vm.uuid] }),
  });
  return items;
};

export const VmActionsMenu = ({
  vm,
  withOpen = true,
  tabIndex,
}: {
  vm: VmSummary;
  withOpen?: boolean;
  tabIndex?: number;
}) => {
  const t = useT();
  return (
    <MenuButton
      label={t('vm.moreActions', { name: vm.name })}
      items={vmMenuItems(t, vm, withOpen)}
      testId="vm-menu"
      tabIndex={tabIndex}
    />
  );
};
