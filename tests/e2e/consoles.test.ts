/**
 * E2E (consoles): web mode + Chromium against the private daemon with the tiny guest (serial pty + VNC).
 * Serial console: a command's output; a flood (`yes`) with a slowed-down renderer pauses the pty (flow
 * control) while the UI keeps answering. Graphical console: noVNC's canvas shows the guest's screen
 * (compared with the daemon's screenshot); Ctrl+Alt+Del through libvirt send-key. Closing the tabs leaves
 * no virsh process and no proxy listener. Host terminal: a local shell.
 */
import fs from 'node:fs';
import net from 'node:net';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DomainRef } from '../../electron/libvirt/client.js';
import { GUEST_PROMPT } from '../support/guest.js';
import type { RunningApp } from './support/app.js';
import { until } from '../support/poll.js';
import { startGuestApp, type GuestApp } from './support/guest-app.js';

/** Processes whose command line contains all of `words` (from /proc). */
function processesWith(...words: string[]): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      if (words.every((w) => cmd.includes(w))) out.push({ pid: Number(d), cmd });
    } catch {
      // gone
    }
  }
  return out;
}

const terminalText = (page: Page, testId: string): Promise<string> =>
  page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`) as
      (HTMLElement & { vdBufferText?: () => string }) | null;
    return el?.vdBufferText?.() ?? '';
  }, testId);

/** Decode an 8-bit RGB/RGBA, non-interlaced PNG (filters 0-4) → fraction of non-black pixels. */
function pngNonBlackFraction(png: Buffer): { width: number; height: number; fraction: number } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const colorType = png[25]!;
  const bpp = colorType === 6 ? 4 : 3;
  let pos = 8;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    if (png.toString('latin1', pos + 4, pos + 8) === 'IDAT') idat.push(png.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const cur = Buffer.alloc(stride);
  const prev = Buffer.alloc(stride);
  let lit = 0;
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? cur[x - bpp]! : 0;
      const b = prev[x]!;
      const c = x >= bpp ? prev[x - bpp]! : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[x] = (v + p) & 0xff;
    }
    for (let x = 0; x < width; x++) if (cur[x * bpp]! + cur[x * bpp + 1]! + cur[x * bpp + 2]! > 60) lit++;
    cur.copy(prev);
  }
  return { width, height, fraction: lit / (width * height) };
}

describe('e2e: consoles (serial, flow control, VNC display, host terminal)', () => {
  let g: GuestApp;
  let app: RunningApp;
  let page: Page;
  let dom: DomainRef | null = null;
  let name = '';
  let errors: string[] = [];

  beforeAll(async () => {
    g = await startGuestApp('console', { vnc: true });
    ({ app, page, dom, name, errors } = g);
    await g.waitForBoot();
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('serial console: types a command and shows its output', async () => {
    await page.locator(`[data-testid=vm-row][data-name="${name}"]`).dblclick({ timeout: 30_000 });
    await page.locator('#tab-console').click();
    await page.locator('[data-testid=vm-console][data-state=connected]').waitFor({ timeout: 30_000 });
    expect(processesWith('virsh', 'console', dom!.uuid).length).toBe(1);
    await page.locator('[data-testid=vm-console] .xterm').click();
    await page.keyboard.press('Enter');
    await until(
      'a prompt',
      20_000,
      async () => (await terminalText(page, 'vm-console')).includes(GUEST_PROMPT) || undefined,
    );
    await page.keyboard.type('echo vd-$((6*7))-ok\n');
    const text = await until('the command output', 20_000, async () => {
      const t = await terminalText(page, 'vm-console');
      return /^vd-42-ok$/m.test(t) ? t : undefined;
    });
    expect(text).toContain('echo vd-$((6*7))-ok');
  });

  it('serial console: a flood pauses the pty while the UI stays responsive', async () => {
    const mgr = app.core.services.consoles.consoles;
    expect(mgr.statsAll()).toHaveLength(1);
    // A slow renderer (CPU throttled 20x) cannot keep up with `yes`: flow control must pause the pty.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
    try {
      // The TCG guest's UART emits ~30 KB/s: flood long enough to exceed the 256 KiB high watermark.
      await page.keyboard.type('yes vd-flood-line & sleep 60; kill $!\n');
      await until('flow control to pause the pty', 50_000, () => mgr.statsAll()[0]?.paused || undefined);
    } finally {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.detach();
    }
    const st = mgr.statsAll()[0]!;
    if (process.env.VD_E2E_DEBUG) console.log('VDDEBUG paused', JSON.stringify(st));
    expect(st.pauseCount).toBeGreaterThan(0);
    // memory stays bounded: never much more than the high watermark + one batch outstanding
    expect(st.maxUnacked).toBeLessThan(256 * 1024 + 2 * 64 * 1024);

    // Still flooding, renderer at full speed: it catches up, the pty resumes, the page keeps answering.
    const roundTrips: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 5000) {
      const s = Date.now();
      await page.evaluate(() => document.querySelectorAll('button').length);
      roundTrips.push(Date.now() - s);
      await new Promise((r) => setTimeout(r, 100));
    }
    roundTrips.sort((a, b) => a - b);
    const p50 = roundTrips[Math.floor(roundTrips.length / 2)]!;
    if (process.env.VD_E2E_DEBUG) console.log('VDDEBUG round trips', JSON.stringify(roundTrips));
    expect(p50).toBeLessThan(1000);
    const click = Date.now();
    await page.locator('[data-testid=vm-console] .console-toolbar button').last().click();
    await page.locator('.console-search input').waitFor({ timeout: 2000 });
    expect(Date.now() - click).toBeLessThan(2000);
    await page.keyboard.press('Escape');
    expect(mgr.statsAll()[0]!.bytesOut).toBeGreaterThan(st.bytesOut); // output flows again

    // stop the flood (Ctrl+C ends `sleep`, then kill the background `yes`) and use the console again
    await page.locator('[data-testid=vm-console] .xterm').click();
    await page.keyboard.press('Control+C');
    await page.keyboard.type('kill $!\n');
    await until('the console to answer after the flood', 60_000, async () => {
      await page.keyboard.type('echo vd-after-$((1+1))\n');
      await new Promise((r) => setTimeout(r, 1000));
      return /^vd-after-2$/m.test(await terminalText(page, 'vm-console')) || undefined;
    });
    await until(
      'the renderer to acknowledge everything',
      10_000,
      () => !mgr.statsAll()[0]!.paused || undefined,
    );
  });

  it('graphical console: the canvas shows the guest screen; Ctrl+Alt+Del is sent', async () => {
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.locator('#tab-display').click();
    await page
      .locator('[data-testid=vm-display][data-phase=connected], [data-testid=vm-display][data-phase=error]')
      .waitFor({ timeout: 30_000 });
    if ((await page.getByTestId('vm-display').getAttribute('data-phase')) === 'error')
      throw new Error(`display failed: ${await page.getByTestId('vm-display-error').textContent()}`);
    // no virsh left from the serial console tab
    await until(
      'virsh to exit',
      10_000,
      () => processesWith('virsh', 'console', dom!.uuid).length === 0 || undefined,
    );
    // A browser reaches the display through web mode's own port (one forwarded port is enough).
    expect(sockets.filter((u) => u.includes('/vnc/'))).toEqual([
      expect.stringMatching(new RegExp(`^ws://127\\.0\\.0\\.1:${app.port}/vnc/[A-Za-z0-9_-]{43}$`)),
    ]);
    const canvasInfo = await until('guest pixels on the canvas', 30_000, async () => {
      const r = await page.evaluate(() => {
        const c = document.querySelector('[data-testid=display-screen] canvas') as HTMLCanvasElement | null;
        if (!c || c.width === 0) return null;
        const ctx = c.getContext('2d');
        if (!ctx) return null;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 60) lit++;
        return { width: c.width, height: c.height, fraction: lit / (c.width * c.height) };
      });
      return r && r.fraction > 0.001 ? r : undefined;
    });
    // the daemon's screenshot of the same screen: same size, similar amount of text
    const session = app.core.sessions.all()[0]!;
    const shot = await app.core.dispatch(session, 'display.screenshot', {
      connectionId: app.connectionIds[0],
      vmUuid: dom!.uuid,
    });
    expect(shot.ok).toBe(true);
    const png = Buffer.from((shot as { value: { base64: string } }).value.base64, 'base64');
    const daemon = pngNonBlackFraction(png);
    expect({ width: daemon.width, height: daemon.height }).toEqual({
      width: canvasInfo.width,
      height: canvasInfo.height,
    });
    expect(daemon.fraction).toBeGreaterThan(0.001);
    expect(Math.abs(daemon.fraction - canvasInfo.fraction)).toBeLessThan(Math.max(0.02, daemon.fraction));

    const stats = app.core.services.consoles.proxyStats();
    expect(stats?.activeConnections).toBe(1);

    await page.getByTestId('display-send-keys').click();
    await page.getByRole('menuitem', { name: 'Ctrl+Alt+Del' }).click();
    await page
      .locator('[data-testid=vm-display] [role=status]')
      .filter({ hasText: 'Sent Ctrl+Alt+Del' })
      .waitFor({
        timeout: 10_000,
      });
  });

  it('closing the tabs leaves no virsh process and no proxy listener', async () => {
    const port = app.core.services.consoles.proxyStats()?.port;
    expect(port).toBeGreaterThan(0);
    await page.locator('#tab-overview').click();
    // (at once after a used connection closes; an unused token expires after 30 s)
    await until('the proxy to close', 35_000, () =>
      app.core.services.consoles.proxyStats() === null ? true : undefined,
    );
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: port! });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(processesWith('virsh', 'console', dom!.uuid)).toEqual([]);
    expect(app.core.services.consoles.consoles.statsAll()).toEqual([]);
  });

  it('host terminal: a local shell', async () => {
    await page.locator('.nav-row', { hasText: 'Terminal' }).first().click();
    await page.locator('[data-testid=host-terminal][data-state=connected]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=host-terminal] .xterm').click();
    await page.keyboard.type('echo vd-host-$((2+3))\n');
    await until(
      'the host shell output',
      20_000,
      async () => /^vd-host-5$/m.test(await terminalText(page, 'host-terminal')) || undefined,
    );
    await page.locator('.nav-row', { hasText: 'Virtual Machines' }).first().click();
    await until('the host shell to be closed', 10_000, () =>
      app.core.services.consoles.consoles.statsAll().length === 0 ? true : undefined,
    );
    expect(errors).toEqual([]);
  });
});
