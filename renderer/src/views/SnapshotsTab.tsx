import { useCallback, useEffect, useState } from 'react';
import type { Snapshot } from '../../../shared/contract/snapshots.js';
import { snapshotNameSchema } from '../../../shared/contract/snapshots.js';
import { getApi } from '../api/client.js';
import { toApiError } from '../api/transport.js';
import { ConfirmDialog, Dialog } from '../components/Dialog.js';
import { TextField } from '../components/Field.js';
import { Spinner } from '../components/icons.js';
import type { VmTabProps } from '../extensions.js';
import { useT } from '../i18n/index.js';
import { showToast } from '../store/toasts.js';

/** A default name people can keep: the date and time, sortable. */
const defaultName = (d = new Date()): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `snapshot-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
};

type Pending = { kind: 'revert' | 'delete'; name: string } | { kind: 'create' } | null;

/** A VM's snapshots: take one, go back to one, delete one (asking first for the last two). */
export const SnapshotsTab = ({ connectionId, vmUuid, vmName, state }: VmTabProps) => {
  const t = useT();
  const [list, setList] = useState<Snapshot[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const ref = { connectionId, uuid: vmUuid };

  const reload = useCallback(() => {
    getApi()
      .call('snapshots.list', { connectionId, uuid: vmUuid })
      .then((l) => {
        setList(l);
        setError(null);
      })
      .catch((e: unknown) => setError(toApiError(e).message));
  }, [connectionId, vmUuid]);
  useEffect(reload, [reload]);

  const run = async (label: string, work: () => Promise<unknown>, done: string): Promise<void> => {
    setBusy(label);
    try {
      await work();
      showToast(done);
    } catch (e) {
      showToast(toApiError(e).message, 'error');
    } finally {
      setBusy(null);
      reload();
    }
  };

  return (
    <div className="clamp" data-testid="vm-snapshots">
      <div className="toolbar">
        <span className="dim">{t('snapshots.hint')}</span>
        <span className="spacer" />
        <button
          type="button"
          className="btn small suggested"
          disabled={busy !== null}
          data-testid="snapshot-take"
          onClick={() => setPending({ kind: 'create' })}
        >
          {t('snapshots.take')}
        </button>
      </div>
      {busy && (
        <p role="status">
          <Spinner label={busy} /> {busy}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <ul className="boxed-list" data-testid="snapshot-list" aria-label={t('snapshots.listLabel')}>
        {list === null ? (
          <li>
            <Spinner label={t('common.loading')} />
          </li>
        ) : list.length === 0 ? (
          <li className="dim">{t('snapshots.none')}</li>
        ) : (
          list.map((s) => (
            <li key={s.name} data-testid="snapshot-row" data-name={s.name}>
              <span className="label">
                {s.name} {s.current && <span className="badge">{t('snapshots.current')}</span>}
                <span className="sub">
                  {new Date(s.createdAt * 1000).toLocaleString()} ·{' '}
                  {t(s.withMemory ? 'snapshots.withMemory' : 'snapshots.diskOnly', { state: s.state })}
                  {s.description ? ` · ${s.description}` : ''}
                </span>
              </span>
              <span className="value">
                <button
                  type="button"
                  className="btn small"
                  disabled={busy !== null}
                  aria-label={t('snapshots.revertTo', { name: s.name })}
                  onClick={() => setPending({ kind: 'revert', name: s.name })}
                >
                  {t('snapshots.revert')}
                </button>{' '}
                <button
                  type="button"
                  className="btn small"
                  disabled={busy !== null}
                  aria-label={t('snapshots.deleteNamed', { name: s.name })}
                  onClick={() => setPending({ kind: 'delete', name: s.name })}
                >
                  {t('snapshots.delete')}
                </button>
              </span>
            </li>
          ))
        )}
      </ul>
      {pending?.kind === 'create' && (
        <TakeSnapshotDialog
          running={state === 'running' || state === 'paused'}
          onClose={() => setPending(null)}
          onTake={(name, description) => {
            setPending(null);
            void run(
              t('snapshots.taking', { name }),
              () =>
                getApi().call('snapshots.create', { ...ref, name, ...(description ? { description } : {}) }),
              t('snapshots.taken', { name }),
            );
          }}
        />
      )}
      {pending && pending.kind !== 'create' && (
        <ConfirmDialog
          title={t(`snapshots.${pending.kind}.title`, { name: pending.name, vm: vmName })}
          body={t(`snapshots.${pending.kind}.body`)}
          confirmLabel={t(pending.kind === 'revert' ? 'snapshots.revert' : 'snapshots.delete')}
          cancelLabel={t('common.cancel')}
          destructive
          onClose={() => setPending(null)}
          onConfirm={() => {
            const { kind, name } = pending;
            setPending(null);
            void run(
              t(kind === 'revert' ? 'snapshots.reverting' : 'snapshots.deleting', { name }),
              () =>
                getApi().call(kind === 'revert' ? 'snapshots.revert' : 'snapshots.delete', { ...ref, name }),
              t(kind === 'revert' ? 'snapshots.reverted' : 'snapshots.deleted', { name }),
            );
          }}
        />
      )}
    </div>
  );
};

const TakeSnapshotDialog = ({
  running,
  onClose,
  onTake,
}: {
  running: boolean;
  onClose: () => void;
  onTake: (name: string, description: string) => void;
}) => {
  const t = useT();
  const [name, setName] = useState(defaultName);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title={t('snapshots.takeTitle')}
      onClose={onClose}
      testId="snapshot-dialog"
      onSubmit={() => {
        const r = snapshotNameSchema.safeParse(name);
        if (!r.success) setError(r.error.issues[0]?.message ?? t('snapshots.badName'));
        else onTake(name, description.trim());
      }}
      buttons={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={!name}>
            {t('snapshots.take')}
          </button>
        </>
      }
    >
      <p className="dim">{t(running ? 'snapshots.takeRunning' : 'snapshots.takeOff')}</p>
      <TextField
        id="snapshot-name"
        label={t('snapshots.name')}
        value={name}
        autoFocus
        error={error}
        onChange={(v) => {
          setName(v);
          setError(null);
        }}
      />
      <TextField
        id="snapshot-description"
        label={t('snapshots.description')}
        value={description}
        onChange={setDescription}
      />
    </Dialog>
  );
};
