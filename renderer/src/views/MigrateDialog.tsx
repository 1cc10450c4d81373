import { useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../shared/contract/index.js';
import { migrationStartSchema } from '../../../shared/contract/migration.js';
import { getApi } from '../api/client.js';
import { toApiError } from '../api/transport.js';
import { Dialog } from '../components/Dialog.js';
import { TextField } from '../components/Field.js';
import { useT } from '../i18n/index.js';
import { formatBytes } from '../logic/vmList.js';
import { useConnections } from '../store/connections.js';
import { closeDialog, type DialogRequest } from '../store/dialogs.js';
import { navigate } from '../store/route.js';
import { showToast } from '../store/toasts.js';
import { useVm } from '../store/vms.js';

type Progress = CallOutput<'migration.progress'>;
type Phase =
  | { kind: 'form'; error: string | null }
  | { kind: 'running'; progress: Progress | null; cancelling: boolean };

const POLL_MS = 500;

/** Share of the data moved so far (0..1), null while libvirt does not know the total yet. */
export const migrationFraction = (p: Progress | null): number | null =>
  p && p.active && p.dataTotal > 0 ? Math.min(1, p.dataProcessed / p.dataTotal) : null;

/** Migrate a VM to another connected host, with progress and cancel. */
export const MigrateDialog = ({ req }: { req: Extract<DialogRequest, { kind: 'migrate' }> }) => {
  const t = useT();
  const vm = useVm(req.connectionId, req.uuid);
  const { list } = useConnections();
  const targets = list.filter((c) => c.id !== req.connectionId && c.status.state === 'connected');
  const [target, setTarget] = useState(targets[0]?.id ?? '');
  const [mode, setMode] = useState<'managed' | 'p2p'>('managed');
  const [live, setLive] = useState(true);
  const [persistent, setPersistent] = useState(true);
  const [compressed, setCompressed] = useState(false);
  const [autoConverge, setAutoConverge] = useState(false);
  const [bandwidth, setBandwidth] = useState('');
  const [address, setAddress] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'form', error: null });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const name = vm?.name ?? req.uuid;
  const running = vm ? vm.state === 'running' || vm.state === 'paused' : false;
  const ref = { connectionId: req.connectionId, uuid: req.uuid };

  useEffect(() => {
    if (phase.kind !== 'running') return;
    const timer = setInterval(() => {
      getApi()
        .call('migration.progress', ref)
        .then((progress) => {
          if (mounted.current) setPhase((p) => (p.kind === 'running' ? { ...p, progress } : p));
        })
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one poller per running phase
  }, [phase.kind]);

  const submit = async (): Promise<void> => {
    const input = {
      ...ref,
      targetConnectionId: target,
      mode,
      live,
      persistent,
      compressed,
      autoConverge,
      ...(bandwidth.trim() ? { bandwidthMiBs: Number(bandwidth) } : {}),
      ...(address.trim() ? { address: address.trim() } : {}),
    };
    const parsed = migrationStartSchema.safeParse(input);
    if (!parsed.success) {
      setPhase({ kind: 'form', error: parsed.error.issues[0]?.message ?? t('migrate.invalid') });
      return;
    }
    setPhase({ kind: 'running', progress: null, cancelling: false });
    try {
      const r = await getApi().call('migration.start', input);
      const targetName = list.find((c) => c.id === r.targetConnectionId)?.name ?? r.targetConnectionId;
      showToast(t('migrate.done', { name, target: targetName }));
      closeDialog();
      navigate({ kind: 'vm', connectionId: r.targetConnectionId, uuid: r.uuid, tab: 'overview' });
    } catch (e) {
      if (mounted.current) setPhase({ kind: 'form', error: toApiError(e).message });
    }
  };

  const cancel = (): void => {
    setPhase((p) => (p.kind === 'running' ? { ...p, cancelling: true } : p));
    getApi()
      .call('migration.cancel', ref)
      .catch((e: unknown) => {
        if (mounted.current) showToast(toApiError(e).message, 'error');
      });
  };

  const busy = phase.kind === 'running';
  const fraction = busy ? migrationFraction(phase.progress) : null;
  return (
    <Dialog
      title={t('migrate.title', { name })}
      onClose={busy ? () => undefined : closeDialog}
      onSubmit={busy ? undefined : () => void submit()}
      wide
      testId="migrate-dialog"
      buttons={
        busy ? (
          <button
            type="button"
            className="btn destructive"
            onClick={cancel}
            disabled={phase.cancelling}
            data-testid="migrate-cancel"
          >
            {phase.cancelling ? t('migrate.cancelling') : t('migrate.cancel')}
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={closeDialog}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn suggested" disabled={!target} data-testid="migrate-start">
              {t('migrate.start')}
            </button>
          </>
        )
      }
    >
      {targets.length === 0 ? (
        <p data-testid="migrate-no-target">{t('migrate.noTarget')}</p>
      ) : (
        <fieldset disabled={busy} className="plain-fieldset">
          <div className="field">
            <label htmlFor="migrate-target">{t('migrate.target')}</label>
            <select
              id="migrate-target"
              className="entry"
              value={target}
              autoFocus
              onChange={(e) => setTarget(e.target.value)}
            >
              {targets.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} — {c.uri}
                </option>
              ))}
            </select>
          </div>
          <div className="field" role="radiogroup" aria-label={t('migrate.how')}>
            <span className="label">{t('migrate.how')}</span>
            {(['managed', 'p2p'] as const).map((m) => (
              <label key={m} className="check-row">
                <input type="radio" name="migrate-mode" checked={mode === m} onChange={() => setMode(m)} />
                {t(`migrate.mode.${m}`)}
              </label>
            ))}
          </div>
          <div className="field">
            {running ? (
              <label className="check-row">
                <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
                {t('migrate.live')}
              </label>
            ) : (
              <span className="hint">{t('migrate.offline')}</span>
            )}
            <label className="check-row">
              <input
                type="checkbox"
                checked={persistent || !running}
                disabled={!running}
                onChange={(e) => setPersistent(e.target.checked)}
              />
              {t('migrate.persistent')}
            </label>
            <label className="check-row">
              <input type="checkbox" checked={compressed} onChange={(e) => setCompressed(e.target.checked)} />
              {t('migrate.compressed')}
            </label>
            <label className="check-row">
              <input
                type="checkbox"
                checked={autoConverge}
                onChange={(e) => setAutoConverge(e.target.checked)}
              />
              {t('migrate.autoConverge')}
            </label>
          </div>
          <TextField
            id="migrate-bandwidth"
            label={t('migrate.bandwidth')}
            inputMode="numeric"
            placeholder={t('migrate.unlimited')}
            value={bandwidth}
            onChange={setBandwidth}
          />
          <TextField
            id="migrate-address"
            label={t('migrate.address')}
            placeholder={t('migrate.addressPlaceholder')}
            value={address}
            onChange={setAddress}
            hint={<span className="hint">{t('migrate.addressHint')}</span>}
          />
        </fieldset>
      )}
      {phase.kind === 'form' && phase.error && (
        <p className="error-text" role="alert" data-testid="migrate-error">
          {phase.error}
        </p>
      )}
      {busy && (
        <div className="field" data-testid="migrate-progress">
          <span className="label">{phase.cancelling ? t('migrate.cancelling') : t('migrate.running')}</span>
          <progress max={1} value={fraction ?? undefined} aria-label={t('migrate.running')} />
          {phase.progress?.active && phase.progress.dataTotal > 0 && (
            <span className="hint" aria-live="polite">
              {t('migrate.moved', {
                done: formatBytes(phase.progress.dataProcessed),
                total: formatBytes(phase.progress.dataTotal),
              })}
            </span>
          )}
        </div>
      )}
    </Dialog>
  );
};
