import { useState } from 'react';
import type { ConnectionEntry } from '../../../../shared/contract/index.js';
import { calls } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { toApiError, type ApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../shell/dialogs.js';
import { showToast } from '../../store/toasts.js';
import { CheckField, TextField } from '../../ui/Field.js';
import { Dialog } from '../../ui/Dialog.js';
import { useForm } from '../../ui/form/useForm.js';
import { showExisting, showSaved } from './connectionActions.js';

declare module '../../shell/dialogs.js' {
  interface DialogRequests {
    addConnection: object;
    editConnection: { existing: ConnectionEntry };
  }
}

const EXAMPLES = ['qemu:///system', 'qemu:///session', 'qemu+ssh://user@host/system'];

/** Add (no `existing`) or edit a saved connection. */
export const ConnectionDialog = ({ req }: { req: DialogRequest<'addConnection' | 'editConnection'> }) => {
  const t = useT();
  const existing = req.kind === 'editConnection' ? req.existing : undefined;
  const form = useForm({
    schema: existing ? calls['connections.update'].input : calls['connections.add'].input,
    initial: {
      name: existing?.name ?? '',
      uri: existing?.uri ?? '',
      autoconnect: existing?.autoconnect ?? true,
    },
    // An empty name means "call it by its URI".
    toInput: (v) => ({
      ...(existing ? { id: existing.id } : { connect: true }),
      name: v.name.trim() || v.uri.trim(),
      uri: v.uri.trim(),
      autoconnect: v.autoconnect,
    }),
    messages: { uri: t('connections.error.uri'), name: t('connections.error.name') },
  });
  const { name, uri, autoconnect } = form.values;
  const errors = form.errors;
  const [failed, setFailed] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const busy = form.submitting || saving;

  // Nothing is saved when the first connect fails: the user fixes the URI, tries again, or saves it anyway.
  const saveAnyway = async (): Promise<void> => {
    setSaving(true);
    try {
      const entry = await getApi().call('connections.add', {
        name: name.trim() || uri.trim(),
        uri: uri.trim(),
        autoconnect,
        connect: false,
      });
      closeDialog();
      showSaved(entry);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'duplicate' && err.existingId) {
        closeDialog();
        showExisting(err.existingId);
      } else setFailed(err);
    } finally {
      setSaving(false);
    }
  };

  const submit = async (): Promise<void> => {
    setFailed(null);
    const r = await form.submit(async () => {
      const effectiveName = name.trim() || uri.trim();
      if (existing) {
        await getApi().call('connections.update', {
          id: existing.id,
          name: effectiveName,
          uri: uri.trim(),
          autoconnect,
        });
      } else {
        await getApi().call('connections.add', {
          name: effectiveName,
          uri: uri.trim(),
          autoconnect,
          connect: true,
        });
      }
      closeDialog();
    });
    if (r.ok || !r.error || r.onFields) return;
    if (r.error.code === 'duplicate' && r.error.existingId) {
      closeDialog();
      showExisting(r.error.existingId);
    } else if (!existing && r.error.code !== 'invalid-input') setFailed(r.error);
    else showToast(r.error.message, 'error');
  };

  return (
    <Dialog
      title={existing ? t('connections.edit.title') : t('connections.add.title')}
      onClose={closeDialog}
      onSubmit={() => void submit()}
      testId="connection-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog}>
            {t('common.cancel')}
          </button>
          {failed && (
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => void saveAnyway()}
              data-testid="save-anyway"
            >
              {t('connections.add.saveAnyway')}
            </button>
          )}
          <button type="submit" className="btn suggested" disabled={busy || !uri.trim()}>
            {existing ? t('common.save') : failed ? t('connections.tryAgain') : t('connections.add.submit')}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="conn-uri">{t('connections.field.uri')}</label>
        <input
          id="conn-uri"
          className="entry mono"
          value={uri}
          autoFocus
          spellCheck={false}
          autoComplete="off"
          placeholder="qemu:///system"
          aria-invalid={!!errors.uri}
          aria-describedby="conn-uri-hint"
          onChange={(e) => {
            setFailed(null);
            form.set('uri', e.target.value);
          }}
        />
        {errors.uri && <span className="error-text">{errors.uri}</span>}
        <span className="hint" id="conn-uri-hint">
          {t('connections.field.uriHint')}
        </span>
        <div className="examples" aria-label={t('connections.examples')}>
          {EXAMPLES.map((ex) => (
            <button
              key={ex}
              type="button"
              className="chip"
              onClick={() => {
                setFailed(null);
                form.set('uri', ex);
              }}
            >
              {ex}
            </button>
          ))}
        </div>
      </div>
      <TextField
        id="conn-name"
        label={t('connections.field.name')}
        value={name}
        placeholder={uri.trim() || t('connections.field.namePlaceholder')}
        error={errors.name}
        onChange={(v) => form.set('name', v)}
      />
      <CheckField
        label={t('connections.field.autoconnect')}
        checked={autoconnect}
        onChange={(v) => form.set('autoconnect', v)}
      />
      {failed ? (
        <div className="problem" role="alert" data-testid="connect-failed">
          <p>{t('connections.add.failed', { uri: uri.trim() })}</p>
          <details>
            <summary>{t('common.details')}</summary>
            <span className="mono">{failed.message}</span>
          </details>
        </div>
      ) : (
        errors.form && (
          <p className="error-text" role="alert">
            {errors.form}
          </p>
        )
      )}
    </Dialog>
  );
};
