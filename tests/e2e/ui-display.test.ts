/**
 * E2E (renderer): the Display tab on the tiny guest (VNC). Paste as typing types exactly the text (Shift
 * included, paced) into the guest's tty1 shell, which runs it — the output is read back from the serial
 * log — on the US layout and on a German one (Debian's real console keymap loaded in the guest, AltGr
 * characters included); a drop says why (another viewer took the display; the socket broke; the VM
 * stopped) and the stopped VM's page offers Start, which brings the display back.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuestApp, type GuestApp } from './support/guest-app.js';
import { sleep, until } from './ui-helpers.js';
import { DomainXml } from '../../electron/libvirt-xml/index.js';
import { guestShell } from '../support/guest-shell.js';

/** A VNC client asking for the display to itself (RFB ClientInit shared-flag 0), as virt-viewer can. */
async function exclusiveViewer(port: number): Promise<net.Socket> {
  const sock = net.connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    waiters.splice(0).forEach((w) => w());
  });
  const read = async (n: number): Promise<Buffer> => {
    while (buf.length < n) await new Promise<void>((r) => waiters.push(r));
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
  await read(12); // "RFB 003.008\n"
  sock.write('RFB 003.008\n');
  const n = (await read(1))[0]!;
  const types = [...(await read(n))];
  if (!types.includes(1)) throw new Error(`the VNC server wants authentication (${types.join(',')})`);
  sock.write(Buffer.from([1])); // None
  expect((await read(4)).readUInt32BE(0)).toBe(0);
  sock.write(Buffer.from([0])); // ClientInit: exclusive
  await read(24); // ServerInit (without the name)
  return sock;
}

