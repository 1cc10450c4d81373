/**
 * E2E (renderer): first run (no saved connection) → add a connection with the dialog (keyboard only) →
 * its VMs are listed; a URI saved already selects the saved one; a URI that does not connect is saved
 * only on "Save Anyway" and then says "Could not connect" in a banner; rename a VM and toggle autostart
 * from the row menu; edit and remove the connection.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { screenshot } from './ui-helpers.js';

describe('renderer e2e: connections', () => {
  let app: RunningApp;
  let page: Page;

  beforeAll(async () => {
    app = await startApp({ connections: [] });
    const browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(app.url);
  });
  afterAll(async () => {
    await stopAll();
  });

  it('offers qemu:///system and qemu:///session on first run', async () => {
    const first = page.getByTestId('first-run');
    await first.waitFor();
    expect(await first.textContent()).toContain('qemu:///system');
    expect(await first.textContent()).toContain('qemu:///session');
    // The readiness check is part of the first run, and reports this machine's /dev/kvm as it is.
    const devKvm = first.getByTestId('readiness-item-dev-kvm');
    await devKvm.waitFor();
    expect(await devKvm.getAttribute('data-status')).toBe(fs.existsSync('/dev/kvm') ? 'pass' : 'fail');
    await screenshot(page, 'first-run');
  });

  it('adds a connection from the dialog using the keyboard only', async () => {
    await page.keyboard.press('Control+n');
    const dialog = page.getByTestId('connection-dialog');
    await dialog.waitFor();
    // The URI field has focus; a bad URI is refused next to the field.
    await page.keyboard.type('not a uri');
    await page.keyboard.press('Enter');
    await dialog.getByText('Not a libvirt URI').waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(testEnv().testUri);
    expect(await dialog.getByText('Not a libvirt URI').count()).toBe(0);
    // Tab through the example chips to the name field.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    await page.keyboard.type('Test driver');
    await screenshot(page, 'connection-dialog');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-testid=vm-row][data-name="test"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('conn-status').first().textContent()).toMatch(/^Connected/);
    const saved = app.core.connections.list();
    expect(saved.map((c) => [c.name, c.uri])).toEqual([['Test driver', testEnv().testUri]]);
  });

  it('refuses a URI saved already and selects the saved connection', async () => {
    const saved = app.core.connections.list()[0]!;
    await page.getByRole('button', { name: 'KVM Readiness', exact: true }).click();
    await page.keyboard.press('Control+n');
    const dialog = page.getByTestId('connection-dialog');
    await dialog.waitFor();
    await page.keyboard.type(testEnv().testUri);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await page
      .getByTestId('toast')
      .getByText('This connection is saved already, as “Test driver”.')
      .waitFor();
    // its VM list is shown and its entry in the sidebar has the focus
    await page.locator('[data-testid=vm-row][data-name="test"]').waitFor();
    const group = page.getByTestId(`conn-${saved.id}`);
    expect(await group.getByRole('button', { name: 'Virtual Machines' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(
      await page.evaluate(() => document.activeElement?.closest('section')?.getAttribute('aria-label')),
    ).toBe('Test driver');
    expect(app.core.connections.list()).toHaveLength(1);
  });

  it('saves a URI that does not connect only on "Save Anyway", then says "Could not connect"', async () => {
    const bad = 'qemu+unix:///session?socket=/nonexistent/e2e-sock';
    await page.keyboard.press('Control+n');
    const dialog = page.getByTestId('connection-dialog');
    await dialog.waitFor();
    await page.keyboard.type(bad);
    await page.keyboard.press('Enter');
    const failed = dialog.getByTestId('connect-failed');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.locator('p').textContent()).toBe(
      `Could not connect to ${bad}. Check the address and that libvirt runs there, or save it and connect later.`,
    );
    // libvirt's words behind Details
    expect(await failed.locator('.mono').isVisible()).toBe(false);
    await failed.locator('summary').click();
    expect(await failed.locator('.mono').textContent()).toMatch(/nonexistent/);
    await screenshot(page, 'connection-dialog-failed');
    // trying again does not save it either
    await dialog.getByRole('button', { name: 'Try Again' }).click();
    await failed.waitFor();
    expect(app.core.connections.list()).toHaveLength(1);
    await dialog.getByTestId('save-anyway').click();
    await dialog.waitFor({ state: 'detached' });
    const added = app.core.connections.list().find((c) => c.uri === bad)!;
    expect(added.status).toMatchObject({ state: 'disconnected', reason: null });
    const group = page.getByTestId(`conn-${added.id}`);
    expect(await group.getByTestId('conn-status').textContent()).toBe('Not connected');
    // connecting it fails: it never was connected, so "Could not connect", not "Connection lost"
    await group.getByRole('button', { name: `Connect ${bad}` }).click();
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getAttribute('data-problem')).toBe('failed');
    expect(await banner.evaluate((n) => n.querySelector('.grow')?.firstChild?.textContent)).toBe(
      `Could not connect to ${bad}`,
    );
    await banner.getByRole('button', { name: 'Try Again' }).waitFor();
    await expect.poll(() => group.getByTestId('conn-status').textContent()).toBe('Could not connect');
    // the banner is in sight: no toast repeats it
    expect(await page.getByTestId('toast-error').count()).toBe(0);
    await screenshot(page, 'connection-could-not-connect');
    // the banner leads to the readiness check of that host
    await banner.getByRole('button', { name: 'Check This Host' }).click();
    await page.getByTestId('readiness').waitFor();
    await app.core.connections.remove(added.id);
    await expect.poll(() => page.locator('section.conn-group').count()).toBe(1);
  });

  it('toggles autostart and renames a VM from the row menu', async () => {
    const row = page.locator('[data-testid=vm-row][data-name="test"]');
    await row.getByTestId('vm-menu').click();
    await page.getByRole('menuitemradio', { name: 'Start on Boot' }).click();
    const id = app.connectionIds[0] ?? app.core.connections.list()[0]!.id;
    await expect
      .poll(async () => (await app.core.vms.list(id)).find((v) => v.name === 'test')?.autostart)
      .toBe(true);
    // rename needs the VM shut off: force it off first (confirmation), then rename
    await row.getByTestId('vm-menu').click();
    await page.getByRole('menuitem', { name: 'Force Off…' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Force Off' }).click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('shutoff');
    await row.getByTestId('vm-menu').click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    const dlg = page.getByTestId('rename-dialog');
    await dlg.waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('renamed-test');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=vm-row][data-name="renamed-test"]').waitFor({ timeout: 30_000 });
    expect((await app.core.vms.list(id)).map((v) => v.name)).toContain('renamed-test');
  });

  it('edits and removes the connection', async () => {
    const group = page.locator('section.conn-group').first();
    await group.getByRole('button', { name: /Connection menu/ }).click();
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    const dialog = page.getByTestId('connection-dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill('Renamed driver');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => group.locator('.conn-header .name').textContent()).toContain('Renamed driver');
    await group.getByRole('button', { name: /Connection menu/ }).click();
    await page.getByRole('menuitem', { name: 'Remove…' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('first-run').waitFor({ timeout: 30_000 });
    expect(app.core.connections.list()).toEqual([]);
  });
});
