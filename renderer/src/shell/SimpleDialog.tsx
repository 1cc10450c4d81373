import type { ReactNode } from 'react';
import { useT } from '../i18n/index.js';
import { Dialog } from '../ui/Dialog.js';
import { closeDialog } from './dialogs.js';

/** An app-wide dialog with a body and one Close button. */
export const SimpleDialog = ({
  title,
  testId,
  children,
}: {
  title: string;
  testId?: string;
  children: ReactNode;
}) => {
  const t = useT();
  return (
    <Dialog
      title={title}
      onClose={closeDialog}
      testId={testId}
      buttons={
        <button type="button" className="btn" onClick={closeDialog} autoFocus>
          {t('common.close')}
        </button>
      }
    >
      {children}
    </Dialog>
  );
};
