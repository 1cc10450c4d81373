/**
 * E2E (renderer): the libvirt daemon goes away and comes back — the UI shows the loss ("reconnecting…")
 * and recovers by itself. Uses private daemons of its own (the shared one is not restartable): the
 * connection URI points at a symlink to the daemon's socket; the first daemon is stopped, a second one is
 * started and the symlink re-pointed — for VirtDesk that is the same daemon restarting.
 * Also: a frozen daemon (SIGSTOP) leaves the UI usable, ends reads in words and recovers on SIGCONT;
 * losing VirtDesk's own web server shows the transport banner.
 */
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateDaemon, type PrivateDaemon } from '../support/daemon.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { screenshot, virsh } from './ui-helpers.js';

describe('renderer e2e: daemon loss and recovery', () => {
  const daemons: PrivateDaemon[] = [];
  let linkDir = '';
  let link = '';
  let app: RunningApp;
  let page: Page;

  const status = () => page.getByTestId('conn-status').first().textContent();

  beforeAll(async () => {
    daemons.push(await startPrivateDaemon());
    linkDir = mkdtempSync(join(tmpdir(), 'virtdesk-e2e-sock-'));
    link = join(linkDir, 'libvirt-sock');
    symlinkSync(daemons[0]!.socketPath, link);
    app = await startApp({
      connections: [{ name: 'Flaky daemon', uri: `test+unix:///default?socket=${link}` }],
    });
    const browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(app.url);
    await page.locator('[data-testid=vm-row][data-name="test"]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await stopAll();
    await Promise.allSettled(daemons.map((d) => d.stop()));
    if (linkDir) rmSync(linkDir, { recursive: true, force: true });
  });

  it('stays usable while the daemon is frozen (SIGSTOP) and recovers on SIGCONT', async () => {
    await expect.poll(status).toMatch(/^Connected/);
    const row = page.locator('[data-testid=vm-row][data-name="test"]');
    process.kill(daemons[0]!.pid, 'SIGSTOP');
    try {
      // VirtDesk itself still answers: a full reload boots the app and lists the VM from its cache.
      await page.reload();
      await row.waitFor({ timeout: 30_000 });
      // A read that needs libvirt ends in words (its deadline, or keepalive declaring the connection
      // lost), never in an endless spinner.
      await row.click();
      await page.keyboard.press('Enter');
      const overview = page.getByTestId('vm-overview');
      await overview.waitFor();
      await expect
        .poll(
          async () =>
            (await overview.getByRole('alert').count()) > 0 ||
            /reconnecting…|Connection lost/.test((await status()) ?? ''),
          { timeout: 60_000 },
        )
        .toBe(true);
      await screenshot(page, 'recovery-frozen');
    } finally {
      process.kill(daemons[0]!.pid, 'SIGCONT');
    }
    await expect.poll(status, { timeout: 60_000 }).toMatch(/^Connected/);
    // the page reads again once the daemon answers
    await page.getByTestId('overview-disks').getByRole('listitem').first().waitFor();
    await page.keyboard.press('Alt+ArrowLeft');
    await row.waitFor();
  });

  it('shows the loss while the daemon is gone', async () => {
    await expect.poll(status).toMatch(/^Connected/);
    await daemons[0]!.stop();
    await expect.poll(status, { timeout: 30_000 }).toMatch(/reconnecting…|Connection lost/);
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/Connection to Flaky daemon lost/);
    // it was connected: "lost" (not "could not connect"), and the banner offers to reconnect now
    expect(await banner.getAttribute('data-problem')).toBe('lost');
    await banner.getByRole('button', { name: 'Reconnect' }).waitFor();
    await screenshot(page, 'recovery-lost');
  });

  it('recovers by itself when the daemon is back', async () => {
    const d2 = await startPrivateDaemon();
    daemons.push(d2);
    unlinkSync(link);
    symlinkSync(d2.socketPath, link);
    await expect.poll(status, { timeout: 60_000 }).toMatch(/^Connected/);
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-testid=vm-row][data-name="test"]').waitFor({ timeout: 30_000 });
    // The second view agrees: the restarted daemon serves the same VM.
    expect(virsh(d2.testUri, 'domstate', 'test')).toBe('running');
    expect(await page.locator('[data-testid=vm-row][data-name="test"]').getAttribute('data-state')).toBe(
      'running',
    );
    await screenshot(page, 'recovery-back');
  });

  it("shows VirtDesk's own transport loss", async () => {
    await app.stop();
    await page.getByTestId('transport-banner').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('transport-banner').textContent()).toMatch(/reconnecting/);
    await screenshot(page, 'recovery-transport-lost');
  });
});
