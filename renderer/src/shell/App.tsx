import { useEffect, useState } from 'react';
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
  // Under 1000 px the sidebar is an overlay (styles.css), opened from the header bar, closed by any
  // navigation, Escape or a click beside it.
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [routeSeen, setRouteSeen] = useState(route);
  if (routeSeen !== route) {
    setRouteSeen(route);
    setSidebarOpen(false);
  }
  useEffect(() => {
    if (!sidebarOpen) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setSidebarOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [sidebarOpen]);
  return (
    <div className={`app${sidebarOpen ? ' sidebar-open' : ''}`}>
      <a href="#main" className="sr-only">
        {t('nav.skip')}
      </a>
      <Sidebar />
      <div className="sidebar-backdrop" aria-hidden="true" onClick={() => setSidebarOpen(false)} />
      <main className="content" id="main">
        <header className="headerbar" data-testid="main-headerbar">
          <div className="start">
            <button
              type="button"
              className="btn flat icon sidebar-toggle"
              aria-label={t('nav.sidebarToggle')}
              aria-expanded={sidebarOpen}
              title={t('nav.sidebarToggle')}
              data-testid="sidebar-toggle"
              onClick={() => setSidebarOpen((o) => !o)}
            >
              <Icon name="menu" />
            </button>
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
