/**
 * E2E (renderer): a real tiny guest on the private qemu session daemon, driven through the UI in web mode —
 * start, pause, resume, shut down, force off, delete with its qcow2 volume — each step checked in the UI
 * *and* through a second connection (virsh with argument arrays). Also: libvirt's own error message reaches
 * the user.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../support/env.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { isolatedName, screenshot, until, virsh } from './ui-helpers.js';

describe('renderer e2e: lifecycle of a real guest', () => {
  let env: TestEnv;
  let app: RunningApp;
  let page: Page;
  const name = uniqueGuestName('ui');
  const badName = uniqueGuestName('ui-bad');
  const pool = `vdt-ui-pool-${randomBytes(3).toString('hex')}`;
  let poolDir = '';
  let volPath = '';

  const row = () => page.locator(`[data-testid=vm-row][data-name="${name}"]`);
  const domstate = (n = name) => virsh(env.qemuUri, 'domstate', n);
  const uiState = () => page.getByTestId('overview-state').locator('[data-state]').getAttribute('data-state');

  beforeAll(async () => {
    env = testEnv();
    poolDir = join(env.scratchDir, pool);
    mkdirSync(poolDir, { recursive: true });
    chownSync(poolDir, env.daemonUid, env.daemonGid);
    virsh(env.qemuUri, 'pool-create-as', pool, 'dir', '--target', poolDir);
    virsh(env.qemuUri, 'vol-create-as', pool, `${name}.qcow2`, '16M', '--format', 'qcow2');
    volPath = virsh(env.qemuUri, 'vol-path', '--pool', pool, `${name}.qcow2`);
    const xmlFile = join(env.scratchDir, `${name}.xml`);
    writeFileSync(
      xmlFile,
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        disk: volPath,
        title: 'VirtDesk UI e2e guest',
      }),
    );
    virsh(env.qemuUri, 'define', xmlFile);
    // A guest libvirt cannot start (its kernel does not exist): for the error path.
    const badFile = join(env.scratchDir, `${badName}.xml`);
    writeFileSync(
      badFile,
      tinyGuestXml({
        name: badName,
        kernel: join(env.scratchDir, 'no-such-kernel'),
        initrd: env.guestInitrd,
        virtType: env.virtType,
      }),
    );
    virsh(env.qemuUri, 'define', badFile);

    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    const browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(app.url);
    await page.getByTestId('vm-search').fill(name);
    await row().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await stopAll();
    for (const n of [name, badName]) {
      try {
        virsh(env.qemuUri, 'destroy', n);
      } catch {
        /* not running / gone */
      }
      try {
        virsh(env.qemuUri, 'undefine', n);
      } catch {
        /* gone */
      }
    }
    try {
      virsh(env.qemuUri, 'pool-destroy', pool);
    } catch {
      /* gone */
    }
    if (poolDir) rmSync(poolDir, { recursive: true, force: true });
  });

  it('lists the guest as shut off, then starts it from its row', async () => {
    expect(await row().getAttribute('data-state')).toBe('shutoff');
    expect(domstate()).toBe('shut off');
    await row()
      .getByRole('button', { name: `Start ${name}` })
      .click();
    await expect.poll(() => row().getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    expect(domstate()).toBe('running');
    await page
      .getByTestId('toast')
      .filter({ hasText: `“${isolatedName(name)}” started` })
      .waitFor();
    await screenshot(page, 'lifecycle-running');
  });

  it('opens the VM (Enter) and pauses / resumes it from the VM page', async () => {
    await row().click();
    await page.keyboard.press('Enter');
    await page.getByTestId('vm-overview').waitFor();
    await expect.poll(uiState).toBe('running');
    // Only what the state allows: no Start while running.
    expect(await page.getByTestId('action-start').count()).toBe(0);
    await expect.poll(() => page.getByTestId('vm-xml').textContent()).toContain(`<name>${name}</name>`);
    await expect.poll(() => page.getByTestId('overview-disks').textContent()).toContain(volPath);
    await screenshot(page, 'lifecycle-overview');
    await page.getByTestId('action-suspend').click();
    await expect.poll(uiState, { timeout: 30_000 }).toBe('paused');
    expect(domstate()).toBe('paused');
    expect(await page.getByTestId('action-suspend').count()).toBe(0);
    await page.getByTestId('action-resume').click();
    await expect.poll(uiState, { timeout: 30_000 }).toBe('running');
    expect(domstate()).toBe('running');
  });

  it('saves it (managed save) and restores it', async () => {
    await page.getByTestId('action-managedSave').click();
    await expect.poll(uiState, { timeout: 60_000 }).toBe('shutoff');
    expect(domstate()).toBe('shut off');
    expect(virsh(env.qemuUri, 'dominfo', name)).toMatch(/Managed save:\s+yes/);
    // With a saved image the UI offers Restore (not Start).
    expect(await page.getByTestId('action-start').count()).toBe(0);
    await screenshot(page, 'lifecycle-saved');
    await page.getByTestId('action-restore').click();
    await expect.poll(uiState, { timeout: 60_000 }).toBe('running');
    expect(domstate()).toBe('running');
    expect(virsh(env.qemuUri, 'dominfo', name)).toMatch(/Managed save:\s+no/);
  });

  it('shuts it down (ACPI) — the guest powers off', async () => {
    // The guest handles the power button once its acpid runs: retry the request until it takes effect.
    await until(
      async () => {
        if (domstate() === 'shut off') return true;
        await page.getByTestId('action-shutdown').click();
        await until(async () => domstate() === 'shut off', 'ACPI shutdown', 10_000).catch(() => undefined);
        return domstate() === 'shut off';
      },
      'guest shut off',
      90_000,
    );
    await expect.poll(uiState, { timeout: 30_000 }).toBe('shutoff');
  });

  it('resets it and forces it off, each after a confirmation', async () => {
    await page.getByTestId('action-start').click();
    await expect.poll(uiState, { timeout: 60_000 }).toBe('running');
    expect(domstate()).toBe('running');
    // Reset asks first, then the guest keeps running (a hard reset, not a power-off).
    await page.getByTestId('action-reset').click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Reset' }).click();
    await page
      .getByTestId('toast')
      .filter({ hasText: `“${isolatedName(name)}” reset` })
      .waitFor({ timeout: 30_000 });
    expect(domstate()).toBe('running');
    await page.getByTestId('action-destroy').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    await screenshot(page, 'lifecycle-confirm-force-off');
    // Cancel first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(domstate()).toBe('running');
    await page.getByTestId('action-destroy').click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Force Off' }).click();
    await expect.poll(uiState, { timeout: 30_000 }).toBe('shutoff');
    expect(domstate()).toBe('shut off');
  });

  it("says what failed about the VM, with libvirt's own message as the detail", async () => {
    await page.keyboard.press('Alt+ArrowLeft');
    await page.getByTestId('vm-search').fill(badName);
    const bad = page.locator(`[data-testid=vm-row][data-name="${badName}"]`);
    await bad.waitFor();
    await bad.getByRole('button', { name: `Start ${badName}` }).click();
    const toast = page.getByTestId('toast-error');
    await toast.waitFor({ timeout: 30_000 });
    expect(await toast.locator('.msg').evaluate((n) => n.firstChild?.textContent)).toBe(
      `Could not start “${isolatedName(badName)}”.`,
    );
    // libvirt's words are one click away
    const detail = toast.getByTestId('toast-detail');
    expect(await detail.locator('.mono').isVisible()).toBe(false);
    await detail.locator('summary').click();
    expect(await detail.locator('.mono').textContent()).toContain('no-such-kernel');
    await screenshot(page, 'lifecycle-error');
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    expect(domstate(badName)).toBe('shut off');
  });

  it('deletes it together with its volume (Delete key, volume checkbox)', async () => {
    await page.getByTestId('vm-search').fill(name);
    await row().click();
    await page.keyboard.press('Delete');
    const dialog = page.getByTestId('delete-dialog');
    await dialog.waitFor();
    const box = dialog.locator(`[data-testid=delete-volume][data-path="${volPath}"]`);
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    await screenshot(page, 'lifecycle-delete-dialog');
    await dialog.getByTestId('delete-confirm').click();
    await row().waitFor({ state: 'detached', timeout: 30_000 });
    expect(() => virsh(env.qemuUri, 'dominfo', name)).toThrow();
    virsh(env.qemuUri, 'pool-refresh', pool);
    expect(virsh(env.qemuUri, 'vol-list', pool)).not.toContain(`${name}.qcow2`);
  });
});
