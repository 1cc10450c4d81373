import { useState, type KeyboardEvent } from 'react';
import type { StoragePool, StorageVolume } from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useCall, useEvent } from '../../api/hooks.js';
import { toApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import type { HostPageProps } from '../../shell/registry.js';
import { showToast } from '../../store/toasts.js';
import { ConfirmDialog } from '../../ui/Dialog.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { Spinner } from '../../ui/icons.js';
import { Name, tr } from '../../ui/Name.js';
import { CloneVolumeDialog } from './CloneVolumeDialog.js';
import { fmtBytes } from './format.js';
import { IsoLibrarySection } from './IsoLibrary.js';
import { NewPoolDialog } from './NewPoolDialog.js';
import { NewVolumeDialog } from './NewVolumeDialog.js';
import { ResizeVolumeDialog } from './ResizeVolumeDialog.js';
import { TransferDialog } from './TransferDialog.js';
import './storage.css';

type Confirm = 'stop' | 'delete-pool' | 'undefine' | 'wipe' | 'delete-volume';
type Pending =
  | { kind: 'new-pool' | 'new-volume' | 'upload' }
  | { kind: 'download' | 'resize' | 'clone'; volume: StorageVolume }
  | { kind: 'confirm'; what: Confirm; volume?: StorageVolume }
  | null;

/** Arrow keys move through a list of rows; Home/End to its ends. Returns the new index or null. */
const moveIndex = (e: KeyboardEvent, index: number, length: number): number | null => {
  if (e.key === 'ArrowDown') return Math.min(length - 1, index + 1);
  if (e.key === 'ArrowUp') return Math.max(0, index - 1);
  if (e.key === 'Home') return 0;
  if (e.key === 'End') return length - 1;
  return null;
};

const focusRow = (list: string, index: number): void =>
  document.querySelector<HTMLElement>(`[data-list='${list}'] [data-index='${index}']`)?.focus();

/** How full a pool is, as a bar (used part of its capacity). */
const CapacityBar = ({ pool }: { pool: StoragePool }) => {
  const t = useT();
  const used = pool.capacity > 0 ? pool.allocation / pool.capacity : 0;
  return (
    <span className="capacity">
      <span
        className="capacity-bar"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(used * 100)}
        aria-label={t('storage.used')}
        data-level={used > 0.9 ? 'full' : used > 0.75 ? 'high' : 'ok'}
      >
        <span style={{ width: `${Math.min(100, used * 100).toFixed(1)}%` }} />
      </span>
      <span className="capacity-text">
        {pool.active
          ? t('storage.freeOf', { free: fmtBytes(pool.available), total: fmtBytes(pool.capacity) })
          : t('storage.state.inactive')}
      </span>
    </span>
  );
};

