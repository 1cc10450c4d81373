import { useState } from 'react';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/Dialog.js';

/**
 * The VNC server asks for a password. Not a contract call (the password goes to the VNC server through
 * noVNC), so there is no schema to check it with: the form kit has nothing to do here.
 */
export const VncPasswordDialog = ({
  onCancel,
  onSubmit,
}: {
  onCancel: () => void;
  onSubmit: (password: string) => void;
}) => {
  const t = useT();
  const [password, setPassword] = useState('');
  return (
    <Dialog
      title={t('display.password.title')}
      onClose={onCancel}
      onSubmit={() => {
        onSubmit(password);
        setPassword('');
      }}
      buttons={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            {t('display.password.cancel')}
          </button>
          <button type="submit" className="btn suggested">
            {t('display.password.ok')}
          </button>
        </>
      }
      testId="display-password"
    >
      <p>{t('display.password.text')}</p>
      <input
        className="entry"
        type="password"
        autoFocus
        autoComplete="off"
        value={password}
        aria-label={t('display.password.title')}
        onChange={(e) => setPassword(e.target.value)}
      />
    </Dialog>
  );
};
