import { useEffect, useRef } from 'react';
import type { ConnectionEntry } from '../../shared/contract/index.js';
import { getApi } from './api/client.js';
import { useTransportStatus } from './api/hooks.js';
import { Dialog } from './components/Dialog.js';
import { Icon, Spinner } from './components/icons.js';
import { MenuButton } from './components/Menu.js';
import { Toasts } from './components/Toasts.js';
import { hostPages } from './extensions.js';
import { languages, setLanguage, useLanguage, useT } from './i18n/index.js';
import { connectionStore, useConnection, useConnections } from './store/connections.js';
import { closeDialog, openDialog, useDialog } from './store/dialogs.js';
import { navigate, useRoute, type Route } from './store/route.js';
import { showToast } from './store/toasts.js';
import { uiHandlers } from './store/ui.js';
import { attachVmEvents, clearVms, loadVms, useVm } from './store/vms.js';
import { toApiError } from './api/transport.js';
import { ConnectionDialog } from './views/ConnectionDialog.js';
import { connect } from './views/connectionActions.js';
import { FirstRun } from './views/FirstRun.js';
import { ReadinessCheck } from './host/ReadinessPage.js';
import { Sidebar, statusText } from './views/Sidebar.js';
import {
  CloneDialog,
  ConfirmActionDialog,
  DeleteDialog,
  RenameDialog,
  ShortcutsDialog,
} from './views/VmDialogs.js';
import { MigrateDialog } from './views/MigrateDialog.js';
import { NewVmDialog } from './views/NewVmDialog.js';
import { VmList } from './views/VmList.js';
import { VmPage } from './views/VmPage.js';

/** Wires stores to the API once: events, initial load, reloads after the transport reconnects. */
const useBootstrap = (): void => {
  useEffect(() => {
    const api = getApi();
    const onError = (e: unknown): void => showToast(toApiError(e).message, 'error');
    const reloadConnections = connectionStore.attach(api, onError);
    const offVms = attachVmEvents(api);
    const seen = new Map<string, string>();
    const syncVms = (list: ConnectionEntry[], force: boolean): void => {
      for (const c of list) {
        const prev = seen.get(c.id);
        seen.set(c.id, c.status.state);
        if (c.status.state === 'connected' && (force || prev !== 'connected'))
          loadVms(api, c.id).catch(onError);
        if (
          c.status.state === 'disconnected' &&
          prev !== undefined &&
          prev !== 'disconnected' &&
          !c.status.reason
        )
          clearVms(c.id);
      }
    };
    const offConn = connectionStore.subscribe(() => syncVms(connectionStore.getSnapshot().list, false));
    const load = (): void => {
      seen.clear();
      void reloadConnections();
    };
    // Load once the transport is open (Electron: right away); after it comes back (web mode) the server
    // may have changed meanwhile, so everything is loaded again.
    if (api.status === 'open') load();
    const offStatus = api.onStatus((s) => {
      if (s === 'open') load();
    });
    uiHandlers.refresh = load;
    return () => {
      offVms();
      offConn();
      offStatus();
    };
  }, []);
};

const TransportBanner = () => {
  const t = useT();
  const status = useTransportStatus();
  if (status === 'open') return null;
  return (
    <div className="banner warning" role="status" data-testid="transport-banner">
      <Spinner />
      <span className="grow">
        {status === 'reconnecting' ? t('transport.reconnecting') : t('transport.connecting')}
      </span>
    </div>
  );
};

const ConnectionBanner = ({ c }: { c: ConnectionEntry }) => {
  const t = useT();
  if (c.status.state === 'connected') return null;
  const lost = c.status.state === 'reconnecting' || (c.status.state === 'disconnected' && !!c.status.reason);
  if (!lost && c.status.state !== 'connecting') return null;
  return (
    <div className={`banner ${lost ? 'error' : ''}`} role="alert" data-testid="connection-banner">
      {c.status.state !== 'disconnected' && <Spinner />}
      <span className="grow">
        {c.status.state === 'reconnecting'
          ? t('connections.banner.reconnecting', { name: c.name, attempt: c.status.attempt })
          : c.status.state === 'connecting'
            ? t('connections.banner.connecting', { name: c.name })
            : t('connections.banner.lost', { name: c.name })}
        {c.status.reason ? <span style={{ fontWeight: 400 }}> — {c.status.reason}</span> : null}
      </span>
      {c.status.state !== 'connecting' && (
        <button
          type="button"
          className="btn small"
          style={{ color: 'inherit' }}
          onClick={() => void connect(c.id)}
        >
          {t('connections.retryNow')}
        </button>
      )}
    </div>
  );
};

const NotConnected = ({ c }: { c: ConnectionEntry }) => {
  const t = useT();
  const busy = c.status.state === 'connecting' || c.status.state === 'reconnecting';
  return (
    <div className="empty" data-testid="not-connected">
      <Icon name="offline" className="big-icon" />
      <h2>{busy ? statusText(t, c) : t('connections.notConnected', { name: c.name })}</h2>
      <p className="dim mono">{c.uri}</p>
      {c.status.reason && <p role="alert">{c.status.reason}</p>}
      {!busy && (
        <button type="button" className="btn suggested pill" onClick={() => void connect(c.id)}>
          {t('connections.connectShort')}
        </button>
      )}
      {busy && <Spinner label={statusText(t, c)} />}
      {/* A failed connection is when users most need to know whether the host can run KVM at all. */}
      {c.status.reason && <ReadinessCheck connectionId={c.id} />}
    </div>
  );
};

