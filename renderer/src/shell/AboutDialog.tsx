import { useT } from '../i18n/index.js';
import { SimpleDialog } from './SimpleDialog.js';

declare module './dialogs.js' {
  interface DialogRequests {
    about: object;
  }
}

export const AboutDialog = () => {
  const t = useT();
  return (
    <SimpleDialog title="VirtDesk">
      <p>{t('about.body')}</p>
      <p className="dim">GPL-3.0-or-later</p>
    </SimpleDialog>
  );
};
