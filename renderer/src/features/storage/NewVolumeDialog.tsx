import { calls } from '../../../../shared/contract/index.js';
import type { StoragePool, StorageVolume } from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { fmtBytes, parseSize, SIZE_UNITS, type SizeUnit } from './format.js';

interface Values extends Record<string, unknown> {
  name: string;
  size: string;
  unit: SizeUnit;
  format: 'qcow2' | 'raw';
  backingPath: string;
}

/** A new qcow2 or raw volume in the pool, optionally starting from another volume (copy-on-write). */
export const NewVolumeDialog = ({
  connectionId,
  pool,
  volumes,
  onClose,
  onCreated,
}: {
  connectionId: string;
  pool: StoragePool;
  volumes: StorageVolume[];
  onClose: () => void;
  onCreated: (name: string) => void;
}) => {
  const t = useT();
  const form = useForm({
    schema: calls['storage.createVolume'].input,
    initial: (): Values => ({ name: '', size: '20', unit: 'GiB', format: 'qcow2', backingPath: '' }),
    toInput: (v) => ({
      connectionId,
      pool: pool.name,
      name: v.name.trim(),
      capacity: parseSize(v.size, v.unit),
      format: v.format,
      ...(v.backingPath ? { backingPath: v.backingPath } : {}),
    }),
    paths: { capacity: 'size' },
  });
  const v = form.values;
  const bases = volumes.filter((x) => x.format === 'qcow2' || x.format === 'raw');
  return (
    <Dialog
      title={t('storage.newVolume.title', { pool: pool.name })}
      onClose={onClose}
      testId="new-volume-dialog"
      onSubmit={() =>
        void form.submit(async (input) => {
          const vol = await getApi().call('storage.createVolume', input);
          onCreated(vol.name);
        })
      }
      buttons={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={form.submitting || !v.name.trim()}>
            {t('storage.create')}
          </button>
        </>
      }
    >
      <fieldset className="plain-fieldset" disabled={form.submitting}>
        <TextField
          id="volume-name"
          label={t('storage.field.name')}
          value={v.name}
          autoFocus
          placeholder="disk.qcow2"
          error={form.errors.name}
          onChange={(x) => form.set('name', x)}
        />
        <div className="field-row">
          <TextField
            id="volume-size"
            label={t('storage.field.size')}
            value={v.size}
            inputMode="decimal"
            hint={<span className="dim">{t('storage.free', { free: fmtBytes(pool.available) })}</span>}
            error={form.errors.size}
            onChange={(x) => form.set('size', x)}
          />
          <SelectField
            id="volume-unit"
            label={t('storage.field.unit')}
            value={v.unit}
            onChange={(x) => form.set('unit', x as SizeUnit)}
          >
            {Object.keys(SIZE_UNITS).map((u) => (
              <option key={u}>{u}</option>
            ))}
          </SelectField>
          <SelectField
            id="volume-format"
            label={t('storage.field.format')}
            value={v.format}
            error={form.errors.format}
            onChange={(x) => form.set('format', x as 'qcow2' | 'raw')}
          >
            <option value="qcow2">qcow2</option>
            <option value="raw">raw</option>
          </SelectField>
        </div>
        <p className="dim">
          {t(v.format === 'qcow2' ? 'storage.formatHint.qcow2' : 'storage.formatHint.raw')}
        </p>
        {v.format === 'qcow2' && (
          <SelectField
            id="volume-backing"
            label={t('storage.field.backing')}
            value={v.backingPath}
            error={form.errors.backingPath}
            onChange={(x) => form.set('backingPath', x)}
          >
            <option value="">{t('storage.noBacking')}</option>
            {bases.map((b) => (
              <option key={b.key} value={b.path}>
                {b.name}
              </option>
            ))}
          </SelectField>
        )}
        {form.errors.form && <p className="error-text">{form.errors.form}</p>}
      </fieldset>
    </Dialog>
  );
};
