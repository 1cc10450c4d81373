import { useEffect, useRef, useState } from 'react';
import { calls, type CallInput } from '../../../../shared/contract/index.js';
import {
  browserUploadQuerySchema,
  type StoragePool,
  type StorageVolume,
  type TransferResult,
} from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { CheckField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { Name, tr } from '../../ui/Name.js';
import { baseName, fmtBytes } from './format.js';
import { TransferProgressView, useTransfer } from './transfer.js';
import { uploadFromBrowser } from './browserUpload.js';

type Phase = { kind: 'form' } | { kind: 'running' } | { kind: 'done'; result: TransferResult };

/**
 * Upload a local file into a new volume of `pool` (volume null), or download `volume` into a new local
 * file — with a progress bar, speed, time left and Cancel. "Local" is where VirtDesk's main process runs:
 * this computer in the desktop app (a native chooser), the server in web mode (a path typed there).
 */
export const TransferDialog = ({
  connectionId,
  pool,
  volume,
  onClose,
}: {
  connectionId: string;
  pool: StoragePool;
  volume: StorageVolume | null;
  onClose: () => void;
}) => {
  const t = useT();
  const upload = volume === null;
  const chooseFile = window.virtdesk?.chooseFile;
  const transfer = useTransfer();
  const transferId = transfer.id;
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  // Web mode uploads: a file of the browser's own computer, instead of a path on the server.
  const [browserFile, setBrowserFile] = useState<File | null>(null);
  const fromBrowser = upload && browserFile !== null;

  const form = useForm({
    schema: fromBrowser
      ? browserUploadQuerySchema
      : upload
        ? calls['storage.upload'].input
        : calls['storage.download'].input,
    initial: () => ({ localPath: '', volumeName: '', verify: upload }),
    toInput: (v) =>
      fromBrowser
        ? {
            connectionId,
            pool: pool.name,
            volume: v.volumeName.trim() || browserFile.name,
            transferId: transferId.current,
            verify: v.verify ? '1' : '0',
            fileName: browserFile.name,
          }
        : {
            connectionId,
            pool: pool.name,
            volume: upload ? v.volumeName.trim() || baseName(v.localPath.trim()) : volume.name,
            localPath: v.localPath.trim(),
            transferId: transferId.current,
            verify: v.verify,
          },
    paths: { volume: 'volumeName' },
  });
  const v = form.values;

  const start = () =>
    void form.submit(async (input) => {
      setPhase({ kind: 'running' });
      try {
        const result = fromBrowser
          ? await uploadFromBrowser(browserFile, {
              connectionId,
              pool: pool.name,
              volume: (input as { volume: string }).volume,
              transferId: transferId.current,
              verify: v.verify,
            })
          : upload
            ? await getApi().call('storage.upload', input as CallInput<'storage.upload'>)
            : await getApi().call('storage.download', input as CallInput<'storage.download'>);
        setPhase({ kind: 'done', result });
      } catch (e) {
        // Back to the form with the message (and a new id: the old transfer is over).
        transfer.reset();
        setPhase({ kind: 'form' });
        throw e;
      }
    });

  // Once done, Enter closes: the Close button takes the focus (the field that had it is gone).
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (phase.kind === 'done') closeRef.current?.focus();
  }, [phase.kind]);

  const cancel = transfer.cancel;
  const running = phase.kind === 'running';
  const title = upload
    ? tr('storage.upload.title', { pool: <Name>{pool.name}</Name> })
    : tr('storage.download.title', { name: <Name>{volume.name}</Name> });

  return (
    <Dialog
      title={title}
      onClose={running ? cancel : onClose}
      testId="transfer-dialog"
      onSubmit={phase.kind === 'form' ? start : onClose}
      buttons={
        phase.kind === 'done' ? (
          <button ref={closeRef} type="submit" className="btn suggested" data-testid="transfer-close">
            {t('common.close')}
          </button>
        ) : running ? (
          <button type="button" className="btn destructive" data-testid="transfer-cancel" onClick={cancel}>
            {t('common.cancel')}
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="btn suggested"
              disabled={form.submitting || (!v.localPath.trim() && !fromBrowser)}
            >
              {t(upload ? 'storage.upload' : 'storage.download')}
            </button>
          </>
        )
      }
    >
      {phase.kind === 'done' ? (
        <div data-testid="transfer-done">
          <p>
            {t(upload ? 'storage.transfer.uploaded' : 'storage.transfer.downloaded', {
              size: fmtBytes(phase.result.bytes),
              seconds: phase.result.seconds.toFixed(1),
              volume: phase.result.volume,
              path: phase.result.localPath,
            })}
          </p>
          <p className="dim mono-wrap">
            {t(
              phase.result.verified === 'sha256'
                ? 'storage.transfer.verified'
                : 'storage.transfer.notVerified',
              { sha: phase.result.sha256 ?? '' },
            )}
          </p>
        </div>
      ) : (
        <fieldset className="plain-fieldset" disabled={running}>
          <p className="dim">
            {t(chooseFile ? 'storage.transfer.hintDesktop' : 'storage.transfer.hintWeb', {
              direction: t(upload ? 'storage.transfer.from' : 'storage.transfer.to'),
            })}
          </p>
          <div className="field-row chooser-row">
            <TextField
              id="transfer-path"
              label={t(upload ? 'storage.field.localFile' : 'storage.field.saveAs')}
              value={v.localPath}
              autoFocus
              placeholder={upload ? '/srv/iso/debian-12.iso' : `/srv/backup/${volume?.name ?? ''}`}
              error={form.errors.localPath}
              onChange={(x) => form.set('localPath', x)}
            />
            {chooseFile && (
              <button
                type="button"
                className="btn"
                onClick={() =>
                  void chooseFile({
                    title: t(upload ? 'storage.transfer.chooseUpload' : 'storage.transfer.chooseSave'),
                    mode: upload ? 'open' : 'save',
                  }).then((r) => r.path && form.set('localPath', r.path))
                }
              >
                {t('storage.choose')}
              </button>
            )}
          </div>
          {upload && !chooseFile && (
            <div className="field">
              <label htmlFor="transfer-browser-file">{t('isoupload.browserFile')}</label>
              <input
                id="transfer-browser-file"
                type="file"
                className="entry"
                onChange={(e) => setBrowserFile(e.target.files?.[0] ?? null)}
              />
              <span className="hint">{t('isoupload.browserFileHint')}</span>
            </div>
          )}
          {upload && (
            <TextField
              id="transfer-volume"
              label={t('storage.field.volumeName')}
              value={v.volumeName}
              placeholder={browserFile?.name ?? (baseName(v.localPath) || 'image.iso')}
              error={form.errors.volumeName}
              onChange={(x) => form.set('volumeName', x)}
            />
          )}
          <CheckField
            label={t(upload ? 'storage.transfer.verifyUpload' : 'storage.transfer.verifyDownload')}
            checked={v.verify}
            onChange={(x) => form.set('verify', x)}
          />
          {running && <TransferProgressView progress={transfer.progress} />}
          {form.errors.form && <p className="error-text">{form.errors.form}</p>}
        </fieldset>
      )}
    </Dialog>
  );
};
