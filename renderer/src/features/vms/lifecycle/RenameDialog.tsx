import { calls } from '../../../../../shared/contract/index.js';
import { useT } from '../../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../../shell/dialogs.js';
import { Dialog } from '../../../ui/Dialog.js';
import { TextField } from '../../../ui/Field.js';
import { useForm } from '../../../ui/form/useForm.js';
import { runVmAction } from '../actions/actions.js';
import { vmName } from '../vmName.js';

declare module '../../../shell/dialogs.js' {
  interface DialogRequests {
    rename: { connectionId: string; uuid: string };
  }
}

export const RenameDialog = ({ req }: { req: DialogRequest<'rename'> }) => {
  const t = useT();
  const current = vmName(req.connectionId, req.uuid);
  const form = useForm({
    schema: calls['vms.action'].input,
    initial: { name: current },
    toInput: (v) => ({ connectionId: req.connectionId, uuid: req.uuid, action: 'rename', newName: v.name }),
    paths: { newName: 'name' },
  });
  const { name } = form.values;
  const submit = (): void =>
    void form.submit(async () => {
      closeDialog();
      await runVmAction(
        { connectionId: req.connectionId, uuid: req.uuid, action: 'rename', newName: name },
        current,
      );
    });
  return (
    <Dialog
      title={t('rename.title', { name: current })}
      onClose={closeDialog}
      onSubmit={submit}
      testId="rename-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={!name || name === current}>
            {t('action.rename')}
          </button>
        </>
      }
    >
      <TextField
        id="rename-input"
        label={t('rename.label')}
        value={name}
        autoFocus
        error={form.errors.name}
        onChange={(v) => form.set('name', v)}
      />
    </Dialog>
  );
};
