import { calls } from '../../../../shared/contract/index.js';
import type { StorageVolume } from '../../../../shared/contract/storage.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';
import { Name, tr } from '../../ui/Name.js';

/** "disk.qcow2" → "disk-copy.qcow2" */
const copyName = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-copy${name.slice(dot)}` : `${name}-copy`;
};

/** A full copy of a volume in the same pool, under a new name. */
export const CloneVolumeDialog = ({
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
  onDone: (name: string) => void;
}) => {
  const t = useT();
  const form = useForm({
    schema: calls['storage.cloneVolume'].input,
    initial: () => ({ newName: copyName(volume.name) }),
    toInput: (v) => ({ connectionId, pool, volume: volume.name, newName: v.newName.trim() }),
  });
  return (
    <Dialog
      title={tr('storage.clone.title', { name: <Name>{volume.name}</Name> })}
      onClose={onClose}
      testId="clone-volume-dialog"
      onSubmit={() =>
        void form.submit(async (input) => {
          const copy = await getApi().call('storage.cloneVolume', input);
          onDone(copy.name);
        })
      }
      buttons={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={form.submitting}>
            {t('storage.clone')}
          </button>
        </>
      }
    >
      <TextField
        id="clone-name"
        label={t('storage.field.newName')}
        value={form.values.newName}
        autoFocus
        error={form.errors.newName}
        onChange={(x) => form.set('newName', x)}
      />
      {form.submitting && <p className="dim">{t('storage.clone.copying')}</p>}
      {form.errors.form && <p className="error-text">{form.errors.form}</p>}
    </Dialog>
  );
};
