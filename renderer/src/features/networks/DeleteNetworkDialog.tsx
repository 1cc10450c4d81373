import { useState } from 'react';
import type { NetworkSummary } from '../../../../shared/contract/networks.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../shell/dialogs.js';
import { showToast } from '../../store/toasts.js';
import { Dialog } from '../../ui/Dialog.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { isolated, Name, tr } from '../../ui/Name.js';
import { addressesOf } from './format.js';

declare module '../../shell/dialogs.js' {
  interface DialogRequests {
    deleteNetwork: { connectionId: string; network: NetworkSummary; onDone?: () => void };
  }
}

/** Delete a network, saying what goes: the running network (bridge, DHCP), its definition, its VMs' link. */
export const DeleteNetworkDialog = ({ req }: { req: DialogRequest<'deleteNetwork'> }) => {
  const t = useT();
  const n = req.network;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await getApi().call('networks.delete', { connectionId: req.connectionId, name: n.name });
      showToast(t('networks.deleted', { name: isolated(n.name) }));
      closeDialog();
      req.onDone?.();
    } catch (e) {
      setError(toApiError(e).message);
      setBusy(false);
    }
  };
  const addrs = addressesOf(n).join(', ');
  return (
    <Dialog
      title={tr('networks.deleteTitle', { name: <Name>{n.name}</Name> })}
      onClose={busy ? () => undefined : closeDialog}
      testId="delete-network-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog} disabled={busy} autoFocus>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn destructive"
            disabled={busy}
            data-testid="delete-network-confirm"
            onClick={() => void confirm()}
          >
            {t('networks.delete')}
          </button>
        </>
      }
    >
      <ul className="delete-network-list">
        {n.active && (
          <li>{t('networks.deleteStops', { bridge: n.bridge ?? '—', addresses: addrs || '—' })}</li>
        )}
        {n.persistent && <li>{t('networks.deleteUndefines')}</li>}
        {n.vms.length > 0 && (
          <li data-testid="delete-network-vms">
            {t('networks.deleteVms', { vms: n.vms.map((v) => isolated(v.name)).join(', ') })}
          </li>
        )}
      </ul>
      {error !== null && (
        <FailureNote message={t('networks.failed.delete', { name: isolated(n.name) })} detail={error} />
      )}
    </Dialog>
  );
};
