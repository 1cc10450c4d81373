import { calls } from '../../../../shared/contract/index.js';
import { getApi } from '../../api/client.js';
import { useT } from '../../i18n/index.js';
import { closeDialog, type DialogRequest } from '../../shell/dialogs.js';
import { navigate } from '../../store/route.js';
import { showToast } from '../../store/toasts.js';
import { vmStore } from '../../store/vms.js';
import { Dialog } from '../../ui/Dialog.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { isolated, Name, tr } from '../../ui/Name.js';
import { TextField } from '../../ui/Field.js';
import { useForm } from '../../ui/form/useForm.js';

declare module '../../shell/dialogs.js' {
  interface DialogRequests {
    clone: { connectionId: string; uuid: string };
  }
}

/** Copy a shut-off VM under a new name (its disks copied), then open the copy. */
export const CloneDialog = ({ req }: { req: DialogRequest<'clone'> }) => {
  const t = useT();
  const source = vmStore(req.connectionId).get(req.uuid)?.name ?? req.uuid;
  const form = useForm({
    schema: calls['vms.clone'].input,
    initial: { name: `${source}-clone` },
    toInput: (v) => ({ connectionId: req.connectionId, uuid: req.uuid, newName: v.name }),
    paths: { newName: 'name' },
  });
  const { name } = form.values;
  const busy = form.submitting;
  const submit = (): void =>
    void form.submit(async (input) => {
      const r = await getApi().call('vms.clone', input);
      showToast(t('clone.done', { name: isolated(input.newName) }));
      closeDialog();
      navigate({ kind: 'vm', connectionId: req.connectionId, uuid: r.uuid, tab: 'overview' });
    });
  return (
    <Dialog
      title={tr('clone.title', { name: <Name>{source}</Name> })}
      onClose={busy ? () => undefined : closeDialog}
      onSubmit={submit}
      testId="clone-dialog"
      buttons={
        <>
          <button type="button" className="btn" onClick={closeDialog} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn suggested" disabled={busy || !name}>
            {busy ? t('clone.busy') : t('clone.confirm')}
          </button>
        </>
      }
    >
      <p className="dim">{t('clone.body')}</p>
      <TextField
        id="clone-name"
        label={t('rename.label')}
        value={name}
        autoFocus
        disabled={busy}
        // libvirt's refusal (a name taken meanwhile, a full pool) is shown where the name is, as before.
        error={form.errors.name}
        onChange={(v) => form.set('name', v)}
      />
      {form.errors.form !== undefined && (
        <FailureNote
          message={t('clone.failed', { name: isolated(source) })}
          detail={form.errors.form}
          testId="clone-error"
        />
      )}
    </Dialog>
  );
};
