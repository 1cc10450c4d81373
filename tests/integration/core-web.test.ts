/**
 * Web mode end to end with a real browser: the e2e support module starts VirtDesk (web server + core on the
 * private daemon's test driver) and headless Chromium; a page of the app's own origin talks the contract
 * over /ws with the token, receives pushed events, and a page without the token is refused.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  startApp,
  stopAll,
  type LaunchedBrowser,
  type RunningApp,
} from '../e2e/support/app.js';
import { testEnv } from '../support/env.js';

let app: RunningApp;
let browser: LaunchedBrowser;
const NAME = `vd-web-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  app = await startApp({ connections: [{ name: 'Test driver', uri: testEnv().testUri }] });
  browser = await launchBrowser();
});

afterAll(async () => {
  try {
    const id = app?.connectionIds[0];
    if (id && app.core.connections.status(id)[0]?.state === 'connected') {
      const c = app.core.getClient(id);
      const dom = await c.domainLookupByName(NAME).catch(() => null);
      if (dom) await c.domainUndefineFlags(dom, 0).catch(() => undefined);
    }
  } finally {
    await stopAll();
  }
});

describe('web mode in Chromium', () => {
  it('serves the page with a CSP and speaks the contract over /ws with the token', async () => {
    const page = await browser.newPage();
    const res = await page.goto(app.url);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    const connId = app.connectionIds[0]!;
    const result = await page.evaluate(
      async ({ token, connId, name }) => {
        const ws = new WebSocket(
          `${location.origin.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`,
        );
        const frames: {
          t: string;
          id?: number;
          ok?: boolean;
          value?: unknown;
          name?: string;
          payload?: unknown;
        }[] = [];
        ws.onmessage = (m) => frames.push(JSON.parse(m.data as string));
        await new Promise((r, j) => {
          ws.onopen = r;
          ws.onerror = j;
        });
        const call = (id: number, n: string, input: unknown) => {
          ws.send(JSON.stringify({ t: 'call', id, name: n, input }));
          return new Promise<(typeof frames)[number]>((resolve) => {
            const tick = () => {
              const f = frames.find((x) => x.t === 'result' && x.id === id);
              if (f) resolve(f);
              else setTimeout(tick, 10);
            };
            tick();
          });
        };
        const conns = await call(1, 'connections.list', {});
        const vms = await call(2, 'vms.list', { connectionId: connId });
        const bad = await call(3, 'vms.action', { connectionId: connId, uuid: 'x', action: 'start' });
        return { conns, vms, bad, frames, name };
      },
      { token: app.token, connId, name: NAME },
    );
    expect(result.conns).toMatchObject({ ok: true, value: [{ id: connId, status: { state: 'connected' } }] });
    expect(result.vms.ok).toBe(true);
    expect(result.bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await page.close();
  });

  it('pushes vms.changed to the browser when a VM is defined', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.evaluate(async (token) => {
      const w = window as unknown as { events: unknown[] };
      w.events = [];
      const ws = new WebSocket(
        `${location.origin.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`,
      );
      ws.onmessage = (m) => w.events.push(JSON.parse(m.data as string));
      await new Promise((r) => (ws.onopen = r));
    }, app.token);
    const c = app.core.getClient(app.connectionIds[0]!);
    await c.domainDefineXML(
      `<domain type='test'><name>${NAME}</name><memory>65536</memory><os><type>hvm</type></os></domain>`,
    );
    await page.waitForFunction(
      (name) =>
        (
          window as unknown as {
            events: { t: string; name: string; payload: { upserted: { name: string }[] } }[];
          }
        ).events.some(
          (e) =>
            e.t === 'event' && e.name === 'vms.changed' && e.payload.upserted.some((v) => v.name === name),
        ),
      NAME,
      { timeout: 15_000 },
    );
    await page.close();
  });

  it('moves the token out of the address bar, and a reload of the tab still gets in', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.getByText('Test driver').first().waitFor(); // listed over the authenticated WebSocket
    expect(page.url()).not.toContain(app.token);
    expect(page.url()).not.toContain('token=');
    await page.reload();
    await page.getByText('Test driver').first().waitFor();
    expect(page.url()).not.toContain(app.token);
    await page.close();
  });

  it('refuses the WebSocket without the right token', async () => {
    const page = await browser.newPage();
    await page.goto(app.baseUrl);
    const outcome = await page.evaluate(async () => {
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws?token=wrong`);
      return new Promise<string>((resolve) => {
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      });
    });
    expect(outcome).toBe('refused');
    await page.close();
  });
});
