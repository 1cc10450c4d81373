import { useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../../shared/contract/index.js';
import { calls } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { toApiError } from '../../api/transport.js';
import { Dialog } from '../../ui/Dialog.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { isolated, Name, tr } from '../../ui/Name.js';
import { CheckField, SelectField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { useT } from '../../i18n/index.js';
import { formatBytes } from '../vms/list/vmList.js';
import { useConnections } from '../../store/connections.js';
import { closeDialog, type DialogRequest } from '../../shell/dialogs.js';
import { navigate } from '../../store/route.js';
import { showToast } from '../../store/toasts.js';
import { useVm } from '../../store/vms.js';

type Progress = CallOutput<'migration.progress'>;
type Phase = { kind: 'form' } | { kind: 'running'; progress: Progress | null; cancelling: boolean };

declare module '../../shell/dialogs.js' {
  interface DialogRequests {
    migrate: { connectionId: string; uuid: string };
  }
}

const POLL_MS = 500;

/** Share of the data moved so far (0..1), null while libvirt does not know the total yet. */
export const migrationFraction = (p: Progress | null): number | null =>
  p && p.active && p.dataTotal > 0 ? Math.min(1, p.dataProcessed / p.dataTotal) : null;

/** Migrate a VM to another connected host, with progress and cancel. */
export const MigrateDialog = ({ req }: { req: DialogRequest<'migrate'> }) => {
  const t = useT();
  const vm = useVm(req.connectionId, req.uuid);
  const { list } = useConnections();
  const targets = list.filter((c) => c.id !== req.connectionId && c.status.state === 'connected');
  const ref = { connectionId: req.connectionId, uuid: req.uuid };
  const form = useForm({
    schema: calls['migration.start'].input,
    initial: () => ({
      target: targets[0]?.id ?? '',
      mode: 'managed' as 'managed' | 'p2p',
      live: true,
      persistent: true,
      compressed: false,
      autoConverge: false,
      bandwidth: '',
      address: '',
    }),
    toInput: (v) => ({
      ...ref,
      targetConnectionId: v.target,
      mode: v.mode,
      live: v.live,
      persistent: v.persistent,
      compressed: v.compressed,
      autoConverge: v.autoConverge,
      ...(v.bandwidth.trim() ? { bandwidthMiBs: Number(v.bandwidth) } : {}),
      ...(v.address.trim() ? { address: v.address.trim() } : {}),
    }),
    paths: { targetConnectionId: 'target', bandwidthMiBs: 'bandwidth' },
  });
  const { target, mode, live, persistent, compressed, autoConverge, bandwidth, address } = form.values;
  const errors = form.errors;
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const name = vm?.name ?? req.uuid;
  const running = vm ? vm.state === 'running' || vm.state === 'paused' : false;

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
    await form.submit(async (input) => {
      setPhase({ kind: 'running', progress: null, cancelling: false });
      try {
        const r = await getApi().call('migration.start', input);
        const targetName = list.find((c) => c.id === r.targetConnectionId)?.name ?? r.targetConnectionId;
        showToast(t('migrate.done', { name: isolated(name), target: targetName }));
        closeDialog();
        navigate({ kind: 'vm', connectionId: r.targetConnectionId, uuid: r.uuid, tab: 'overview' });
      } catch (e) {
        // Back to the form, where the kit shows libvirt's message (or the refused fields).
        if (mounted.current) setPhase({ kind: 'form' });
        throw e;
      }
    });
  };

  const cancel = (): void => {
    setPhase((p) => (p.kind === 'running' ? { ...p, cancelling: true } : p));
    getApi()
      .call('migration.cancel', ref)
      .catch((e: unknown) => {
        if (mounted.current)
          showToast(t('migrate.cancelFailed', { name: isolated(name) }), 'error', {
            detail: toApiError(e).message,
          });
      });
  };

  const busy = phase.kind === 'running';
  const fraction = busy ? migrationFraction(phase.progress) : null;
  return (
    <Dialog
      title={tr('migrate.title', { name: <Name>{name}</Name> })}
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
          <SelectField
            id="migrate-target"
            label={t('migrate.target')}
            value={target}
            autoFocus
            error={errors.target}
            onChange={(v) => form.set('target', v)}
          >
            {targets.map((c) => (
              <option key={c.id} value={c.id}>
                {isolated(c.name)} — {c.uri}
              </option>
            ))}
          </SelectField>
          <div className="field" role="radiogroup" aria-label={t('migrate.how')}>
            <span className="label">{t('migrate.how')}</span>
            {(['managed', 'p2p'] as const).map((m) => (
              <label key={m} className="check-row">
                <input
                  type="radio"
                  name="migrate-mode"
                  checked={mode === m}
                  onChange={() => form.set('mode', m)}
                />
                {t(`migrate.mode.${m}`)}
              </label>
            ))}
          </div>
          <div className="field">
            {running ? (
              <CheckField label={t('migrate.live')} checked={live} onChange={(v) => form.set('live', v)} />
            ) : (
              <span className="hint">{t('migrate.offline')}</span>
            )}
            <CheckField
              label={t('migrate.persistent')}
              checked={persistent || !running}
              disabled={!running}
              onChange={(v) => form.set('persistent', v)}
            />
            <CheckField
              label={t('migrate.compressed')}
              checked={compressed}
              onChange={(v) => form.set('compressed', v)}
            />
            <CheckField
              label={t('migrate.autoConverge')}
              checked={autoConverge}
              onChange={(v) => form.set('autoConverge', v)}
            />
          </div>
          <TextField
            id="migrate-bandwidth"
            label={t('migrate.bandwidth')}
            inputMode="numeric"
            placeholder={t('migrate.unlimited')}
            value={bandwidth}
            error={errors.bandwidth}
            onChange={(v) => form.set('bandwidth', v)}
          />
          <TextField
            id="migrate-address"
            label={t('migrate.address')}
            placeholder={t('migrate.addressPlaceholder')}
            value={address}
            error={errors.address}
            onChange={(v) => form.set('address', v)}
            hint={<span className="hint">{t('migrate.addressHint')}</span>}
          />
        </fieldset>
      )}
      {phase.kind === 'form' && errors.form !== undefined && (
        <FailureNote
          message={t('migrate.failed', {
            name: isolated(name),
            target: list.find((c) => c.id === target)?.name ?? target,
          })}
          detail={errors.form}
          testId="migrate-error"
        />
      )}
      {phase.kind === 'form' && errors.form === undefined && errors.mode && (
        <p className="error-text" role="alert" data-testid="migrate-error">
          {errors.mode}
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
