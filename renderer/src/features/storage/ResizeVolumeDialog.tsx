import { calls } from '../../../../shared/contract/index.js';
import type { StorageVolume } from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { Name, tr } from '../../ui/Name.js';
import { fmtBytes, parseSize, SIZE_UNITS, sizeText, type SizeUnit } from './format.js';

/** Grows a volume (shrinking is refused: it loses the data at the end). */
export const ResizeVolumeDialog = ({
  connectionId,
  pool,
  volume,
  onClose,
  onDone,
}: {
  connectionId: string;
  pool: string;
  volume: StorageVolume;
  onClose: () => void;
  onDone: () => void;
}) => {
  const t = useT();
  const form = useForm({
    schema: calls['storage.resizeVolume'].input,
    initial: () => ({ size: sizeText(volume.capacity, 'GiB'), unit: 'GiB' as SizeUnit }),
    toInput: (v) => ({ connectionId, pool, volume: volume.name, capacity: parseSize(v.size, v.unit) }),
    paths: { capacity: 'size' },
  });
  const v = form.values;
  return (
    <Dialog
      title={tr('storage.resize.title', { name: <Name>{volume.name}</Name> })}
      onClose={onClose}
      testId="resize-volume-dialog"
      onSubmit={() =>
        void form.submit(async (input) => {
          await getApi().call('storage.resizeVolume', input);
          onDone();
        })
      }
      buttons={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={form.submitting}>
            {t('storage.resize')}
          </button>
        </>
      }
    >
      <p className="dim">{t('storage.resize.now', { size: fmtBytes(volume.capacity) })}</p>
      <div className="field-row">
        <TextField
          id="resize-size"
          label={t('storage.field.newSize')}
          value={v.size}
          autoFocus
          inputMode="decimal"
          error={form.errors.size}
          onChange={(x) => form.set('size', x)}
        />
        <SelectField
          id="resize-unit"
          label={t('storage.field.unit')}
          value={v.unit}
          onChange={(x) => form.set('unit', x as SizeUnit)}
        >
          {Object.keys(SIZE_UNITS).map((u) => (
            <option key={u}>{u}</option>
          ))}
        </SelectField>
      </div>
      {form.errors.form && <p className="error-text">{form.errors.form}</p>}
    </Dialog>
  );
};
