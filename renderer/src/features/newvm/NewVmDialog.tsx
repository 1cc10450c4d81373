import { useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../../shared/contract/index.js';
import { calls } from '../../../../shared/contract/index.js';
import { hostPathSchema, type OsChoice } from '../../../../shared/contract/newvm.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { Dialog } from '../../ui/Dialog.js';
import { isolated } from '../../ui/Name.js';
import { TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { useT } from '../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../shell/dialogs.js';
import { navigate } from '../../store/route.js';
import { showToast } from '../../store/toasts.js';

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

/** The network a new VM joins by default: user-mode on session connections, else 'default'. */
const defaultNetwork = (o: Options): string =>
  o.session ? 'user' : (o.networks.find((n) => n.name === 'default')?.name ?? o.networks[0]?.name ?? 'none');

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
      disk: v.withDisk ? { pool: v.pool, sizeGiB: Number(v.diskGiB) } : null,
      ...(v.iso.trim() ? { installMedia: v.iso.trim() } : {}),
      network: v.network === 'none' ? null : v.network,
      start: v.start,
    }),
    paths: { 'disk.sizeGiB': 'diskGiB', 'disk.pool': 'pool', installMedia: 'iso' },
  });
  const { name, iso, withDisk, pool, network, start } = form.values;
  const errors = form.errors;
  const busy = form.submitting;
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

  // Detect the OS of the ISO once the path stops changing.
  useEffect(() => {
    if (!hostPathSchema.safeParse(iso).success) return;
    const timer = setTimeout(() => {
      getApi()
        .call('newvm.detectOs', { connectionId: req.connectionId, path: iso })
        .then((r) => {
          if (!live.current) return;
          if (r.os) {
            chooseOs(r.os);
            setDetected(t('newvm.detected', { os: r.os.name }));
          } else setDetected(r.volumeId ? t('newvm.unknownIso', { label: r.volumeId }) : t('newvm.notIso'));
        })
        .catch((e: unknown) => live.current && setDetected(toApiError(e).message));
    }, DETECT_DELAY_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-run on the path only
  }, [iso, req.connectionId]);

  const submit = (): void =>
    void form.submit(async (input) => {
      const r = await getApi().call('newvm.create', input);
      if (r.startError) showToast(t('newvm.notStarted', { name, message: r.startError }), 'error');
      else showToast(t(r.started ? 'newvm.createdStarted' : 'newvm.created', { name }));
      closeDialog();
      navigate({
        kind: 'vm',
        connectionId: req.connectionId,
        uuid: r.uuid,
        tab: r.started ? 'display' : 'overview',
      });
    });

  const activePools = options?.pools.filter((p) => p.active) ?? [];
  return (
    <Dialog
      title={t('newvm.title')}
      onClose={closeDialog}
      onSubmit={submit}
      wide
      testId="newvm-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className="btn suggested"
            disabled={busy || !options || !name}
            data-testid="newvm-create"
          >
            {busy ? t('newvm.creating') : t('newvm.create')}
          </button>
        </>
      }
    >
      <fieldset disabled={busy} className="plain-fieldset">
        <TextField
          id="newvm-name"
          label={t('newvm.name')}
          value={name}
          autoFocus
          error={errors.name}
          onChange={(v) => form.set('name', v)}
        />
        <TextField
          id="newvm-iso"
          label={t('newvm.iso')}
          placeholder="/var/lib/libvirt/images/debian-12.iso"
          value={iso}
          error={errors.iso}
          onChange={(v) => {
            form.set('iso', v);
            setDetected(null);
          }}
          hint={
            detected && (
              <span className="hint" aria-live="polite" data-testid="newvm-detected">
                {detected}
              </span>
            )
          }
        />
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
            error={errors.memoryMiB}
            onChange={(v) => form.set('memoryMiB', v)}
          />
          <TextField
            id="newvm-cpus"
            label={t('newvm.cpus')}
            inputMode="numeric"
            value={form.values.vcpus}
            error={errors.vcpus}
            onChange={(v) => form.set('vcpus', v)}
          />
        </div>
        <label className="check-row">
          <input
            type="checkbox"
            checked={withDisk}
            onChange={(e) => form.set('withDisk', e.target.checked)}
          />
          {t('newvm.withDisk')}
        </label>
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
        </div>
        <label className="check-row">
          <input type="checkbox" checked={start} onChange={(e) => form.set('start', e.target.checked)} />
          {t('newvm.start')}
        </label>
        {options?.virtType === 'qemu' && <p className="hint">{t('newvm.emulated')}</p>}
      </fieldset>
      {(errors.form ?? optionsError) && (
        <p className="error-text" role="alert" data-testid="newvm-error">
          {errors.form ?? optionsError}
        </p>
      )}
    </Dialog>
  );
};
