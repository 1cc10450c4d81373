import { useState, type KeyboardEvent } from 'react';
import { calls, type CallInput } from '../../../../shared/contract/index.js';
import { browserUploadQuerySchema, type TransferResult } from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import { TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { isolated } from '../../ui/Name.js';
import { baseName } from '../storage/format.js';
import { uploadFromBrowser } from '../storage/browserUpload.js';
import { TransferProgressView, useTransfer } from '../storage/transfer.js';
import './iso-upload.css';

/**
 * "Upload a local ISO…" inside the New VM dialog: a file where VirtDesk runs (this computer in the
 * desktop app, chosen natively; the server in web mode) streamed into a new volume of a pool of the
 * connection — remote hosts included — with progress, speed, time left and Cancel, checked by sha256.
 * The same upload as the Storage page's (storage.upload); when it is done, the dialog selects the image.
 */
export const IsoUpload = ({
  connectionId,
  pools,
  onUploaded,
  onClose,
}: {
  connectionId: string;
  /** Running pools of the connection. */
  pools: string[];
  onUploaded: (result: TransferResult) => void;
  onClose: () => void;
}) => {
  const t = useT();
  const chooseFile = window.virtdesk?.chooseFile;
  const transfer = useTransfer();
  const [running, setRunning] = useState(false);
  // Web mode: a file of the browser's own computer (streamed by the browser), instead of a server path.
  const [browserFile, setBrowserFile] = useState<File | null>(null);
  const form = useForm({
    schema: browserFile ? browserUploadQuerySchema : calls['storage.upload'].input,
    initial: () => ({
      pool: pools.includes('default') ? 'default' : (pools[0] ?? ''),
      localPath: '',
      volumeName: '',
    }),
    toInput: (v) =>
      browserFile
        ? {
            connectionId,
            pool: v.pool,
            volume: v.volumeName.trim() || browserFile.name,
            transferId: transfer.id.current,
            verify: '1',
            fileName: browserFile.name,
          }
        : {
            connectionId,
            pool: v.pool,
            volume: v.volumeName.trim() || baseName(v.localPath.trim()),
            localPath: v.localPath.trim(),
            transferId: transfer.id.current,
            verify: true,
          },
    paths: { volume: 'volumeName' },
  });
  const v = form.values;

  const ready = (!!browserFile || !!v.localPath.trim()) && !!v.pool;
  const start = (): void => {
    if (running || !ready) return;
    void form.submit(async (input) => {
      setRunning(true);
      try {
        onUploaded(
          browserFile
            ? await uploadFromBrowser(browserFile, {
                connectionId,
                pool: v.pool,
                volume: (input as { volume: string }).volume,
                transferId: transfer.id.current,
                verify: true,
              })
            : await getApi().call('storage.upload', input as CallInput<'storage.upload'>),
        );
      } catch (e) {
        transfer.reset();
        throw e;
      } finally {
        setRunning(false);
      }
    });
  };
  // The panel lives inside the New VM form: Enter uploads, it never creates the VM.
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
      e.preventDefault();
      start();
    }
  };

  return (
    <div
      className="iso-upload"
      role="group"
      aria-labelledby="iso-upload-title"
      data-testid="newvm-iso-upload-panel"
      onKeyDown={onKeyDown}
    >
      <p id="iso-upload-title" className="iso-upload-title">
        {t('isoupload.title')}
      </p>
      <p className="dim">
        {t(chooseFile ? 'storage.transfer.hintDesktop' : 'storage.transfer.hintWeb', {
          direction: t('storage.transfer.from'),
        })}
      </p>
      {pools.length === 0 ? (
        <p className="error-text">{t('isoupload.noPool')}</p>
      ) : (
        <fieldset className="plain-fieldset" disabled={running}>
          <div className="field-row chooser-row">
            <TextField
              id="iso-upload-path"
              label={t('storage.field.localFile')}
              value={v.localPath}
              autoFocus
              placeholder="/srv/iso/debian-12.iso"
              error={form.errors.localPath}
              onChange={(x) => form.set('localPath', x)}
            />
            {chooseFile && (
              <button
                type="button"
                className="btn"
                onClick={() =>
                  void chooseFile({ title: t('storage.transfer.chooseUpload'), mode: 'open' }).then(
                    (r) => r.path && form.set('localPath', r.path),
                  )
                }
              >
                {t('storage.choose')}
              </button>
            )}
          </div>
          {!chooseFile && (
            <div className="field">
              <label htmlFor="iso-upload-browser-file">{t('isoupload.browserFile')}</label>
              <input
                id="iso-upload-browser-file"
                type="file"
                className="entry"
                accept=".iso,.img,application/x-iso9660-image"
                onChange={(e) => setBrowserFile(e.target.files?.[0] ?? null)}
              />
              <span className="hint">{t('isoupload.browserFileHint')}</span>
            </div>
          )}
          <div className="field-row">
            <div className="field">
              <label htmlFor="iso-upload-pool">{t('isoupload.pool')}</label>
              <select
                id="iso-upload-pool"
                className="entry"
                value={v.pool}
                onChange={(e) => form.set('pool', e.target.value)}
              >
                {pools.map((p) => (
                  <option key={p} value={p}>
                    {isolated(p)}
                  </option>
                ))}
              </select>
              {form.errors.pool && <span className="error-text">{form.errors.pool}</span>}
            </div>
            <TextField
              id="iso-upload-volume"
              label={t('storage.field.volumeName')}
              value={v.volumeName}
              placeholder={browserFile?.name ?? (baseName(v.localPath) || 'image.iso')}
              error={form.errors.volumeName}
              onChange={(x) => form.set('volumeName', x)}
            />
          </div>
        </fieldset>
      )}
      {running && <TransferProgressView progress={transfer.progress} />}
      {form.errors.form && (
        <p className="error-text" data-testid="iso-upload-error">
          {form.errors.form}
        </p>
      )}
      <div className="iso-upload-buttons">
        {running ? (
          <button
            type="button"
            className="btn destructive"
            data-testid="iso-upload-cancel"
            onClick={transfer.cancel}
          >
            {t('common.cancel')}
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose}>
              {t('isoupload.close')}
            </button>
            <button
              type="button"
              className="btn suggested"
              data-testid="iso-upload-start"
              disabled={!ready}
              onClick={start}
            >
              {t('isoupload.start')}
            </button>
          </>
        )}
      </div>
    </div>
  );
};
