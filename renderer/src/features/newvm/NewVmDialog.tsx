import { useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../../shared/contract/index.js';
import { calls } from '../../../../shared/contract/index.js';
import { hostPathSchema, type OsChoice } from '../../../../shared/contract/newvm.js';
import type { IsoImage } from '../../../../shared/contract/storage.js';
import type { RemoteRemedy } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { applyRemedy, remedyLabel } from '../../api/remedy.js';
import { toApiError } from '../../api/transport.js';
import { Dialog } from '../../ui/Dialog.js';
import { isolated } from '../../ui/Name.js';
import { CheckField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { useT } from '../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../shell/dialogs.js';
import { navigate } from '../../store/route.js';
import { showToast } from '../../store/toasts.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { useConnections } from '../../store/connections.js';
import { chooserStart, isoChooserFor } from './isoChooser.js';
import { useIsoLibrary, useIsoOsText } from '../storage/IsoLibrary.js';
import { IsoUpload } from './IsoUpload.js';
import { fmtBytes } from '../storage/format.js';

type Options = CallOutput<'newvm.options'>;
const DEFAULTS = { memoryMiB: 2048, vcpus: 2, diskGiB: 20 };
const DETECT_DELAY_MS = 400;

declare module '../../shell/dialogs.js' {
  interface DialogRequests {
    newVm: { connectionId: string };
  }
}

/** Sizes the OS asks for, never below what the user cannot go without. */
const suggested = (os: OsChoice | null) => ({
  memoryMiB: String(Math.max(os?.memoryMiB ?? DEFAULTS.memoryMiB, 256)),
  vcpus: String(Math.max(os?.cpus ?? DEFAULTS.vcpus, 1)),
  diskGiB: String(Math.max(os?.diskGiB ?? DEFAULTS.diskGiB, 1)),
});

/** The pool a new disk goes to by default: 'default' when it runs, else the first running one. */
const defaultPool = (o: Options): string =>
  o.pools.find((p) => p.name === 'default' && p.active)?.name ?? o.pools.find((p) => p.active)?.name ?? '';

/**
 * The network a new VM joins by default: user-mode on session connections, else 'default' when it runs,
 * else a running one, else 'default' even when stopped — the dialog then offers, visibly, to start it.
 */
const defaultNetwork = (o: Options): string => {
  if (o.session) return 'user';
  const running = o.networks.filter((n) => n.active);
  return (
    running.find((n) => n.name === 'default')?.name ??
    running[0]?.name ??
    o.networks.find((n) => n.name === 'default')?.name ??
    o.networks[0]?.name ??
    'none'
  );
};

/** A creation whose VM was defined but did not start: the user decides what happens to it. */
interface StartFailure {
  uuid: string;
  message: string;
  remedy: RemoteRemedy | null;
}

/** Create a VM: name, install ISO (its OS detected), OS, memory, CPUs, disk, network. */
export const NewVmDialog = ({ req }: { req: DialogRequest<'newVm'> }) => {
  const t = useT();
  const [options, setOptions] = useState<Options | null>(null);
  // Kept apart from the form's errors: it explains the disabled Create button until the dialog closes.
  const [optionsError, setOptionsError] = useState<string | null>(null);
  const [detected, setDetected] = useState<string | null>(null);
  const [osQuery, setOsQuery] = useState('');
  const [osResults, setOsResults] = useState<OsChoice[]>([]);
  const [os, setOs] = useState<OsChoice | null>(null);
  // The ISO path the dialog could not read (it blocks Create until the path changes).
  const [isoProblem, setIsoProblem] = useState<string | null>(null);
  const connectionUri = useConnections().list.find((c) => c.id === req.connectionId)?.uri;
  const chooseIso = isoChooserFor(window.virtdesk, connectionUri);
  // Start the chosen network (with autostart) before creating, when it is not running.
  const [startNetwork, setStartNetwork] = useState(true);
  const [failure, setFailure] = useState<StartFailure | null>(null);
  const [failureBusy, setFailureBusy] = useState(false);
  const form = useForm({
    schema: calls['newvm.create'].input,
    initial: () => ({
      name: '',
      iso: '',
      ...suggested(null),
      withDisk: true,
      pool: '',
      network: 'none',
      start: true,
    }),
    toInput: (v) => ({
      connectionId: req.connectionId,
      name: v.name,
      ...(os ? { osId: os.id } : {}),
      memoryMiB: Number(v.memoryMiB),
      vcpus: Number(v.vcpus),
      // No running pool: null asks for the default pool the dialog announces (created on Create).
      disk: v.withDisk
        ? { pool: v.pool || (options?.poolToCreate ? null : ''), sizeGiB: Number(v.diskGiB) }
        : null,
      ...(v.iso.trim() ? { installMedia: v.iso.trim() } : {}),
      network: v.network === 'none' ? null : v.network,
      start: v.start,
    }),
    paths: { 'disk.sizeGiB': 'diskGiB', 'disk.pool': 'pool', installMedia: 'iso' },
  });
  const { name, iso, withDisk, pool, network, start } = form.values;
  const errors = form.errors;
  const busy = form.submitting;
  // The connection's ISO library: picking an image fills the path and its OS (read on the host through
  // libvirt, so it works for remote connections too).
  const library = useIsoLibrary(req.connectionId);
  const libraryIsos = library.data?.isos ?? [];
  const libraryEntry = libraryIsos.find((i) => i.path === iso.trim()) ?? null;
  const isoOsText = useIsoOsText();
  const [uploading, setUploading] = useState(false);
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  useEffect(() => {
    getApi()
      .call('newvm.options', { connectionId: req.connectionId })
      .then((o) => {
        if (!live.current) return;
        setOptions(o);
        form.set('pool', defaultPool(o));
        form.set('network', defaultNetwork(o));
      })
      .catch((e: unknown) => live.current && setOptionsError(toApiError(e).message));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- form.set never changes
  }, [req.connectionId]);

  const chooseOs = (choice: OsChoice | null): void => {
    setOs(choice);
    setOsQuery(choice?.name ?? '');
    const sizes = suggested(choice);
    form.set('memoryMiB', sizes.memoryMiB);
    form.set('vcpus', sizes.vcpus);
    form.set('diskGiB', sizes.diskGiB);
  };

  // OS search as the user types (osinfo-db, newest first).
  const searching = osQuery.trim() !== '' && osQuery !== os?.name;
  const shownResults = searching ? osResults : [];
  useEffect(() => {
    if (!searching) return;
    let current = true;
    getApi()
      .call('newvm.searchOs', { query: osQuery, limit: 8 })
      .then((r) => current && setOsResults(r))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [osQuery, searching]);

  // An image of the library: its OS is known already (no need to read the file on this computer).
  const appliedLibraryPath = useRef<string | null>(null);
  const applyLibraryIso = (entry: IsoImage): void => {
    appliedLibraryPath.current = entry.path;
    setIsoProblem(null);
    if (entry.os) {
      chooseOs(entry.os);
      setDetected(t('newvm.detected', { os: isoOsText(entry) }));
    } else setDetected(isoOsText(entry));
  };

  // Detect the OS of the ISO once the path stops changing.
  useEffect(() => {
    if (!hostPathSchema.safeParse(iso).success) return;
    const timer = setTimeout(() => {
      // A path typed (or pasted) that is an image of the library: its OS is known.
      if (libraryEntry) {
        if (appliedLibraryPath.current !== libraryEntry.path) applyLibraryIso(libraryEntry);
        return;
      }
      getApi()
        .call('newvm.detectOs', { connectionId: req.connectionId, path: iso })
        .then((r) => {
          if (!live.current) return;
          if (r.os) {
            chooseOs(r.os);
            setDetected(t('newvm.detected', { os: r.os.name }));
          } else setDetected(r.volumeId ? t('newvm.unknownIso', { label: r.volumeId }) : t('newvm.notIso'));
        })
        .catch((e: unknown) => {
          if (!live.current) return;
          setDetected(null);
          setIsoProblem(toApiError(e).message);
        });
    }, DETECT_DELAY_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-run on the path only
  }, [iso, req.connectionId, libraryEntry?.path]);

  const chosenNetwork = options?.networks.find((n) => n.name === network) ?? null;
  const networkStopped = !!chosenNetwork && !chosenNetwork.active;
  const host = options?.host ?? null;
  const memoryMiB = Number(form.values.memoryMiB);
  const vcpus = Number(form.values.vcpus);
  // Checked here, at the field, before anything is sent (the main process checks the same again).
  const local = {
    name: options?.vmNames.includes(name) ? t('newvm.nameTaken', { name }) : undefined,
    memoryMiB:
      host && memoryMiB > host.memoryMiB ? t('newvm.memoryTooMuch', { mib: host.memoryMiB }) : undefined,
    iso: isoProblem ?? undefined,
  };
  const blocked = !!(local.name ?? local.memoryMiB ?? local.iso);

  const openVm = (uuid: string, started: boolean, tab = started ? 'display' : 'overview'): void => {
    closeDialog();
    navigate({ kind: 'vm', connectionId: req.connectionId, uuid, tab });
  };

  const submit = (): void => {
    if (blocked || failure) return;
    void form.submit(async (input) => {
      if (networkStopped && startNetwork && input.network)
        await getApi().call('networks.start', {
          connectionId: req.connectionId,
          name: input.network,
          autostart: true,
        });
      const r = await getApi().call('newvm.create', input);
      if (r.startError) {
        setFailure({ uuid: r.uuid, message: r.startError, remedy: r.startRemedy });
        return;
      }
      showToast(t(r.started ? 'newvm.createdStarted' : 'newvm.created', { name: isolated(name) }));
      openVm(r.uuid, r.started);
    });
  };

  /** The user's answer to a failed start: fix and retry, delete what was made, or keep it. */
  const resolveFailure = async (how: 'remedy' | 'delete' | 'keep'): Promise<void> => {
    if (!failure) return;
    if (how === 'keep') {
      showToast(t('newvm.kept', { name: isolated(name) }));
      // "Keep it and edit": straight to what usually needs the edit (memory, CPUs, disks, boot).
      openVm(failure.uuid, false, 'hardware');
      return;
    }
    setFailureBusy(true);
    try {
      if (how === 'delete') {
        await getApi().call('newvm.discard', { connectionId: req.connectionId, uuid: failure.uuid });
        showToast(t('newvm.discarded', { name: isolated(name) }));
        closeDialog();
        return;
      }
      if (failure.remedy) await applyRemedy(failure.remedy);
      await getApi().call('vms.action', {
        connectionId: req.connectionId,
        uuid: failure.uuid,
        action: 'start',
      });
      showToast(t('newvm.createdStarted', { name: isolated(name) }));
      openVm(failure.uuid, true);
    } catch (e) {
      const err = toApiError(e);
      if (live.current) setFailure({ ...failure, message: err.message, remedy: err.remedy ?? null });
    } finally {
      if (live.current) setFailureBusy(false);
    }
  };

  const activePools = options?.pools.filter((p) => p.active) ?? [];
  const poolToCreate = activePools.length === 0 ? (options?.poolToCreate ?? null) : null;
  return (
    <Dialog
      title={t('newvm.title')}
      onClose={failure ? () => void resolveFailure('keep') : closeDialog}
      onSubmit={submit}
      wide
      testId="newvm-dialog"
      buttons={
        failure ? (
          <>
            <button
              type="button"
              className="btn destructive"
              disabled={failureBusy}
              data-testid="newvm-discard"
              onClick={() => void resolveFailure('delete')}
            >
              {t('newvm.discard')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={failureBusy}
              data-testid="newvm-keep"
              onClick={() => void resolveFailure('keep')}
            >
              {t('newvm.keep')}
            </button>
          </>
        ) : (
          <>
            <button type="button" className="btn" onClick={closeDialog}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="btn suggested"
              disabled={busy || !options || !name || blocked}
              data-testid="newvm-create"
            >
              {busy ? t('newvm.creating') : t('newvm.create')}
            </button>
          </>
        )
      }
    >
      {failure && (
        <div className="newvm-failure" role="alert" data-testid="newvm-start-failed">
          <p className="newvm-failure-title">{t('newvm.startFailed', { name })}</p>
          <p className="newvm-failure-detail" data-testid="newvm-start-error">
            {failure.message}
          </p>
          {failure.remedy && (
            <button
              type="button"
              className="btn suggested"
              disabled={failureBusy}
              data-testid="newvm-remedy"
              autoFocus
              onClick={() => void resolveFailure('remedy')}
            >
              {remedyLabel(failure.remedy)}
            </button>
          )}
        </div>
      )}
      <fieldset disabled={busy || !!failure} className="plain-fieldset">
        <TextField
          id="newvm-name"
          label={t('newvm.name')}
          value={name}
          autoFocus
          error={errors.name ?? local.name}
          onChange={(v) => form.set('name', v)}
        />
        <TextField
          id="newvm-iso"
          label={t('newvm.iso')}
          placeholder="/var/lib/libvirt/images/debian-12.iso"
          value={iso}
          list={options?.isoVolumes.length ? 'newvm-iso-list' : undefined}
          error={errors.iso ?? local.iso}
          onChange={(v) => {
            form.set('iso', v);
            appliedLibraryPath.current = null;
            setDetected(null);
            setIsoProblem(null);
          }}
          hint={
            <>
              {chooseIso && (
                <button
                  type="button"
                  className="btn small"
                  data-testid="newvm-iso-choose"
                  onClick={() =>
                    void chooseIso({
                      title: t('newvm.isoChooserTitle'),
                      defaultPath: chooserStart(iso),
                    }).then(
                      (path) => {
                        if (!path || !live.current) return;
                        form.set('iso', path);
                        setDetected(null);
                        setIsoProblem(null);
                      },
                      (e: unknown) =>
                        showToast(t('newvm.isoChooserFailed'), 'error', { detail: toApiError(e).message }),
                    )
                  }
                >
                  {t('newvm.isoChoose')}
                </button>
              )}
              {!uploading && (
                <button
                  type="button"
                  className="btn small"
                  data-testid="newvm-iso-upload"
                  disabled={!options}
                  onClick={() => setUploading(true)}
                >
                  {t('isoupload.button')}
                </button>
              )}
              {detected && (
                <span className="hint" aria-live="polite" data-testid="newvm-detected">
                  {detected}
                </span>
              )}
            </>
          }
        />
        {uploading && options && (
          <IsoUpload
            connectionId={req.connectionId}
            pools={options.pools.filter((p) => p.active).map((p) => p.name)}
            onClose={() => setUploading(false)}
            onUploaded={(r) => {
              setUploading(false);
              form.set('iso', r.volumePath);
              appliedLibraryPath.current = null;
              setDetected(null);
              setIsoProblem(null);
              showToast(t('isoupload.done', { name: isolated(r.volume), pool: isolated(r.pool) }));
            }}
          />
        )}
        {libraryIsos.length > 0 && (
          <div className="field iso-library-pick">
            <label htmlFor="newvm-iso-library">{t('newvm.isoLibrary')}</label>
            <select
              id="newvm-iso-library"
              className="entry"
              value={libraryEntry?.path ?? ''}
              onChange={(e) => {
                const entry = libraryIsos.find((i) => i.path === e.target.value);
                form.set('iso', e.target.value);
                setDetected(null);
                setIsoProblem(null);
                if (entry) applyLibraryIso(entry);
              }}
            >
              <option value="">{t('newvm.isoLibraryNone', { count: libraryIsos.length })}</option>
              {libraryIsos.map((i) => (
                <option key={i.path} value={i.path}>
                  {t('newvm.isoLibraryEntry', {
                    name: isolated(i.volume),
                    pool: isolated(i.pool),
                    size: fmtBytes(i.capacity),
                    os: isoOsText(i),
                  })}
                </option>
              ))}
            </select>
          </div>
        )}
        {options && options.isoVolumes.length > 0 && (
          <datalist id="newvm-iso-list">
            {options.isoVolumes.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        )}
        <div className="field">
          <label htmlFor="newvm-os">{t('newvm.os')}</label>
          <input
            id="newvm-os"
            className="entry"
            role="combobox"
            aria-expanded={shownResults.length > 0}
            aria-controls="newvm-os-list"
            aria-autocomplete="list"
            placeholder={options && !options.osinfo ? t('newvm.noOsinfo') : t('newvm.osPlaceholder')}
            value={osQuery}
            onChange={(e) => {
              setOsQuery(e.target.value);
              if (os && e.target.value !== os.name) setOs(null);
            }}
            onKeyDown={(e) => {
              // Enter in the search picks the first match; it never submits the dialog (that created the
              // VM with OS "Unknown" while the user was only choosing an OS).
              if (e.key === 'Enter') {
                e.preventDefault();
                const first = shownResults[0];
                if (first) chooseOs(first);
              } else if (e.key === 'ArrowDown' && shownResults.length > 0) {
                e.preventDefault();
                (document.querySelector('#newvm-os-list [role=option]') as HTMLElement | null)?.focus();
              }
            }}
          />
          {shownResults.length > 0 && (
            <ul id="newvm-os-list" role="listbox" className="boxed-list os-list" aria-label={t('newvm.os')}>
              {shownResults.map((o) => (
                <li
                  key={o.id}
                  role="option"
                  aria-selected={os?.id === o.id}
                  tabIndex={-1}
                  onClick={() => chooseOs(o)}
                  onKeyDown={(e) => {
                    const el = e.currentTarget;
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      chooseOs(o);
                      document.getElementById('newvm-os')?.focus();
                    } else if (e.key === 'ArrowDown') {
                      e.preventDefault();
                      (el.nextElementSibling as HTMLElement | null)?.focus();
                    } else if (e.key === 'ArrowUp') {
                      e.preventDefault();
                      (
                        (el.previousElementSibling as HTMLElement | null) ??
                        document.getElementById('newvm-os')
                      )?.focus();
                    }
                  }}
                >
                  {o.name}
                  <span className="hint"> {o.shortId}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="field-row">
          <TextField
            id="newvm-memory"
            label={t('newvm.memory')}
            inputMode="numeric"
            value={form.values.memoryMiB}
            error={errors.memoryMiB ?? local.memoryMiB}
            onChange={(v) => form.set('memoryMiB', v)}
            hint={
              host &&
              !local.memoryMiB && (
                <span className="hint" data-testid="newvm-host-memory">
                  {t('newvm.hostMemory', { mib: host.memoryMiB })}
                </span>
              )
            }
          />
          <TextField
            id="newvm-cpus"
            label={t('newvm.cpus')}
            inputMode="numeric"
            value={form.values.vcpus}
            error={errors.vcpus}
            onChange={(v) => form.set('vcpus', v)}
            hint={
              host &&
              (vcpus > host.cpus ? (
                <span className="hint warning-text" role="status" data-testid="newvm-cpus-warning">
                  {t('newvm.cpusTooMany', { cpus: host.cpus })}
                </span>
              ) : (
                <span className="hint">{t('newvm.hostCpus', { cpus: host.cpus })}</span>
              ))
            }
          />
        </div>
        <CheckField
          label={t('newvm.withDisk')}
          checked={withDisk}
          onChange={(v) => form.set('withDisk', v)}
        />
        {withDisk && (
          <div className="field-row">
            <TextField
              id="newvm-disk"
              label={t('newvm.diskSize')}
              inputMode="decimal"
              value={form.values.diskGiB}
              error={errors.diskGiB}
              onChange={(v) => form.set('diskGiB', v)}
            />
            <div className="field">
              <label htmlFor="newvm-pool">{t('newvm.pool')}</label>
              {poolToCreate ? (
                <p className="hint pool-note" data-testid="newvm-pool-note">
                  {t(poolToCreate.exists ? 'newvm.poolWillStart' : 'newvm.poolWillBeCreated', {
                    name: poolToCreate.name,
                    path: poolToCreate.path,
                  })}
                </p>
              ) : (
                <select
                  id="newvm-pool"
                  className="entry"
                  value={pool}
                  aria-invalid={errors.pool ? true : undefined}
                  onChange={(e) => form.set('pool', e.target.value)}
                >
                  {activePools.length === 0 && <option value="">{t('newvm.noPool')}</option>}
                  {activePools.map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.path ? `${isolated(p.name)} — ${p.path}` : isolated(p.name)}
                    </option>
                  ))}
                </select>
              )}
              {errors.pool && <span className="error-text">{errors.pool}</span>}
            </div>
          </div>
        )}
        <div className="field">
          <label htmlFor="newvm-network">{t('newvm.network')}</label>
          <select
            id="newvm-network"
            className="entry"
            value={network}
            aria-invalid={errors.network ? true : undefined}
            onChange={(e) => form.set('network', e.target.value)}
          >
            <option value="user">{t('newvm.userNetwork')}</option>
            {options?.networks.map((n) => (
              <option key={n.name} value={n.name}>
                {n.active ? isolated(n.name) : t('newvm.inactiveNetwork', { name: isolated(n.name) })}
              </option>
            ))}
            <option value="none">{t('newvm.noNetwork')}</option>
          </select>
          {errors.network && <span className="error-text">{errors.network}</span>}
          {networkStopped && (
            <label className="check-row network-start">
              <input
                type="checkbox"
                checked={startNetwork}
                data-testid="newvm-start-network"
                onChange={(e) => setStartNetwork(e.target.checked)}
              />
              {t('newvm.startNetwork', { name: network })}
            </label>
          )}
        </div>
        <CheckField label={t('newvm.start')} checked={start} onChange={(v) => form.set('start', v)} />
        {options?.virtType === 'qemu' && <p className="hint">{t('newvm.emulated')}</p>}
      </fieldset>
      {errors.form !== undefined ? (
        <FailureNote message={t('newvm.failed', { name })} detail={errors.form} testId="newvm-error" />
      ) : (
        optionsError !== null && (
          <FailureNote message={t('newvm.optionsFailed')} detail={optionsError} testId="newvm-error" />
        )
      )}
    </Dialog>
  );
};
