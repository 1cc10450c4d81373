import { useT } from '../i18n/index.js';
import { getRegistry } from './registry.js';
import { SimpleDialog } from './SimpleDialog.js';

declare module './dialogs.js' {
  interface DialogRequests {
    shortcuts: object;
  }
}

/** Every shortcut the shell and the features declare, in their order. */
export const ShortcutsDialog = () => {
  const t = useT();
  return (
    <SimpleDialog title={t('shortcuts.title')} testId="shortcuts-dialog">
      <div className="shortcuts">
        {getRegistry().shortcuts.map((s) => (
          <div key={s.labelKey} style={{ display: 'contents' }}>
            <span>{t(s.labelKey)}</span>
            <span>
              {s.keys.map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </span>
          </div>
        ))}
      </div>
    </SimpleDialog>
  );
};
