/**
 * Security-relevant settings of the Electron shell as pure functions (unit-tested without Electron):
 * BrowserWindow webPreferences, the Content-Security-Policy of the UI, the app:// origin, window state.
 * Only type imports from 'electron' here: this module must load in plain Node.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'virtdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** webPreferences of every VirtDesk window: sandboxed renderer, isolated preload, no Node. */
export const secureWebPreferences = (preloadPath: string): WebPreferences => ({
  preload: preloadPath,
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
});

export interface CspOptions {
  /**
   * Extra WebSocket origins the page may connect to. The console's VNC proxy listens on loopback with a
   * random port, so loopback ws: is allowed by default.
   */
  connectSrc?: string[];
}

/**
 * The Content-Security-Policy of the UI (Electron and web mode alike): only our own scripts, no eval, no
 * plugins, no framing, no form posts; styles may be inline (React style props, xterm/uPlot inject <style>).
 */
export const contentSecurityPolicy = (opts: CspOptions = {}): string => {
  const connect = ["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*', ...(opts.connectSrc ?? [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
};

/** Headers sent with every UI response (besides Content-Type). */
export const securityHeaders = (opts: CspOptions = {}): Record<string, string> => ({
  'Content-Security-Policy': contentSecurityPolicy(opts),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
});

/** True when `url` is a page of our own app:// origin (used to vet IPC senders and navigations). */
export const isAppUrl = (url: string | undefined | null): boolean => {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
  } catch {
    return false;
  }
};

/** Content types of the files the renderer build contains. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export const mimeType = (path: string): string => {
  const dot = path.lastIndexOf('.');
  const ext = dot >= 0 ? path.slice(dot).toLowerCase() : '';
  return MIME_TYPES[ext] ?? 'application/octet-stream';
};

/**
 * Map a URL path to a file path relative to the renderer folder, or null when it is unsafe (traversal,
 * NUL, backslashes, encoded separators) or malformed. '/' → 'index.html'.
 */
export const safeRelativePath = (urlPath: string): string | null => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null;
  return segments.length ? segments.join('/') : 'index.html';
};

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };

/**
 * Sanitize a remembered window state: sane sizes, and drop the position when the window would not be
 * visible on any of the current displays (monitor unplugged).
 */
export const restoreWindowState = (saved: unknown, workAreas: Rect[]): WindowState => {
  const s = (saved && typeof saved === 'object' ? saved : {}) as Partial<Record<keyof WindowState, unknown>>;
  const num = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined;
  const width = Math.min(Math.max(num(s.width) ?? DEFAULT_WINDOW_STATE.width, 640), 10000);
  const height = Math.min(Math.max(num(s.height) ?? DEFAULT_WINDOW_STATE.height, 480), 10000);
  const state: WindowState = { width, height, maximized: s.maximized === true };
  const x = num(s.x);
  const y = num(s.y);
  if (x !== undefined && y !== undefined) {
    const visible = workAreas.some(
      (a) => x + 100 <= a.x + a.width && x + width - 100 >= a.x && y >= a.y - 10 && y + 40 <= a.y + a.height,
    );
    if (visible) {
      state.x = x;
      state.y = y;
    }
  }
  return state;
};

/** BrowserWindow options of the main window. */
export const mainWindowOptions = (
  preloadPath: string,
  state: WindowState,
  dark: boolean,
): BrowserWindowConstructorOptions => ({
  ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
  width: state.width,
  height: state.height,
  minWidth: 640,
  minHeight: 480,
  show: false,
  title: 'VirtDesk',
  backgroundColor: dark ? '#1e1e1e' : '#ffffff',
  autoHideMenuBar: true,
  webPreferences: secureWebPreferences(preloadPath),
});
