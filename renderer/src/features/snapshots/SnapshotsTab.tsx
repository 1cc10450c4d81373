import { useCallback, useEffect, useState } from 'react';
import type { Snapshot } from '../../../../shared/contract/snapshots.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { ConfirmDialog } from '../../ui/Dialog.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { isolated, Name, ObjectUuid, tr } from '../../ui/Name.js';
import type { VmTabProps } from '../../shell/registry.js';
import { useT } from '../../i18n/index.js';
import { showToast } from '../../store/toasts.js';
import { TakeSnapshotDialog } from './TakeSnapshotDialog.js';

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

  /** Runs one change; a failure is a sentence about the VM (`failed`), libvirt's words the detail. */
  const run = async (
    label: string,
    work: () => Promise<unknown>,
    done: string,
    failed: string,
  ): Promise<void> => {
    setBusy(label);
    try {
      await work();
      showToast(done);
    } catch (e) {
      showToast(failed, 'error', { detail: toApiError(e).message });
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
      {error !== null && <FailureNote message={t('snapshots.failed.list', { vm: vmName })} detail={error} />}
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
                <Name>{s.name}</Name> {s.current && <span className="badge">{t('snapshots.current')}</span>}
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
          vm={ref}
          running={state === 'running' || state === 'paused'}
          onClose={() => setPending(null)}
          onTake={(input) => {
            setPending(null);
            void run(
              t('snapshots.taking', { name: input.name }),
              () => getApi().call('snapshots.create', input),
              t('snapshots.taken', { name: isolated(input.name) }),
              t('snapshots.failed.take', { vm: isolated(vmName) }),
            );
          }}
        />
      )}
      {pending && pending.kind !== 'create' && (
        <ConfirmDialog
          title={tr(`snapshots.${pending.kind}.title`, {
            name: <Name>{pending.name}</Name>,
            vm: <Name>{vmName}</Name>,
          })}
          body={
            <>
              <p>{t(`snapshots.${pending.kind}.body`)}</p>
              <ObjectUuid
                label={t('snapshots.vmUuid')}
                uuid={vmUuid}
                name={`${vmName} / ${pending.name}`}
                revealLabel={t('common.bidiName')}
              />
            </>
          }
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
              t(`snapshots.failed.${kind}`, { name: isolated(name), vm: isolated(vmName) }),
            );
          }}
        />
      )}
    </div>
  );
};
