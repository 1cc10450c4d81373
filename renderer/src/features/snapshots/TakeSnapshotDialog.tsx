import type { CallInput } from '../../../../shared/contract/index.js';
import { calls } from '../../../../shared/contract/index.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';
import { TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';

/** A default name people can keep: the date and time, sortable. */
const defaultName = (d = new Date()): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `snapshot-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
};

/** Name (and describe) a new snapshot; the tab takes it once the input is valid. */
export const TakeSnapshotDialog = ({
  vm,
  running,
  onClose,
  onTake,
}: {
  vm: { connectionId: string; uuid: string };
  running: boolean;
  onClose: () => void;
  onTake: (input: CallInput<'snapshots.create'>) => void;
}) => {
  const t = useT();
  const form = useForm({
    schema: calls['snapshots.create'].input,
    initial: () => ({ name: defaultName(), description: '' }),
    toInput: (v) => {
      const description = v.description.trim();
      return { ...vm, name: v.name, ...(description ? { description } : {}) };
    },
  });
  const { name, description } = form.values;
  return (
    <Dialog
      title={t('snapshots.takeTitle')}
      onClose={onClose}
      testId="snapshot-dialog"
      onSubmit={() => void form.submit(onTake)}
      buttons={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={!name}>
            {t('snapshots.take')}
          </button>
        </>
      }
    >
      <p className="dim">{t(running ? 'snapshots.takeRunning' : 'snapshots.takeOff')}</p>
      <TextField
        id="snapshot-name"
        label={t('snapshots.name')}
        value={name}
        autoFocus
        error={form.errors.name}
        onChange={(v) => form.set('name', v)}
      />
      <TextField
        id="snapshot-description"
        label={t('snapshots.description')}
        value={description}
        error={form.errors.description}
        onChange={(v) => form.set('description', v)}
      />
    </Dialog>
  );
};
