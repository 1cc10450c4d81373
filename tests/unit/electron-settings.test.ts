import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import {
  APP_INDEX_URL,
  APP_ORIGIN,
  contentSecurityPolicy,
  isAppUrl,
  mainWindowOptions,
  mimeType,
  restoreWindowState,
  safeRelativePath,
  secureWebPreferences,
  securityHeaders,
} from '../../electron/settings.js';

const directives = (csp: string): Map<string, string[]> =>
  new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

describe('BrowserWindow webPreferences', () => {
  const prefs = secureWebPreferences('/opt/virtdesk/preload.cjs');

  it('sandboxes the renderer and isolates the preload', () => {
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.preload).toBe('/opt/virtdesk/preload.cjs');
  });

  it('is what the main window uses', () => {
    const opts = mainWindowOptions('/p.cjs', { width: 1000, height: 700, maximized: false }, true);
    expect(opts.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
    expect(opts.show).toBe(false);
    expect(opts.x).toBeUndefined();
  });
});

describe('Content-Security-Policy', () => {
  const csp = directives(contentSecurityPolicy());

  it('allows only our own scripts, no eval or inline script', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).not.toContain('unsafe-eval');
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('forbids plugins, framing, form posts and base rewriting', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
  });

  it('lets the page reach only itself and loopback WebSockets (VNC proxy)', () => {
    const connect = csp.get('connect-src')!;
    expect(connect).toContain("'self'");
    for (const src of connect.filter((s) => s !== "'self'"))
      expect(src).toMatch(/^ws:\/\/(127\.0\.0\.1|localhost):\*$/);
    expect(connect.some((s) => /^https?:|^\*$/.test(s))).toBe(false);
  });

  it('is sent with hardening headers', () => {
    const h = securityHeaders();
    expect(h['Content-Security-Policy']).toBe(contentSecurityPolicy());
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['X-Frame-Options']).toBe('DENY');
    expect(h['Referrer-Policy']).toBe('no-referrer');
  });
});

describe('app:// origin', () => {
  it('recognizes only our own origin', () => {
    expect(APP_ORIGIN).toBe('app://virtdesk');
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('app://virtdesk/vms/1')).toBe(true);
    for (const u of [
      'file:///index.html',
      'http://virtdesk/',
      'https://evil.example/',
      'app://evil/',
      'app://virtdesk.evil/',
      'app://user:pw@virtdesk/',
      'about:blank',
      '',
      null,
      undefined,
      'not a url',
    ]) {
      expect(isAppUrl(u), String(u)).toBe(false);
    }
  });

  it('maps URL paths to files without traversal', () => {
    expect(safeRelativePath('/')).toBe('index.html');
    expect(safeRelativePath('/assets/index-abc.js')).toBe('assets/index-abc.js');
    for (const p of [
      '/../etc/passwd',
      '/a/../../b',
      '/%2e%2e/x',
      '/a%2f..%2f..%2fb',
      '/a\\..\\b',
      '/x%00.js',
      '/.git/config',
      '/%E0%A4%A',
    ]) {
      expect(safeRelativePath(p), p).toBeNull();
    }
  });

  it('serves the right MIME types', () => {
    expect(mimeType('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('a/b.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('x.css')).toBe('text/css; charset=utf-8');
    expect(mimeType('x.svg')).toBe('image/svg+xml');
    expect(mimeType('x.woff2')).toBe('font/woff2');
    expect(mimeType('x.wasm')).toBe('application/wasm');
    expect(mimeType('noext')).toBe('application/octet-stream');
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('restores a visible position and sane sizes', () => {
    expect(restoreWindowState({ x: 100, y: 50, width: 1200, height: 800, maximized: true }, screen)).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 800,
      maximized: true,
    });
    expect(restoreWindowState({ width: 10, height: 1e9 }, screen)).toMatchObject({
      width: 640,
      height: 10000,
    });
  });

  it('drops positions on monitors that are gone, and garbage', () => {
    expect(restoreWindowState({ x: 5000, y: 50, width: 800, height: 600 }, screen).x).toBeUndefined();
    expect(restoreWindowState('garbage', screen)).toEqual({ width: 1280, height: 800, maximized: false });
    expect(restoreWindowState({ x: 'a', y: null, width: NaN }, screen)).toEqual({
      width: 1280,
      height: 800,
      maximized: false,
    });
  });
});

describe('preload', () => {
  it('exposes only call/onEvent/chooseIso/chooseFile/platform and unwraps results', async () => {
    const exposed: Record<string, unknown> = {};
    let eventHandler: ((e: unknown, name: unknown, payload: unknown) => void) | undefined;
    const invoke = vi.fn(async (_ch: string, name: string) =>
      name === 'ok'
        ? { ok: true, value: 42 }
        : { ok: false, error: { message: 'Domain not found', code: 'libvirt' } },
    );
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: { invoke, on: (_ch: string, h: typeof eventHandler) => (eventHandler = h) },
    };
    // Run the compiled-on-the-fly CommonJS preload with a fake `electron` module.
    const { transformSync } = await import('esbuild');
    const src = readFileSync(new URL('../../electron/preload.cts', import.meta.url), 'utf8');
    const js = transformSync(src, { loader: 'ts', format: 'cjs' }).code;
    const req = createRequire(import.meta.url);
    const fakeRequire = (id: string) => (id === 'electron' ? fakeElectron : req(id));
    new Function('require', 'exports', 'module', 'process', js)(
      fakeRequire,
      {},
      { exports: {} },
      { platform: 'linux' },
    );

    const api = exposed.virtdesk as {
      call(n: string, i: unknown): Promise<unknown>;
      onEvent(cb: (n: string, p: unknown) => void): () => void;
      chooseIso(i: unknown): Promise<unknown>;
      chooseFile(i: unknown): Promise<unknown>;
      platform: string;
    };
    expect(Object.keys(exposed)).toEqual(['virtdesk']);
    expect(Object.keys(api).sort()).toEqual(['call', 'chooseFile', 'chooseIso', 'onEvent', 'platform']);
    expect(api.platform).toBe('linux');
    expect(await api.call('ok', {})).toBe(42);
    expect(invoke).toHaveBeenCalledWith('vd:call', 'ok', {});
    // the ISO chooser has its own channel; a refusal comes back as the same kind of error
    await expect(api.chooseIso({ title: 'Choose' })).rejects.toMatchObject({ message: 'Domain not found' });
    expect(invoke).toHaveBeenCalledWith('vd:chooseIso', { title: 'Choose' });
    // so has the Storage page's upload/download chooser
    await expect(api.chooseFile({ title: 'Upload', mode: 'open' })).rejects.toMatchObject({
      message: 'Domain not found',
    });
    expect(invoke).toHaveBeenCalledWith('vd:chooseFile', { title: 'Upload', mode: 'open' });
    await expect(api.call('bad', {})).rejects.toMatchObject({ message: 'Domain not found', code: 'libvirt' });
    const seen: unknown[] = [];
    const off = api.onEvent((n, p) => seen.push([n, p]));
    eventHandler?.({}, 'vms.changed', { x: 1 });
    off();
    eventHandler?.({}, 'vms.changed', { x: 2 });
    expect(seen).toEqual([['vms.changed', { x: 1 }]]);
  });
});
