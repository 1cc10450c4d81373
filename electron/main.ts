/**
 * Electron entry: a thin adapter over the plain-Node Core.
 *
 * - One sandboxed, context-isolated window without Node; the UI comes from the privileged custom scheme
 *   app://virtdesk/ (files of dist/renderer) with a strict CSP, never file://.
 * - One IPC channel 'vd:call' (sender must be our app:// main frame) → core.dispatch; pushed events go out
 *   on 'vd:event'. The preload (preload.cts) exposes window.virtdesk = { call, onEvent, chooseIso, platform };
 *   'vd:chooseIso' (same sender check) opens the native ISO file chooser (iso-chooser.ts), 'vd:chooseFile'
 *   the Storage page's upload/download file chooser (file-chooser.ts).
 * - Navigation and new windows are denied; permissions are denied; single instance; window bounds remembered.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  nativeTheme,
  protocol,
  screen,
  session,
  shell,
  type WebContents,
} from 'electron';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Core } from './core/core.js';
import { isoDialogOptions, isoDialogReply, parseChooseIsoRequest } from './iso-chooser.js';
import {
  fileDialogReply,
  openFileDialogOptions,
  parseChooseFileRequest,
  saveFileDialogOptions,
} from './file-chooser.js';
import { CHOOSE_FILE_CHANNEL, CHOOSE_ISO_CHANNEL } from '../shared/contract/native.js';
import { readJson, writeFileAtomic } from './base/config.js';
import type { Session } from './core/sessions.js';
import {
  APP_HOST,
  APP_INDEX_URL,
  APP_SCHEME,
  contentSecurityPolicy,
  isAppUrl,
  mainWindowOptions,
  mimeType,
  restoreWindowState,
  safeRelativePath,
  securityHeaders,
  type WindowState,
} from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/electron/electron/main.js → dist/renderer */
const RENDERER_DIR = join(here, '..', '..', 'renderer');
const PRELOAD = join(here, 'preload.cjs');

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
  },
]);

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
const sessions = new Map<number, Session>();

const log = (...args: unknown[]): void => console.error('virtdesk:', ...args);

// ---- app:// protocol ---------------------------------------------------------------------------

const rendererRoot = (async () => realpath(RENDERER_DIR).catch(() => RENDERER_DIR))();

const textResponse = (status: number, text: string): Response =>
  new Response(text, {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
  });

const serveApp = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  if (url.host !== APP_HOST) return textResponse(404, 'Not found');
  if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed');
  const rel = safeRelativePath(url.pathname);
  if (!rel) return textResponse(400, 'Bad request');
  const root = await rendererRoot;
  const tryFile = async (relPath: string): Promise<Response | null> => {
    const file = await realpath(join(root, relPath)).catch(() => null);
    if (!file || (file !== root && !file.startsWith(root + sep))) return null;
    if (!(await stat(file).catch(() => null))?.isFile()) return null;
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...securityHeaders(), 'Content-Type': mimeType(file), 'Cache-Control': 'no-cache' },
    });
  };
  return (
    (await tryFile(rel)) ??
    (!/\.[A-Za-z0-9]+$/.test(rel) ? await tryFile('index.html') : null) ??
    textResponse(404, 'Not found')
  );
};

// ---- sessions and IPC --------------------------------------------------------------------------

const openSessionFor = (wc: WebContents): Session | null => {
  if (!core) return null;
  const old = sessions.get(wc.id);
  if (old) core.closeSession(old);
  const s = core.openSession((name, payload) => {
    if (!wc.isDestroyed()) wc.send('vd:event', name, payload);
  });
  sessions.set(wc.id, s);
  return s;
};

const closeSessionFor = (id: number): void => {
  const s = sessions.get(id);
  sessions.delete(id);
  if (s && core) core.closeSession(s);
};

