import { useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../shared/contract/index.js';
import { hostPathSchema, newVmInputSchema, type OsChoice } from '../../../shared/contract/newvm.js';
import { getApi } from '../api/client.js';
import { toApiError } from '../api/transport.js';
import { Dialog } from '../components/Dialog.js';
import { TextField } from '../components/Field.js';
import { useT } from '../i18n/index.js';
import { closeDialog, type DialogRequest } from '../store/dialogs.js';
import { navigate } from '../store/route.js';
import { showToast } from '../store/toasts.js';

type Options = CallOutput<'newvm.options'>;
const DEFAULTS = { memoryMiB: 2048, vcpus: 2, diskGiB: 20 };
const DETECT_DELAY_MS = 400;

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
export const NewVmDialog = ({ req }: { req: Extract<DialogRequest, { kind: 'newVm' }> }) => {
  const t = useT();
  const [options, setOptions] = useState<Options | null>(null);
  const [name, setName] = useState('');
  const [iso, setIso] = useState('');
  const [detected, setDetected] = useState<string | null>(null);
  const [osQuery, setOsQuery] = useState('');
  const [osResults, setOsResults] = useState<OsChoice[]>([]);
  const [os, setOs] = useState<OsChoice | null>(null);
  const [sizes, setSizes] = useState(suggested(null));
  const [withDisk, setWithDisk] = useState(true);
  const [pool, setPool] = useState('');
  const [network, setNetwork] = useState('none');
  const [start, setStart] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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
        setPool(defaultPool(o));
        setNetwork(defaultNetwork(o));
      })
      .catch((e: unknown) => live.current && setError(toApiError(e).message));
  }, [req.connectionId]);

  const chooseOs = (choice: OsChoice | null): void => {
    setOs(choice);
    setOsQuery(choice?.name ?? '');
    setSizes(suggested(choice));
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

  const submit = async (): Promise<void> => {
    const input = {
      connectionId: req.connectionId,
      name,
      ...(os ? { osId: os.id } : {}),
      memoryMiB: Number(sizes.memoryMiB),
      vcpus: Number(sizes.vcpus),
      disk: withDisk ? { pool, sizeGiB: Number(sizes.diskGiB) } : null,
      ...(iso.trim() ? { installMedia: iso.trim() } : {}),
      network: network === 'none' ? null : network,
      start,
    };
    const parsed = newVmInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : t('newvm.invalid'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
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
    } catch (e) {
      if (live.current) {
        setError(toApiError(e).message);
        setBusy(false);
      }
    }
  };

  const activePools = options?.pools.filter((p) => p.active) ?? [];
  return (
    <Dialog
      title={t('newvm.title')}
      onClose={closeDialog}
      onSubmit={() => void submit()}
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
        <TextField id="newvm-name" label={t('newvm.name')} value={name} autoFocus onChange={setName} />
        <TextField
          id="newvm-iso"
          label={t('newvm.iso')}
          placeholder="/var/lib/libvirt/images/debian-12.iso"
          value={iso}
          onChange={(v) => {
            setIso(v);
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
              if (e.key === 'ArrowDown' && shownResults.length > 0) {
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
            value={sizes.memoryMiB}
            onChange={(v) => setSizes({ ...sizes, memoryMiB: v })}
          />
          <TextField
            id="newvm-cpus"
            label={t('newvm.cpus')}
            inputMode="numeric"
            value={sizes.vcpus}
            onChange={(v) => setSizes({ ...sizes, vcpus: v })}
          />
        </div>
        <label className="check-row">
          <input type="checkbox" checked={withDisk} onChange={(e) => setWithDisk(e.target.checked)} />
          {t('newvm.withDisk')}
        </label>
        {withDisk && (
          <div className="field-row">
            <TextField
              id="newvm-disk"
              label={t('newvm.diskSize')}
              inputMode="decimal"
              value={sizes.diskGiB}
              onChange={(v) => setSizes({ ...sizes, diskGiB: v })}
            />
            <div className="field">
              <label htmlFor="newvm-pool">{t('newvm.pool')}</label>
              <select
                id="newvm-pool"
                className="entry"
                value={pool}
                onChange={(e) => setPool(e.target.value)}
              >
                {activePools.length === 0 && <option value="">{t('newvm.noPool')}</option>}
                {activePools.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.path ? `${p.name} — ${p.path}` : p.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
        )}
        <div className="field">
          <label htmlFor="newvm-network">{t('newvm.network')}</label>
          <select
            id="newvm-network"
            className="entry"
            value={network}
            onChange={(e) => setNetwork(e.target.value)}
          >
            <option value="user">{t('newvm.userNetwork')}</option>
            {options?.networks.map((n) => (
              <option key={n.name} value={n.name}>
                {n.active ? n.name : t('newvm.inactiveNetwork', { name: n.name })}
              </option>
            ))}
            <option value="none">{t('newvm.noNetwork')}</option>
          </select>
        </div>
        <label className="check-row">
          <input type="checkbox" checked={start} onChange={(e) => setStart(e.target.checked)} />
          {t('newvm.start')}
        </label>
        {options?.virtType === 'qemu' && <p className="hint">{t('newvm.emulated')}</p>}
      </fieldset>
      {error && (
        <p className="error-text" role="alert" data-testid="newvm-error">
          {error}
        </p>
      )}
    </Dialog>
  );
};
