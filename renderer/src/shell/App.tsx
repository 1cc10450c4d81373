import { useT } from '../i18n/index.js';
import { navigate, useRoute } from '../store/route.js';
import { Icon } from '../ui/icons.js';
import { Toasts } from '../ui/Toasts.js';
import { useBootstrap } from './bootstrap.js';
import { Content } from './Content.js';
import { openDialog } from './dialogs.js';
import { DialogsHost } from './DialogsHost.js';
import { HeaderTitle } from './HeaderTitle.js';
import { MainMenu } from './MainMenu.js';
import { refreshAll } from './refresh.js';
import { useGlobalShortcuts } from './shortcuts.js';
import { Sidebar } from './Sidebar.js';
import { TransportBanner } from './TransportBanner.js';

/** The app's layout: sidebar, header bar, the route's page, the open dialog and the toasts. */
export const App = () => {
  useBootstrap();
  const t = useT();
  const route = useRoute();
  useGlobalShortcuts(route);
  return (
    <div className="app">
      <a href="#main" className="sr-only">
        {t('nav.skip')}
      </a>
      <Sidebar />
      <main className="content" id="main">
        <header className="headerbar">
          <div className="start">
            {route.kind === 'vm' && (
              <button
                type="button"
                className="btn flat icon"
                aria-label={t('nav.back')}
                title={`${t('nav.back')} (Alt+←)`}
                onClick={() => navigate({ kind: 'vms', connectionId: route.connectionId })}
              >
                <Icon name="back" />
              </button>
            )}
            {'connectionId' in route && (
              <button
                type="button"
                className="btn flat icon"
                aria-label={t('menu.refresh')}
                title={`${t('menu.refresh')} (Ctrl+R)`}
                onClick={refreshAll}
              >
                <Icon name="refresh" />
              </button>
            )}
          </div>
          <HeaderTitle route={route} />
          <div className="end">
            <button
              type="button"
              className="btn flat icon"
              aria-label={t('menu.shortcuts')}
              title={`${t('menu.shortcuts')} (Ctrl+?)`}
              onClick={() => openDialog({ kind: 'shortcuts' })}
            >
              <Icon name="keyboard" />
            </button>
            <MainMenu />
          </div>
        </header>
        <TransportBanner />
        <Content route={route} />
      </main>
      <DialogsHost />
      <Toasts />
    </div>
  );
};
