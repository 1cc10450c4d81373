import { useState } from 'react';
import type { ConnectionEntry } from '../../../shared/contract/index.js';
import { displayNameSchema, libvirtUriSchema } from '../../../shared/contract/index.js';
import { getApi } from '../api/client.js';
import { toApiError } from '../api/transport.js';
import { Dialog } from '../components/Dialog.js';
import { useT } from '../i18n/index.js';
import { showToast } from '../store/toasts.js';

const EXAMPLES = ['qemu:///system', 'qemu:///session', 'qemu+ssh://user@host/system'];

/** Add (no `existing`) or edit a saved connection. */
export const ConnectionDialog = ({
  existing,
  onClose,
}: {
  existing?: ConnectionEntry;
  onClose: () => void;
}) => {
  const t = useT();
  const [name, setName] = useState(existing?.name ?? '');
  const [uri, setUri] = useState(existing?.uri ?? '');
  const [autoconnect, setAutoconnect] = useState(existing?.autoconnect ?? true);
  const [errors, setErrors] = useState<{ name?: string; uri?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    const effectiveName = name.trim() || uri.trim();
    const errs: typeof errors = {};
    if (!libvirtUriSchema.safeParse(uri.trim()).success) errs.uri = t('connections.error.uri');
    if (!displayNameSchema.safeParse(effectiveName).success) errs.name = t('connections.error.name');
    setErrors(errs);
    if (errs.uri || errs.name) return;
    setBusy(true);
    try {
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
      onClose();
    } catch (e) {
      const err = toApiError(e);
      const fieldErrs: typeof errors = {};
      for (const issue of err.issues ?? []) {
        const f = issue.path[0];
        if (f === 'name' || f === 'uri') fieldErrs[f] = issue.message;
      }
      if (!fieldErrs.name && !fieldErrs.uri) fieldErrs.form = err.message;
      setErrors(fieldErrs);
      if (fieldErrs.form) showToast(err.message, 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={existing ? t('connections.edit.title') : t('connections.add.title')}
      onClose={onClose}
      onSubmit={() => void submit()}
      testId="connection-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={busy || !uri.trim()}>
            {existing ? t('common.save') : t('connections.add.submit')}
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
            setUri(e.target.value);
            setErrors((x) => ({ ...x, uri: undefined, form: undefined }));
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
                setUri(ex);
                setErrors((x) => ({ ...x, uri: undefined }));
              }}
            >
              {ex}
            </button>
          ))}
        </div>
      </div>
      <div className="field">
        <label htmlFor="conn-name">{t('connections.field.name')}</label>
        <input
          id="conn-name"
          className="entry"
          value={name}
          placeholder={uri.trim() || t('connections.field.namePlaceholder')}
          aria-invalid={!!errors.name}
          onChange={(e) => {
            setName(e.target.value);
            setErrors((x) => ({ ...x, name: undefined, form: undefined }));
          }}
        />
        {errors.name && <span className="error-text">{errors.name}</span>}
      </div>
      <label className="check-row">
        <input type="checkbox" checked={autoconnect} onChange={(e) => setAutoconnect(e.target.checked)} />
        {t('connections.field.autoconnect')}
      </label>
      {errors.form && (
        <p className="error-text" role="alert">
          {errors.form}
        </p>
      )}
    </Dialog>
  );
};
