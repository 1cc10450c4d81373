import { useEffect, useState } from 'react';
import type { VmVolume } from '../../../../../shared/contract/index.js';
import { getApi } from '../../../api/client.js';
import { toApiError } from '../../../api/transport.js';
import { useT } from '../../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../../shell/dialogs.js';
import { getRoute, navigate } from '../../../store/route.js';
import { vmStore } from '../../../store/vms.js';
import { Dialog } from '../../../ui/Dialog.js';
import { Spinner } from '../../../ui/icons.js';
import { Name, ObjectUuid, tr } from '../../../ui/Name.js';
import { runBulk } from '../actions/actions.js';
import { formatBytes } from '../list/vmList.js';
import { vmName } from '../vmName.js';
import { needsForceOffBeforeDelete } from './lifecycle.js';

declare module '../../../shell/dialogs.js' {
  interface DialogRequests {
    delete: { connectionId: string; uuids: string[] };
  }
}

interface VolRow extends VmVolume {
  key: string;
}

/** Delete one or more VMs; lists each VM's storage volumes with checkboxes to delete them too. */
export const DeleteDialog = ({ req }: { req: DialogRequest<'delete'> }) => {
  const t = useT();
  const [vols, setVols] = useState<Record<string, VolRow[]> | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    void Promise.all(
      req.uuids.map(async (uuid) => {
        try {
          const list = await getApi().call('vms.volumes', { connectionId: req.connectionId, uuid });
          return [uuid, list.map((v) => ({ ...v, key: `${uuid}|${v.path}` }))] as const;
        } catch (e) {
          if (live) setError(toApiError(e).message);
          return [uuid, [] as VolRow[]] as const;
        }
      }),
    ).then((entries) => {
      if (!live) return;
      const map = Object.fromEntries(entries);
      setVols(map);
      setChecked(new Set(entries.flatMap(([, l]) => l.filter((v) => v.suggested).map((v) => v.key))));
    });
    return () => {
      live = false;
    };
  }, [req.connectionId, req.uuids]);

  const submit = async (): Promise<void> => {
    setBusy(true);
    const route = getRoute();
    closeDialog();
    await runBulk(req.uuids, (uuid) => ({
      connectionId: req.connectionId,
      uuid,
      action: 'delete',
      deleteVolumes: (vols?.[uuid] ?? []).filter((v) => checked.has(v.key)).map((v) => v.path),
    }));
    if (route.kind === 'vm' && req.uuids.includes(route.uuid))
      navigate({ kind: 'vms', connectionId: req.connectionId });
  };

  const names = req.uuids.map((u) => vmName(req.connectionId, u));
  return (
    <Dialog
      title={
        names.length === 1
          ? tr('delete.title', { name: <Name>{names[0]!}</Name> })
          : t('delete.titleMany', { n: names.length })
      }
      onClose={closeDialog}
      wide
      testId="delete-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog} autoFocus>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn destructive"
            disabled={busy || vols === null}
            onClick={() => void submit()}
            data-testid="delete-confirm"
          >
            {t('action.delete')}
          </button>
        </>
      }
    >
      <p>{t('delete.body')}</p>
      {req.uuids.length === 1 && (
        <ObjectUuid
          label={t('common.uuid')}
          uuid={req.uuids[0]!}
          name={names[0]}
          revealLabel={t('common.bidiName')}
        />
      )}
      {req.uuids.some((u) => {
        const v = vmStore(req.connectionId).get(u);
        return v ? needsForceOffBeforeDelete(v) : false;
      }) && <p className="error-text">{t('delete.running')}</p>}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {vols === null ? (
        <p>
          <Spinner label={t('common.loading')} />
        </p>
      ) : (
        req.uuids.map((uuid) => (
          <div key={uuid}>
            {req.uuids.length > 1 && (
              <div className="section-title">
                <Name>{vmName(req.connectionId, uuid)}</Name> <span className="dim mono">{uuid}</span>
              </div>
            )}
            {(vols[uuid] ?? []).length === 0 ? (
              <p className="dim">{t('delete.noVolumes')}</p>
            ) : (
              <ul className="boxed-list" aria-label={t('delete.volumes')}>
                {(vols[uuid] ?? []).map((v) => (
                  <li key={v.key}>
                    <label className="check-row" style={{ flex: 1, minWidth: 0 }}>
                      <input
                        type="checkbox"
                        checked={checked.has(v.key)}
                        data-testid="delete-volume"
                        data-path={v.path}
                        onChange={(e) =>
                          setChecked((c) => {
                            const n = new Set(c);
                            if (e.target.checked) n.add(v.key);
                            else n.delete(v.key);
                            return n;
                          })
                        }
                      />
                      <span className="label" style={{ flex: 1, minWidth: 0 }}>
                        {v.target} · <span className="mono">{v.path}</span>
                        <span className="sub">
                          {[
                            v.pool ? t('delete.pool', { pool: v.pool }) : t('delete.notInPool'),
                            v.capacity !== null ? formatBytes(v.capacity) : null,
                            v.readonly ? t('delete.readonly') : null,
                            v.shareable ? t('delete.shareable') : null,
                            v.usedBy.length ? t('delete.usedBy', { names: v.usedBy.join(', ') }) : null,
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))
      )}
    </Dialog>
  );
};
