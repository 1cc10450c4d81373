import { languages, setLanguage, useLanguage, useT } from '../i18n/index.js';
import { MenuButton } from '../ui/Menu.js';
import { openDialog } from './dialogs.js';
import { getRegistry } from './registry.js';

/** The header bar's main menu: the features' entries, then languages, shortcuts and about. */
export const MainMenu = () => {
  const t = useT();
  const lang = useLanguage();
  return (
    <MenuButton
      label={t('menu.main')}
      testId="main-menu"
      items={[
        ...getRegistry().mainMenu.map((m) => ({
          label: t(m.labelKey),
          ...(m.shortcut ? { shortcut: m.shortcut } : {}),
          onSelect: m.onSelect,
        })),
        ...languages.map((l, i) => ({
          label: l.label,
          checked: l.id === lang,
          separatorBefore: i === 0,
          onSelect: () => setLanguage(l.id),
        })),
        {
          label: t('menu.shortcuts'),
          shortcut: 'Ctrl+?',
          separatorBefore: true,
          onSelect: () => openDialog({ kind: 'shortcuts' }),
        },
        { label: t('menu.about'), onSelect: () => openDialog({ kind: 'about' }) },
      ]}
    />
  );
};