const installIpc = (): void => {
  ipcMain.handle('vd:call', async (event, name: unknown, input: unknown) => {
    const frame = event.senderFrame;
    // Only our own page, in its main frame, may call the core.
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
      log(`refused IPC from ${frame?.url ?? 'unknown frame'}`);
      return { ok: false, error: { message: 'Unauthorized sender', code: 'unauthorized' } };
    }
    if (!core) return { ok: false, error: { message: 'VirtDesk is starting', code: 'internal' } };
    const s = sessions.get(event.sender.id) ?? openSessionFor(event.sender);
    if (!s) return { ok: false, error: { message: 'No session', code: 'internal' } };
    return core.dispatch(s, name, input);
  });
  // The New VM dialog's "Choose…" (local connections): a native dialog, the payload checked like a call's.
  ipcMain.handle(CHOOSE_ISO_CHANNEL, async (event, input: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
      log(`refused IPC from ${frame?.url ?? 'unknown frame'}`);
      return { ok: false, error: { message: 'Unauthorized sender', code: 'unauthorized' } };
    }
    const req = parseChooseIsoRequest(input);
    if (!req.ok) return req;
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = isoDialogOptions(req.value);
    const result = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
    return { ok: true, value: isoDialogReply(result) };
  });
  // The Storage page's upload/download file (any connection: the main process reads/writes the file).
  ipcMain.handle(CHOOSE_FILE_CHANNEL, async (event, input: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
      log(`refused IPC from ${frame?.url ?? 'unknown frame'}`);
      return { ok: false, error: { message: 'Unauthorized sender', code: 'unauthorized' } };
    }
    const req = parseChooseFileRequest(input);
    if (!req.ok) return req;
    const win = BrowserWindow.fromWebContents(event.sender);
    let result: { canceled: boolean; filePaths?: string[]; filePath?: string | undefined };
    if (req.value.mode === 'open') {
      const options = openFileDialogOptions(req.value);
      result = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
    } else {
      const options = saveFileDialogOptions(req.value);
      result = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
    }
    return { ok: true, value: fileDialogReply(result) };
  });
};

// ---- window ------------------------------------------------------------------------------------

const windowStateFile = (): string => join(core?.configDir ?? app.getPath('userData'), 'window-state.json');

const loadWindowState = async (): Promise<WindowState> => {
  const saved = await readJson(windowStateFile()).catch(() => undefined);
  return restoreWindowState(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
  );
};

const saveWindowState = (win: BrowserWindow): void => {
  if (win.isDestroyed()) return;
  const b = win.getNormalBounds();
  const state: WindowState = {
    x: b.x,
    y: b.y,
    width: b.width,
    height: b.height,
    maximized: win.isMaximized(),
  };
  writeFileAtomic(windowStateFile(), JSON.stringify(state) + '\n').catch((e: unknown) =>
    log('saving the window state failed:', e),
  );
};

const createWindow = async (): Promise<void> => {
  const state = await loadWindowState();
  const win = new BrowserWindow(mainWindowOptions(PRELOAD, state, nativeTheme.shouldUseDarkColors));
  mainWindow = win;
  const wc = win.webContents;
  const id = wc.id;
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let saveTimer: NodeJS.Timeout | null = null;
  const scheduleSave = (): void => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => saveWindowState(win), 500);
  };
  win.on('resize', scheduleSave);
  win.on('move', scheduleSave);
  win.on('close', () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveWindowState(win);
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });

  // A (re)load starts a fresh renderer: release what the previous page held (ptys, proxies).
  wc.on('did-navigate', () => openSessionFor(wc));
  wc.on('render-process-gone', (_e, details) => {
    log('renderer gone:', details.reason);
    closeSessionFor(id);
  });
  wc.on('destroyed', () => closeSessionFor(id));

  await win.loadURL(APP_INDEX_URL);
};

const hardenWebContents = (): void => {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      log(`blocked navigation to ${url}`);
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // No new windows, ever. Plain https links (documentation) go to the user's browser.
      if (/^https:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
};

// ---- startup -----------------------------------------------------------------------------------

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  hardenWebContents();
  nativeTheme.themeSource = 'system';
  nativeTheme.on('updated', () => {
    mainWindow?.setBackgroundColor(nativeTheme.shouldUseDarkColors ? '#1e1e1e' : '#ffffff');
  });

  app
    .whenReady()
    .then(async () => {
      const ses = session.defaultSession;
      ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
      ses.setPermissionCheckHandler(() => false);
      ses.webRequest.onHeadersReceived((details, callback) => {
        const headers = { ...details.responseHeaders };
        headers['Content-Security-Policy'] = [contentSecurityPolicy()];
        callback({ responseHeaders: headers });
      });
      protocol.handle(APP_SCHEME, (request) =>
        serveApp(request).catch((e: unknown) => {
          log('app:// request failed:', e);
          return textResponse(500, 'Internal error');
        }),
      );
      core = new Core({ validateOutput: !app.isPackaged });
      await core.start();
      installIpc();
      await createWindow();
    })
    .catch((e: unknown) => {
      log('startup failed:', e);
      app.exit(1);
    });

  app.on('window-all-closed', () => app.quit());

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !core) return;
    quitting = true;
    event.preventDefault();
    const c = core;
    core = null;
    c.stop()
      .catch((e: unknown) => log('stopping the core failed:', e))
      .finally(() => app.quit());
  });
}
