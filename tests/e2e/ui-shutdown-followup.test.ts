/**
 * E2E (renderer): a shutdown the guest ignores. A VM with nothing to boot (the firmware keeps looking, no OS
 * handles the power button) is asked to shut down from its row; after the grace period its state says it did
 * not shut down and its page has a banner offering Force Off, which (after the confirmation) turns it off.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env.js';
import { uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { screenshot, virsh } from './ui-helpers.js';

describe('renderer e2e: a shutdown the guest ignores', () => {
  const env = testEnv();
  const name = uniqueGuestName('e2e-ignores-acpi');
  let app: RunningApp;
  let page: Page;
  const row = () => page.locator(`[data-testid=vm-row][data-name="${name}"]`);
  const domstate = () => virsh(env.qemuUri, 'domstate', name);

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'Session', uri: env.qemuUri }], shutdownGraceMs: 2000 });
    const client = app.core.getClient(app.core.connections.list()[0]!.id);
    await client.domainDefineXML(`<domain type='${env.virtType}'>
  <name>${name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>`);
    const browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(app.url);
    await row().waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    try {
      virsh(env.qemuUri, 'destroy', name);
    } catch {
      // not running
    }
    try {
      virsh(env.qemuUri, 'undefine', name);
    } catch {
      // gone
    }
    await stopAll();
  });

  it('offers Force Off when the guest still runs after the grace period', async () => {
    await row()
      .getByRole('button', { name: `Start ${name}` })
      .click();
    await expect.poll(() => row().getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await row()
      .getByRole('button', { name: `Shut Down ${name}` })
      .click();
    const state = row().locator('.state');
    await expect.poll(() => state.textContent(), { timeout: 20_000 }).toBe('Running — did not shut down');
    expect(domstate()).toBe('running');
    await row().dblclick();
    const banner = page.getByTestId('vm-attention');
    await banner.waitFor();
    expect(await banner.getAttribute('data-kind')).toBe('shutdownOverdue');
    expect(await banner.textContent()).toContain(`“${name}” was asked to shut down but still runs.`);
    await screenshot(page, 'shutdown-overdue');
    await banner.getByRole('button', { name: 'Force Off' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Force Off' }).click();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    expect(domstate()).toBe('shut off');
    expect(await page.getByTestId('overview-state').textContent()).toContain('Shut off');
  });
});
