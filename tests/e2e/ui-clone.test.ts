/**
 * E2E (renderer): clone a shut-off VM from its row menu (the suggested name, Enter): the app opens the
 * copy, and libvirt has it with its own copy of the disk.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { removeGuest } from '../support/guest-life.js';
import { tinyGuestXml } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { isolatedName } from './ui-helpers.js';

const TAG = randomBytes(3).toString('hex');

describe('renderer e2e: clone', () => {
  const env = testEnv();
  const name = `vd-ui-clone-${TAG}`;
  const poolName = `vd-ui-clone-pool-${TAG}`;
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;
  let pool: TestPool;

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!);
    pool = await createTestPool(client, poolName);
    const volPath = await pool.volume(`${name}.qcow2`, 16);
    const disk = volPath;
    await client.domainDefineXML(
      tinyGuestXml({ name, kernel: env.guestKernel, initrd: env.guestInitrd, virtType: env.virtType, disk }),
    );
    page = await (await launchBrowser()).newPage();
    await page.goto(app.url);
  }, 60_000);

  afterAll(async () => {
    if (client) {
      await removeGuest([client], `${name}-clone`);
      await removeGuest([client], name);
      await pool?.remove();
    }
    await stopAll();
  });

  it('clones from the row menu and opens the copy', async () => {
    const row = page.locator(`[data-testid=vm-row][data-name="${name}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByTestId('vm-menu').click();
    await page.getByRole('menuitem', { name: 'Clone…' }).click();
    const dialog = page.getByTestId('clone-dialog');
    await dialog.waitFor();
    expect(await dialog.getByLabel('Name').inputValue()).toBe(`${name}-clone`);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await page
      .getByRole('status')
      .getByText(`${isolatedName(`${name}-clone`)} was created`)
      .waitFor();
    await page.getByTestId('vm-overview').waitFor();
    const copy = await client.domainLookupByName(`${name}-clone`);
    expect(await client.domainGetXMLDesc(copy, 0)).toContain(`${poolName}/${name}-clone.qcow2`);
  }, 90_000);
});
