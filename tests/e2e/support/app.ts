/**
 * E2E support: VirtDesk in web mode + headless Chromium (playwright-core).
 *
 *   import { startApp, launchBrowser } from '../support/app.js';
 *   const app = await startApp({ connections: [{ name: 'test', uri: testEnv().testUri }] });
 *   const browser = await launchBrowser();
 *   const page = await browser.newPage();
 *   await page.goto(app.url);            // url carries the access token
 *   …
 *   await browser.close(); await app.stop();   // (also done by stopAllApps()/closeAllBrowsers() and at exit)
 *
 * startApp: a fresh temp config dir holding the given connections (autoconnect on by default), a web server
 * on 127.0.0.1:0 serving dist/renderer (run `npm run build` first; `npm test` does), waits until the
 * connections are connected and their VM lists loaded. `app.core` is the in-process Core (call
 * `app.core.dispatch`, `app.core.vms.list(id)` etc. to set up or check state).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Core } from '../../../electron/core/core.js';
import { startWebServer, type WebServer } from '../../../electron/web/server.js';

export interface AppConnection {
  name: string;
  uri: string;
  /** Connect on start (default true). */
  autoconnect?: boolean;
}

export interface StartAppOptions {
  connections?: AppConnection[];
  /** Wait for autoconnect connections to be connected and listed (default true; ms budget 30 s). */
  waitConnected?: boolean;
  /** Fixed token (default random). */
  token?: string;
  /** How long a guest may take to shut down before Force Off is offered (ms; default the core's). */
  shutdownGraceMs?: number;
}

export interface RunningApp {
  /** Page URL with the token: http://127.0.0.1:<port>/?token=… */
  url: string;
  /** Base URL without the token. */
  baseUrl: string;
  token: string;
  port: number;
  core: Core;
  /** The web server's HTTP server (a test can watch its upgrades, e.g. to cut a display's socket). */
  server: WebServer['server'];
  configDir: string;
  /** Ids of the connections, in the order given. */
  connectionIds: string[];
  stop(): Promise<void>;
}

const tempDirs = new Set<string>();
const apps = new Set<RunningApp>();
const browsers = new Set<LaunchedBrowser>();

process.once('exit', () => {
  // Last resort (aborted runs): synchronous removal of what is left.
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

const uuidLike = (i: number): string => `e2e-conn-${i}`;

export async function startApp(opts: StartAppOptions = {}): Promise<RunningApp> {
  const configDir = await mkdtemp(join(tmpdir(), 'virtdesk-e2e-config-'));
  tempDirs.add(configDir);
  const conns = (opts.connections ?? []).map((c, i) => ({
    id: uuidLike(i),
    name: c.name,
    uri: c.uri,
    autoconnect: c.autoconnect ?? true,
  }));
  let web: WebServer | undefined;
  try {
    await writeFile(join(configDir, 'connections.json'), JSON.stringify({ version: 1, connections: conns }), {
      mode: 0o600,
    });
    web = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      configDir,
      ...(opts.token ? { token: opts.token } : {}),
      coreOptions: {
        reconnect: { initialMs: 200, maxMs: 2000 },
        ...(opts.shutdownGraceMs !== undefined ? { shutdownGraceMs: opts.shutdownGraceMs } : {}),
      },
    });
    const core = web.core;
    if (opts.waitConnected ?? true) {
      const deadline = Date.now() + 30_000;
      for (const c of conns.filter((x) => x.autoconnect)) {
        for (;;) {
          const [st] = core.connections.status(c.id);
          if (st?.state === 'connected') break;
          if (Date.now() > deadline) {
            throw new Error(
              `startApp: connection ${c.name} (${c.uri}) did not connect: ${st?.reason ?? st?.state}`,
            );
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        await core.vms.list(c.id);
      }
    }
    const w = web;
    let stopped: Promise<void> | null = null;
    const app: RunningApp = {
      url: w.url,
      baseUrl: `http://127.0.0.1:${w.port}/`,
      token: w.token,
      port: w.port,
      core,
      server: w.server,
      configDir,
      connectionIds: conns.map((c) => c.id),
      stop: () =>
        (stopped ??= (async () => {
          apps.delete(app);
          try {
            await w.close();
          } finally {
            await rm(configDir, { recursive: true, force: true });
            tempDirs.delete(configDir);
          }
        })()),
    };
    apps.add(app);
    return app;
  } catch (e) {
    await web?.close().catch(() => undefined);
    await rm(configDir, { recursive: true, force: true });
    tempDirs.delete(configDir);
    throw e;
  }
}

export interface LaunchedBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  userDataDir: string;
  close(): Promise<void>;
}

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium with a temp profile (removed on close). */
export async function launchBrowser(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'virtdesk-e2e-chromium-'));
  tempDirs.add(userDataDir);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      timeout: 60_000,
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    tempDirs.delete(userDataDir);
    throw e;
  }
  let closed: Promise<void> | null = null;
  const b: LaunchedBrowser = {
    context,
    userDataDir,
    newPage: () => context.newPage(),
    close: () =>
      (closed ??= (async () => {
        browsers.delete(b);
        try {
          await context.close();
        } catch {
          // already gone
        } finally {
          await rm(userDataDir, { recursive: true, force: true });
          tempDirs.delete(userDataDir);
        }
      })()),
  };
  browsers.add(b);
  return b;
}

/** Stop every app and browser still open (use in afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...browsers].map((b) => b.close()));
  await Promise.allSettled([...apps].map((a) => a.stop()));
}