const HeaderTitle = ({ route }: { route: Route }) => {
  const t = useT();
  const conn = useConnection('connectionId' in route ? route.connectionId : null);
  const vm = useVm(route.kind === 'vm' ? route.connectionId : '', route.kind === 'vm' ? route.uuid : '');
  let title = 'VirtDesk';
  let sub: string | null = null;
  if (route.kind === 'vm' && vm) {
    title = vm.name;
    sub = `${conn?.name ?? ''} · ${t(`state.${vm.state}`)}`;
  } else if (route.kind === 'vms' && conn) {
    title = t('nav.vms');
    sub = conn.name;
  } else if (route.kind === 'host' && conn) {
    const page = hostPages.find((p) => p.id === route.pageId);
    title = page ? t(page.titleKey) : '';
    sub = conn.name;
  }
  return (
    <h1 className="title" style={{ margin: 0, fontSize: 'inherit' }} data-testid="header-title">
      {title}
      {sub && <span className="subtitle">{sub}</span>}
    </h1>
  );
};

const MainMenu = () => {
  const t = useT();
  const lang = useLanguage();
  return (
    <MenuButton
      label={t('menu.main')}
      testId="main-menu"
      items={[
        {
          label: t('menu.addConnection'),
          shortcut: 'Ctrl+N',
          onSelect: () => openDialog({ kind: 'addConnection' }),
        },
        { label: t('menu.refresh'), shortcut: 'Ctrl+R', onSelect: () => uiHandlers.refresh?.() },
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

const Content = ({ route }: { route: Route }) => {
  const conn = useConnection('connectionId' in route ? route.connectionId : null);
  const { list, loaded } = useConnections();
  if (!loaded)
    return (
      <div className="empty">
        <Spinner />
      </div>
    );
  if (list.length === 0) return <FirstRun />;
  if (route.kind === 'home' || !conn) {
    return <HomeRedirect list={list} />;
  }
  const body =
    conn.status.state !== 'connected' && route.kind !== 'host' ? (
      <NotConnected c={conn} />
    ) : route.kind === 'vms' ? (
      <VmList connectionId={conn.id} />
    ) : route.kind === 'vm' ? (
      <VmPage connectionId={conn.id} uuid={route.uuid} tab={route.tab} />
    ) : route.kind === 'host' ? (
      (() => {
        const page = hostPages.find((p) => p.id === route.pageId);
        return page ? <page.component connectionId={conn.id} /> : null;
      })()
    ) : null;
  return (
    <>
      <ConnectionBanner c={conn} />
      <div className="page" style={{ display: 'flex', flexDirection: 'column' }}>
        {body}
      </div>
    </>
  );
};

const HomeRedirect = ({ list }: { list: ConnectionEntry[] }) => {
  const first = list.find((c) => c.status.state === 'connected') ?? list[0];
  useEffect(() => {
    if (first) navigate({ kind: 'vms', connectionId: first.id });
  }, [first]);
  return null;
};

const AboutDialog = () => {
  const t = useT();
  return (
    <ShortcutsLike title="VirtDesk">
      <p>{t('about.body')}</p>
      <p className="dim">GPL-3.0-or-later</p>
    </ShortcutsLike>
  );
};

const ShortcutsLike = ({ title, children }: { title: string; children: React.ReactNode }) => {
  const t = useT();
  return (
    <Dialog
      title={title}
      onClose={closeDialog}
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

const Dialogs = () => {
  const d = useDialog();
  if (!d) return null;
  switch (d.kind) {
    case 'delete':
      return <DeleteDialog req={d} />;
    case 'rename':
      return <RenameDialog req={d} />;
    case 'migrate':
      return <MigrateDialog req={d} />;
    case 'clone':
      return <CloneDialog req={d} />;
    case 'newVm':
      return <NewVmDialog req={d} />;
    case 'confirm':
      return <ConfirmActionDialog req={d} />;
    case 'addConnection':
      return <ConnectionDialog onClose={closeDialog} />;
    case 'shortcuts':
      return <ShortcutsDialog />;
    case 'about':
      return <AboutDialog />;
  }
};

export const App = () => {
  useBootstrap();
  const t = useT();
  const route = useRoute();
  const routeRef = useRef(route);
  useEffect(() => {
    routeRef.current = route;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const ctrl = e.ctrlKey || e.metaKey;
      if (document.querySelector('dialog[open]')) return;
      const r = routeRef.current;
      if (ctrl && e.key.toLowerCase() === 'f' && uiHandlers.focusSearch) uiHandlers.focusSearch();
      else if (ctrl && e.key.toLowerCase() === 'r') uiHandlers.refresh?.();
      else if (ctrl && e.shiftKey && e.key.toLowerCase() === 'n') {
        if ('connectionId' in r) openDialog({ kind: 'newVm', connectionId: r.connectionId });
      } else if (ctrl && e.key.toLowerCase() === 'n') openDialog({ kind: 'addConnection' });
      else if (ctrl && (e.key === '?' || (e.key === '/' && e.shiftKey))) openDialog({ kind: 'shortcuts' });
      else if (e.altKey && e.key === 'ArrowLeft' && r.kind === 'vm')
        navigate({ kind: 'vms', connectionId: r.connectionId });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
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
                onClick={() => uiHandlers.refresh?.()}
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
      <Dialogs />
      <Toasts />
    </div>
  );
};
