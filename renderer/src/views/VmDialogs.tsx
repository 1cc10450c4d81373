import { useEffect, useState } from 'react';
import type { VmVolume } from '../../../shared/contract/index.js';
import { vmNameSchema } from '../../../shared/contract/index.js';
import { getApi } from '../api/client.js';
import { toApiError } from '../api/transport.js';
import { ConfirmDialog, Dialog } from '../components/Dialog.js';
import { TextField } from '../components/Field.js';
import { Spinner } from '../components/icons.js';
import { useT } from '../i18n/index.js';
import { formatBytes } from '../logic/vmList.js';
import { needsForceOffBeforeDelete } from '../logic/lifecycle.js';
import { runBulk, runVmAction } from '../store/actions.js';
import { closeDialog, type DialogRequest } from '../store/dialogs.js';
import { getRoute, navigate } from '../store/route.js';
import { showToast } from '../store/toasts.js';
import { vmStore } from '../store/vms.js';

const vmName = (connectionId: string, uuid: string): string => vmStore(connectionId).get(uuid)?.name ?? uuid;

export const ConfirmActionDialog = ({ req }: { req: Extract<DialogRequest, { kind: 'confirm' }> }) => {
  const t = useT();
  const names = req.uuids.map((u) => vmName(req.connectionId, u));
  const subject = names.length === 1 ? names[0]! : t('vms.nVms', { n: names.length });
  return (
    <ConfirmDialog
      title={t(`confirm.${req.action}.title`, { name: subject })}
      body={t(`confirm.${req.action}.body`)}
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

interface VolRow extends VmVolume {
  key: string;
}

/** Delete one or more VMs; lists each VM's storage volumes with checkboxes to delete them too. */
export const DeleteDialog = ({ req }: { req: Extract<DialogRequest, { kind: 'delete' }> }) => {
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
          ? t('delete.title', { name: names[0]! })
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
            {req.uuids.length > 1 && <div className="section-title">{vmName(req.connectionId, uuid)}</div>}
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

export const RenameDialog = ({ req }: { req: Extract<DialogRequest, { kind: 'rename' }> }) => {
  const t = useT();
  const current = vmName(req.connectionId, req.uuid);
  const [name, setName] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    const parsed = vmNameSchema.safeParse(name);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? t('rename.invalid'));
      return;
    }
    closeDialog();
    await runVmAction(
      { connectionId: req.connectionId, uuid: req.uuid, action: 'rename', newName: name },
      current,
    );
  };
  return (
    <Dialog
      title={t('rename.title', { name: current })}
      onClose={closeDialog}
      onSubmit={() => void submit()}
      testId="rename-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={!name || name === current}>
            {t('action.rename')}
          </button>
        </>
      }
    >
      <TextField
        id="rename-input"
        label={t('rename.label')}
        value={name}
        autoFocus
        error={error}
        onChange={(v) => {
          setName(v);
          setError(null);
        }}
      />
    </Dialog>
  );
};

/** Copy a shut-off VM under a new name (its disks copied), then open the copy. */
export const CloneDialog = ({ req }: { req: Extract<DialogRequest, { kind: 'clone' }> }) => {
  const t = useT();
  const source = vmName(req.connectionId, req.uuid);
  const [name, setName] = useState(`${source}-clone`);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    const parsed = vmNameSchema.safeParse(name);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? t('rename.invalid'));
      return;
    }
    setBusy(true);
    try {
      const r = await getApi().call('vms.clone', {
        connectionId: req.connectionId,
        uuid: req.uuid,
        newName: name,
      });
      showToast(t('clone.done', { name }));
      closeDialog();
      navigate({ kind: 'vm', connectionId: req.connectionId, uuid: r.uuid, tab: 'overview' });
    } catch (e) {
      setError(toApiError(e).message);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('clone.title', { name: source })}
      onClose={busy ? () => undefined : closeDialog}
      onSubmit={() => void submit()}
      testId="clone-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={busy || !name}>
            {busy ? t('clone.busy') : t('clone.confirm')}
          </button>
        </>
      }
    >
      <p className="dim">{t('clone.body')}</p>
      <TextField
        id="clone-name"
        label={t('rename.label')}
        value={name}
        autoFocus
        disabled={busy}
        error={error}
        onChange={(v) => {
          setName(v);
          setError(null);
        }}
      />
    </Dialog>
  );
};

export const SHORTCUTS: { keys: string[]; key: string }[] = [
  { keys: ['Ctrl', 'F'], key: 'shortcuts.search' },
  { keys: ['Ctrl', 'R'], key: 'shortcuts.refresh' },
  { keys: ['Ctrl', 'N'], key: 'shortcuts.addConnection' },
  { keys: ['Ctrl', 'Shift', 'N'], key: 'shortcuts.newVm' },
  { keys: ['↑', '↓'], key: 'shortcuts.move' },
  { keys: ['Shift', '↑/↓'], key: 'shortcuts.extend' },
  { keys: ['Ctrl', 'A'], key: 'shortcuts.selectAll' },
  { keys: ['Space'], key: 'shortcuts.toggle' },
  { keys: ['Enter'], key: 'shortcuts.open' },
  { keys: ['Delete'], key: 'shortcuts.delete' },
  { keys: ['Shift', 'F10'], key: 'shortcuts.menu' },
  { keys: ['Alt', '←'], key: 'shortcuts.back' },
  { keys: ['Esc'], key: 'shortcuts.escape' },
  { keys: ['Ctrl', '?'], key: 'shortcuts.show' },
];

export const ShortcutsDialog = () => {
  const t = useT();
  return (
    <Dialog
      title={t('shortcuts.title')}
      onClose={closeDialog}
      testId="shortcuts-dialog"
      buttons={
        <button type="button" className="btn" onClick={closeDialog} autoFocus>
          {t('common.close')}
        </button>
      }
    >
      <div className="shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.key} style={{ display: 'contents' }}>
            <span>{t(s.key)}</span>
            <span>
              {s.keys.map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </span>
          </div>
        ))}
      </div>
    </Dialog>
  );
};