describe('renderer e2e: the Display tab on a real guest', () => {
  let g: GuestApp;
  let page: Page;

  beforeAll(async () => {
    g = await startGuestApp('display', { vnc: true });
    page = g.page;
    await g.waitForBoot();
  }, 180_000);
  afterAll(async () => {
    await g?.stop();
  });

  const connected = async (): Promise<void> => {
    await page.locator('[data-testid=vm-display][data-phase=connected]').waitFor({ timeout: 30_000 });
  };

  it('pastes as typing: exactly the text, Shift and all, run by the guest shell', async () => {
    await page.locator(`[data-testid=vm-row][data-name="${g.name}"]`).dblclick();
    await page.locator('#tab-display').click();
    await connected();
    await sleep(1500); // the tty1 shell's prompt
    const text = 'Paste_Test: OK! ABC xyz ~|{}<>?"';
    // the clipboard is not under test: the page reads this text from it
    await page.evaluate((line) => {
      Object.defineProperty(navigator.clipboard, 'readText', {
        value: () => Promise.resolve(line),
        configurable: true,
      });
    }, `echo "[$((6*7))]" '${text}' >/dev/ttyS0\n`);
    await page.getByTestId('display-paste').click();
    await until(
      () => fs.readFileSync(g.serialLog, 'utf8').includes(`[42] ${text}`),
      `"[42] ${text}" on the serial port`,
      30_000,
    );
  }, 60_000);

  it('pastes as typing on a German (QWERTZ, AltGr) guest: its own keymap gives back the text', async () => {
    // Debian's de-latin1-nodeadkeys console keymap, compiled by loadkeys into busybox's binary form and
    // loaded in the guest (keymaps are kernel-wide, so tty1 behind the display uses it).
    const kmap = '/usr/share/keymaps/i386/qwertz/de-latin1-nodeadkeys.kmap.gz';
    const compiled = spawnSync('loadkeys', ['-b', kmap]);
    if (compiled.status !== 0) throw new Error(`loadkeys -b ${kmap}: ${compiled.stderr.toString()}`);
    const b64 = gzipSync(compiled.stdout, { level: 9 }).toString('base64');
    // In short lines: the guest's serial line drops characters of a long burst.
    const lines = b64.match(/.{1,200}/g) ?? [];
    await guestShell(g.client, g.dom, `rm -f /de.b64; dumpkmap > /us.bmap && echo "us=$((40+1))"`, /us=41/);
    for (const [i, part] of lines.entries())
      await guestShell(
        g.client,
        g.dom,
        `echo ${part} >> /de.b64; echo "part=$((${i}+1000))"`,
        new RegExp(`part=${i + 1000}`),
      );
    await guestShell(
      g.client,
      g.dom,
      `base64 -d /de.b64 | gunzip > /de.bmap && loadkmap < /de.bmap && echo "de=$((40+2))"`,
      /de=42/,
    );
    const layout = page.getByLabel('Guest keyboard');
    try {
      await layout.selectOption('de');
      await connected();
      // y/z swapped, AltGr for @ { } [ ] | ~ \, the shifted digits moved, < > on the extra ISO key.
      const text = 'Zyz yZY @{}[]|~<> ?_:; &/=+*#';
      await page.evaluate((line) => {
        Object.defineProperty(navigator.clipboard, 'readText', {
          value: () => Promise.resolve(line),
          configurable: true,
        });
      }, `echo "[$((6*7))]" '${text}' >/dev/ttyS0\n`);
      await page.getByTestId('display-paste').click();
      await until(
        () => fs.readFileSync(g.serialLog, 'latin1').includes(`[42] ${text}`),
        `"[42] ${text}" typed on the German layout, on the serial port`,
        45_000,
      );
    } finally {
      await layout.selectOption('us').catch(() => undefined);
      await guestShell(g.client, g.dom, 'loadkmap < /us.bmap && echo "us=$((40+3))"', /us=43/);
    }
  }, 120_000);

  it('says another viewer took the display, and Reconnect brings it back', async () => {
    const xml = await g.client.domainGetXMLDesc(g.dom, 0);
    const port = Number(DomainXml.parse(xml).graphics.find((g) => g.type === 'vnc')?.attrs.port);
    expect(port).toBeGreaterThan(5899);
    const other = await exclusiveViewer(port);
    try {
      const drop = page.getByTestId('vm-display-drop');
      await drop.waitFor({ timeout: 15_000 });
      expect(await drop.getAttribute('data-reason')).toBe('taken');
      expect(await drop.textContent()).toMatch(/Another viewer took the display/);
      // Reconnect while that viewer still holds the display: refused, and the page says so
      await page.getByTestId('display-reconnect').click();
      const error = page.getByTestId('vm-display-error');
      await error.waitFor({ timeout: 15_000 });
      expect(await error.textContent()).toMatch(
        /^Reconnecting failed: .*another viewer has the display to itself/,
      );
    } finally {
      other.destroy();
    }
    await page.getByTestId('display-reconnect').click();
    await connected();
  }, 60_000);

  it('says the network connection was lost when the display socket breaks, and Reconnect brings it back', async () => {
    // The display's WebSocket, cut at the server without a close frame: what a dropped Wi-Fi or a VPN
    // going down looks like to the browser (close code 1006), while the VM keeps running.
    const displaySockets: Duplex[] = [];
    const watch = (req: IncomingMessage, socket: Duplex): void => {
      if (req.url?.startsWith('/vnc/')) displaySockets.push(socket);
    };
    g.app.server.on('upgrade', watch);
    try {
      // A fresh display session (leave the tab and come back), so its socket is one we watched.
      await page.locator('#tab-overview').click();
      await page.getByTestId('vm-display').waitFor({ state: 'detached' });
      await page.locator('#tab-display').click();
      await connected();
      expect(displaySockets.length).toBeGreaterThan(0);
      for (const s of displaySockets) s.destroy();
      const drop = page.getByTestId('vm-display-drop');
      await drop.waitFor({ timeout: 15_000 });
      expect(await drop.getAttribute('data-reason')).toBe('network');
      expect(await drop.textContent()).toMatch(/The network connection to the display was lost/);
    } finally {
      g.app.server.off('upgrade', watch);
    }
    await page.getByTestId('display-reconnect').click();
    await connected();
  }, 60_000);

  it('goes fullscreen with a toolbar revealed on hover: the send-keys menu opens there', async () => {
    await page.getByTestId('display-fullscreen').click();
    await until(
      () => page.evaluate(() => document.fullscreenElement?.getAttribute('data-testid') === 'vm-display'),
      'fullscreen',
      10_000,
    );
    // the guest's screen takes the focus and the pointer: the toolbar slides away above the top edge…
    const toolbar = page.getByTestId('display-toolbar');
    const screen = (await page.getByTestId('display-screen').boundingBox())!;
    await page.mouse.click(screen.x + screen.width / 2, screen.y + screen.height / 2);
    await until(async () => (await toolbar.boundingBox())!.y < -10, 'the toolbar to hide', 5_000);
    expect(screen.y).toBeLessThan(10); // the screen has the whole height
    // …and comes back when the pointer reaches that edge
    await page.mouse.move(screen.x + screen.width / 2, 2);
    await until(async () => (await toolbar.boundingBox())!.y === 0, 'the toolbar to show', 5_000);
    await page.getByTestId('display-send-keys').click();
    const item = page.getByRole('menuitem', { name: 'Ctrl+Alt+F1', exact: true });
    await item.waitFor();
    // drawn inside the fullscreen element, and on top at its own position
    expect(
      await item.evaluate((e) => {
        const r = e.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return document.fullscreenElement!.contains(e) && e.contains(hit);
      }),
    ).toBe(true);
    await item.click();
    await page
      .locator('[data-testid=vm-display] [role=status]')
      .filter({ hasText: 'Sent Ctrl+Alt+F1' })
      .waitFor({ timeout: 10_000 });
    await page.mouse.move(screen.x + screen.width / 2, 2); // the toolbar again, to leave fullscreen
    await page.getByTestId('display-fullscreen').click();
    await until(() => page.evaluate(() => document.fullscreenElement === null), 'fullscreen to end', 10_000);
  }, 60_000);

  it('connected, at 800×600 and 1280×800: one toolbar line, no overlapping labels', async () => {
    for (const size of [
      { width: 800, height: 600 },
      { width: 1280, height: 800 },
    ]) {
      await page.setViewportSize(size);
      await connected();
      const bar = (await page.getByTestId('display-toolbar').boundingBox())!;
      expect(bar.height).toBeLessThan(56);
      expect(bar.x + bar.width).toBeLessThanOrEqual(size.width + 0.5);
      const dir = process.env.VD_SHOTS_DIR;
      if (dir) {
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.screenshot({
            path: `${dir}/display-connected-${size.width}x${size.height}-${scheme}.png`,
          });
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }
    }
  });

  it('says the VM stopped and offers Start, which shows the display again', async () => {
    await g.client.domainDestroy(g.dom);
    const notRunning = page.getByTestId('display-not-running');
    await notRunning.waitFor({ timeout: 15_000 });
    expect(await notRunning.textContent()).toMatch(/The VM stopped/);
    await page.getByTestId('display-start').click();
    await connected();
  }, 60_000);
});