/** A connection's storage: pools (state, capacity, autostart, users) and the selected pool's volumes. */
export const StoragePage = ({ connectionId }: HostPageProps) => {
  const t = useT();
  const pools = useCall('storage.pools', { connectionId });
  const [selectedPool, setSelectedPool] = useState<string | null>(null);
  const list = pools.data?.pools ?? [];
  const pool = list.find((p) => p.name === selectedPool) ?? list[0] ?? null;
  const vols = useCall('storage.volumes', pool?.active ? { connectionId, pool: pool.name } : null);
  const volumes = pool?.active ? (vols.data?.volumes ?? []) : [];
  const [selectedVolume, setSelectedVolume] = useState<string | null>(null);
  const volume = volumes.find((v) => v.name === selectedVolume) ?? null;
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEvent('storage.changed', (p) => {
    if (p.connectionId !== connectionId) return;
    pools.reload();
    vols.reload();
  });

  /** Runs one change; a failure is a sentence about the object, libvirt's words behind Details. */
  const run = async (label: string, work: () => Promise<unknown>, done: string, failed: string) => {
    setBusy(label);
    try {
      await work();
      showToast(done);
    } catch (e) {
      showToast(failed, 'error', { detail: toApiError(e).message });
    } finally {
      setBusy(null);
      pools.reload();
      vols.reload();
    }
  };

  const poolAction = (action: 'start' | 'stop' | 'refresh' | 'undefine') => {
    if (!pool) return;
    const name = pool.name;
    void run(
      t(`storage.pool.${action}.busy`, { name }),
      () => getApi().call('storage.poolAction', { connectionId, pool: name, action }),
      t(`storage.pool.${action}.done`, { name }),
      t(`storage.pool.${action}.failed`, { name }),
    );
  };

  const onPoolKey = (e: KeyboardEvent, index: number) => {
    const next = moveIndex(e, index, list.length);
    if (next === null) return;
    e.preventDefault();
    setSelectedPool(list[next]!.name);
    setSelectedVolume(null);
    focusRow('pools', next);
  };

  const onVolumeKey = (e: KeyboardEvent, index: number) => {
    const v = volumes[index]!;
    if (e.key === 'Delete') {
      e.preventDefault();
      setPending({ kind: 'confirm', what: 'delete-volume', volume: v });
      return;
    }
    const next = moveIndex(e, index, volumes.length);
    if (next === null) return;
    e.preventDefault();
    setSelectedVolume(volumes[next]!.name);
    focusRow('volumes', next);
  };

  const confirmText = (what: Confirm, v: StorageVolume | undefined): { body: string; label: string } => {
    if (!pool) return { body: '', label: '' };
    if (what === 'delete-pool') {
      const total = volumes.reduce((n, x) => n + x.allocation, 0);
      return {
        body: t(pool.active ? 'storage.confirm.deletePool.body' : 'storage.confirm.deletePool.inactive', {
          n: pool.volumeCount ?? 0,
          size: fmtBytes(total),
          path: pool.targetPath ?? pool.source.devices.join(', ') ?? pool.name,
        }),
        label: t('storage.confirmLabel.deletePool'),
      };
    }
    if (what === 'delete-volume' && v)
      return {
        body:
          v.usedBy.length > 0
            ? t('storage.confirm.deleteVolume.used', { vms: v.usedBy.map((u) => u.name).join(', ') })
            : t('storage.confirm.deleteVolume.body', { path: v.path, size: fmtBytes(v.allocation) }),
        label: t(v.usedBy.length > 0 ? 'storage.deleteAnyway' : 'storage.confirmLabel.delete'),
      };
    if (what === 'wipe' && v)
      return {
        body:
          v.usedBy.length > 0
            ? t('storage.confirm.wipe.used', { vms: v.usedBy.map((u) => u.name).join(', ') })
            : t('storage.confirm.wipe.body', { size: fmtBytes(v.capacity) }),
        label: t('storage.confirmLabel.wipe'),
      };
    if (what === 'stop')
      return { body: t('storage.confirm.stop.body'), label: t('storage.confirmLabel.stop') };
    return { body: t('storage.confirm.undefine.body'), label: t('storage.confirmLabel.undefine') };
  };

  const doConfirm = (what: Confirm, v: StorageVolume | undefined) => {
    if (!pool) return;
    const name = pool.name;
    if (what === 'stop' || what === 'undefine') return poolAction(what);
    if (what === 'delete-pool')
      return void run(
        t('storage.pool.delete.busy', { name }),
        () => getApi().call('storage.deletePool', { connectionId, pool: name }),
        t('storage.pool.delete.done', { name }),
        t('storage.pool.delete.failed', { name }),
      );
    if (!v) return;
    const force = v.usedBy.length > 0;
    const call = what === 'wipe' ? 'storage.wipeVolume' : 'storage.deleteVolume';
    const key = what === 'wipe' ? 'wipe' : 'delete';
    void run(
      t(`storage.volume.${key}.busy`, { name: v.name }),
      () => getApi().call(call, { connectionId, pool: name, volume: v.name, force }),
      t(`storage.volume.${key}.done`, { name: v.name }),
      t(`storage.volume.${key}.failed`, { name: v.name, pool: name }),
    );
  };

  const disabled = busy !== null;
  return (
    <div className="host-page storage-page" data-testid="storage-page">
      <div className="toolbar">
        <h2 className="section-title">{t('storage.title')}</h2>
        <span className="spacer" />
        <button
          type="button"
          className="btn small"
          data-testid="storage-new-pool"
          disabled={disabled}
          onClick={() => setPending({ kind: 'new-pool' })}
        >
          {t('storage.newPool')}
        </button>
      </div>
      {busy && (
        <p role="status" className="storage-busy">
          <Spinner label={busy} /> {busy}
        </p>
      )}
      {pools.error && <FailureNote message={t('storage.failed.list')} detail={pools.error.message} />}
      <div className="storage-panes">
        <ul
          className="boxed-list storage-pools"
          role="listbox"
          aria-label={t('storage.pools')}
          data-list="pools"
          data-testid="pool-list"
        >
          {pools.data === undefined ? (
            <li>
              <Spinner label={t('common.loading')} />
            </li>
          ) : list.length === 0 ? (
            <li className="dim">{t('storage.noPools')}</li>
          ) : (
            list.map((p, i) => (
              <li
                key={p.uuid}
                role="option"
                aria-selected={p.name === pool?.name}
                tabIndex={p.name === pool?.name ? 0 : -1}
                data-index={i}
                data-name={p.name}
                data-testid="pool-row"
                onClick={() => {
                  setSelectedPool(p.name);
                  setSelectedVolume(null);
                }}
                onKeyDown={(e) => onPoolKey(e, i)}
              >
                <span className="label">
                  <span className="pool-name">
                    <Name>{p.name}</Name>
                    <span className={`badge state-${p.active ? 'on' : 'off'}`}>
                      {t(`storage.state.${p.state}`)}
                    </span>
                  </span>
                  <span className="sub">
                    {p.type}
                    {p.autostart ? ` · ${t('storage.autostart')}` : ''}
                  </span>
                  <CapacityBar pool={p} />
                </span>
              </li>
            ))
          )}
        </ul>

        <section className="storage-detail" aria-label={pool ? pool.name : t('storage.pools')}>
          {pool && (
            <>
              <div className="toolbar pool-toolbar" role="toolbar" aria-label={t('storage.poolActions')}>
                {pool.active ? (
                  <button
                    type="button"
                    className="btn small"
                    disabled={disabled}
                    onClick={() => setPending({ kind: 'confirm', what: 'stop' })}
                  >
                    {t('storage.stop')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn small"
                    disabled={disabled}
                    onClick={() => poolAction('start')}
                  >
                    {t('storage.start')}
                  </button>
                )}
                <button
                  type="button"
                  className="btn small"
                  disabled={disabled || !pool.active}
                  onClick={() => poolAction('refresh')}
                >
                  {t('storage.refresh')}
                </button>
                <label className="check-row inline">
                  <input
                    type="checkbox"
                    checked={pool.autostart}
                    disabled={disabled || !pool.persistent}
                    onChange={(e) => {
                      const autostart = e.target.checked;
                      void run(
                        t('storage.pool.autostart.busy', { name: pool.name }),
                        () =>
                          getApi().call('storage.poolAutostart', {
                            connectionId,
                            pool: pool.name,
                            autostart,
                          }),
                        t(autostart ? 'storage.pool.autostart.on' : 'storage.pool.autostart.off', {
                          name: pool.name,
                        }),
                        t('storage.pool.autostart.failed', { name: pool.name }),
                      );
                    }}
                  />
                  {t('storage.autostartLabel')}
                </label>
                <span className="spacer" />
                <button
                  type="button"
                  className="btn small"
                  disabled={disabled || pool.active || !pool.persistent}
                  onClick={() => setPending({ kind: 'confirm', what: 'undefine' })}
                >
                  {t('storage.undefine')}
                </button>
                <button
                  type="button"
                  className="btn small destructive"
                  data-testid="pool-delete"
                  disabled={disabled || pool.usedBy.length > 0}
                  onClick={() => setPending({ kind: 'confirm', what: 'delete-pool' })}
                >
                  {t('storage.deletePool')}
                </button>
              </div>
              <p className="dim pool-facts">
                {[
                  pool.targetPath,
                  pool.source.devices.join(', ') || null,
                  pool.source.host,
                  pool.usedBy.length > 0
                    ? t('storage.usedBy', { vms: pool.usedBy.map((u) => u.name).join(', ') })
                    : t('storage.unused'),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>

              <div className="toolbar" role="toolbar" aria-label={t('storage.volumeActions')}>
                <button
                  type="button"
                  className="btn small suggested"
                  data-testid="volume-new"
                  disabled={disabled || !pool.active}
                  onClick={() => setPending({ kind: 'new-volume' })}
                >
                  {t('storage.newVolume')}
                </button>
                <button
                  type="button"
                  className="btn small"
                  data-testid="volume-upload"
                  disabled={disabled || !pool.active}
                  onClick={() => setPending({ kind: 'upload' })}
                >
                  {t('storage.upload')}
                </button>
                <span className="spacer" />
                {(['download', 'resize', 'clone'] as const).map((kind) => (
                  <button
                    key={kind}
                    type="button"
                    className="btn small"
                    data-testid={`volume-${kind}`}
                    disabled={disabled || !volume}
                    onClick={() => volume && setPending({ kind, volume })}
                  >
                    {t(`storage.${kind}`)}
                  </button>
                ))}
                <button
                  type="button"
                  className="btn small"
                  disabled={disabled || !volume}
                  onClick={() => volume && setPending({ kind: 'confirm', what: 'wipe', volume })}
                >
                  {t('storage.wipe')}
                </button>
                <button
                  type="button"
                  className="btn small destructive"
                  data-testid="volume-delete"
                  disabled={disabled || !volume}
                  onClick={() => volume && setPending({ kind: 'confirm', what: 'delete-volume', volume })}
                >
                  {t('storage.delete')}
                </button>
              </div>
              {vols.error && (
                <FailureNote
                  message={t('storage.failed.volumes', { pool: pool.name })}
                  detail={vols.error.message}
                />
              )}
              {!pool.active ? (
                <p className="dim">{t('storage.startToSee')}</p>
              ) : (
                <table className="host-table volume-table" data-testid="volume-table">
                  <caption className="sr-only">{t('storage.volumesOf', { pool: pool.name })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('storage.col.name')}</th>
                      <th scope="col">{t('storage.col.format')}</th>
                      <th scope="col" className="num">
                        {t('storage.col.size')}
                      </th>
                      <th scope="col" className="num wide-only">
                        {t('storage.col.allocated')}
                      </th>
                      <th scope="col">{t('storage.col.usedBy')}</th>
                    </tr>
                  </thead>
                  <tbody data-list="volumes">
                    {volumes.length === 0 ? (
                      <tr>
                        <td colSpan={5} className="dim">
                          {vols.loading ? t('common.loading') : t('storage.noVolumes')}
                        </td>
                      </tr>
                    ) : (
                      volumes.map((v, i) => (
                        <tr
                          key={v.key}
                          tabIndex={v.name === volume?.name || (!volume && i === 0) ? 0 : -1}
                          aria-selected={v.name === volume?.name}
                          data-index={i}
                          data-name={v.name}
                          data-testid="volume-row"
                          onClick={() => setSelectedVolume(v.name)}
                          onFocus={() => setSelectedVolume(v.name)}
                          onKeyDown={(e) => onVolumeKey(e, i)}
                        >
                          <td>
                            <Name>{v.name}</Name>
                            {v.backing.length > 0 && (
                              <span className="sub dim">
                                {t('storage.backedBy', {
                                  path: v.backing.map((b) => b.path ?? '?').join(' → '),
                                })}
                              </span>
                            )}
                          </td>
                          <td>{v.format ?? v.type}</td>
                          <td className="num">{fmtBytes(v.capacity)}</td>
                          <td className="num wide-only">{fmtBytes(v.allocation)}</td>
                          <td>{v.usedBy.map((u) => u.name).join(', ') || '—'}</td>
                        </tr>
                      ))
                    )}
                  </tbody>
                </table>
              )}
            </>
          )}
        </section>
      </div>
      <IsoLibrarySection connectionId={connectionId} />

      {pending?.kind === 'new-pool' && (
        <NewPoolDialog
          connectionId={connectionId}
          onClose={() => setPending(null)}
          onCreated={(name) => {
            setPending(null);
            setSelectedPool(name);
            showToast(t('storage.pool.created', { name }));
            pools.reload();
          }}
        />
      )}
      {pending?.kind === 'new-volume' && pool && (
        <NewVolumeDialog
          connectionId={connectionId}
          pool={pool}
          volumes={volumes}
          onClose={() => setPending(null)}
          onCreated={(name) => {
            setPending(null);
            setSelectedVolume(name);
            showToast(t('storage.volume.created', { name }));
            vols.reload();
            pools.reload();
          }}
        />
      )}
      {(pending?.kind === 'upload' || pending?.kind === 'download') && pool && (
        <TransferDialog
          connectionId={connectionId}
          pool={pool}
          volume={pending.kind === 'download' ? pending.volume : null}
          onClose={() => {
            setPending(null);
            vols.reload();
            pools.reload();
          }}
        />
      )}
      {pending?.kind === 'resize' && pool && (
        <ResizeVolumeDialog
          connectionId={connectionId}
          pool={pool.name}
          volume={pending.volume}
          onClose={() => setPending(null)}
          onDone={() => {
            setPending(null);
            showToast(t('storage.volume.resized', { name: pending.volume.name }));
            vols.reload();
          }}
        />
      )}
      {pending?.kind === 'clone' && pool && (
        <CloneVolumeDialog
          connectionId={connectionId}
          pool={pool.name}
          volume={pending.volume}
          onClose={() => setPending(null)}
          onDone={(name) => {
            setPending(null);
            setSelectedVolume(name);
            showToast(t('storage.volume.cloned', { name }));
            vols.reload();
          }}
        />
      )}
      {pending?.kind === 'confirm' && pool && (
        <ConfirmDialog
          title={tr(`storage.confirm.${pending.what}.title`, {
            name: <Name>{pending.volume?.name ?? pool.name}</Name>,
            pool: <Name>{pool.name}</Name>,
          })}
          body={confirmText(pending.what, pending.volume).body}
          confirmLabel={confirmText(pending.what, pending.volume).label}
          cancelLabel={t('common.cancel')}
          destructive
          onClose={() => setPending(null)}
          onConfirm={() => doConfirm(pending.what, pending.volume)}
        />
      )}
    </div>
  );
};
