/**
 * E2E (renderer): migrate a running tiny guest from one host to another through the VM menu's
 * "Migrate…" dialog (two private daemons, each its own libvirt host), keyboard for the form, progress
 * shown while it moves; the app then shows the VM on the new host, and libvirt agrees.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateDaemon } from '../support/daemon.js';
import { testEnv } from '../support/env.js';
import { removeGuest, startSecondHost, bootTinyGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { isolatedName, screenshot } from './ui-helpers.js';

describe('renderer e2e: migrate a VM to another host', () => {
  const env = testEnv();
  const name = uniqueGuestName('ui-mig');
  let other: PrivateDaemon;
  let app: RunningApp;
  let page: Page;
  let here = '';
  let there = '';

  beforeAll(async () => {
    other = await startSecondHost();
    app = await startApp({
      connections: [
        { name: 'Here', uri: env.qemuUri },
        { name: 'There', uri: other.qemuUri },
      ],
    });
    [here, there] = app.connectionIds as [string, string];
    await bootTinyGuest(app.core.getClient(here), name);
    const browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(app.url);
  }, 180_000);

  afterAll(async () => {
    if (app && here && there)
      await removeGuest([() => app.core.getClient(here), () => app.core.getClient(there)], name);
    await stopAll();
    await other?.stop();
  });

  it('moves the running VM with the dialog and then shows it on the new host', async () => {
    await page
      .getByTestId(`conn-${here}`)
      .getByRole('button', { name: /Virtual Machines/ })
      .click();
    const row = page.locator(`[data-testid=vm-row][data-name="${name}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByTestId('vm-menu').click();
    await page.getByRole('menuitem', { name: 'Migrate…' }).click();
    const dialog = page.getByTestId('migrate-dialog');
    await dialog.waitFor();
    // The only other connected host is preselected; the rest by keyboard.
    expect(await dialog.getByLabel('To host').inputValue()).toBe(there);
    await dialog.getByLabel('Bandwidth limit (MiB/s)').focus();
    await page.keyboard.type('16');
    await page.keyboard.press('Tab');
    await page.keyboard.type('127.0.0.1');
    await screenshot(page, 'migrate-dialog');
    await page.keyboard.press('Enter');
    await dialog.getByTestId('migrate-progress').waitFor({ timeout: 10_000 });
    await dialog.getByText(/ of .* sent/).waitFor({ timeout: 20_000 });
    await screenshot(page, 'migrate-progress');
    await dialog.waitFor({ state: 'detached', timeout: 90_000 });
    await page
      .getByRole('status')
      .getByText(`${isolatedName(name)} now runs on There`)
      .waitFor();
    // The VM page now belongs to the new host, and the source list no longer has the VM.
    await page.getByTestId('vm-overview').waitFor();
    expect(await page.getByTestId(`conn-${there}`).locator('[aria-current=page]').count()).toBe(1);
    const moved = await app.core.getClient(there).domainLookupByName(name);
    expect((await app.core.getClient(there).domainGetState(moved)).state).toBe(1);
    await expect(app.core.getClient(here).domainLookupByName(name)).rejects.toThrow(/[Dd]omain not found/);
  }, 150_000);
});
