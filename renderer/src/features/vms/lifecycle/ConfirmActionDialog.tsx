import { useT } from '../../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../../shell/dialogs.js';
import { ConfirmDialog } from '../../../ui/Dialog.js';
import { Name, ObjectUuid, tr } from '../../../ui/Name.js';
import { runBulk } from '../actions/actions.js';
import { vmName } from '../vmName.js';
import type { SimpleAction } from './lifecycle.js';

declare module '../../../shell/dialogs.js' {
  interface DialogRequests {
    /** A destructive simple action (force off, reset) on one or more VMs: asks first. */
    confirm: { connectionId: string; uuids: string[]; action: SimpleAction };
  }
}

export const ConfirmActionDialog = ({ req }: { req: DialogRequest<'confirm'> }) => {
  const t = useT();
  const names = req.uuids.map((u) => vmName(req.connectionId, u));
  const subject = names.length === 1 ? <Name>{names[0]!}</Name> : t('vms.nVms', { n: names.length });
  return (
    <ConfirmDialog
      title={tr(`confirm.${req.action}.title`, { name: subject })}
      body={
        <>
          <p>{t(`confirm.${req.action}.body`)}</p>
          {req.uuids.length === 1 && (
            <ObjectUuid
              label={t('common.uuid')}
              uuid={req.uuids[0]!}
              name={names[0]}
              revealLabel={t('common.bidiName')}
            />
          )}
        </>
      }
      confirmLabel={t(`action.${req.action}`)}
      cancelLabel={t('common.cancel')}
      destructive
      onClose={closeDialog}
      onConfirm={() =>
        void runBulk(req.uuids, (uuid) => ({ connectionId: req.connectionId, uuid, action: req.action }))
      }
    />
  );
};
