/**
 * E2E (renderer): the Snapshots tab of a running tiny guest with a qcow2 disk — take a snapshot (the
 * suggested name, Enter), revert to it and delete it, each asked first — and libvirt agrees at each step.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef, LibvirtClient } from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { isolatedName, screenshot } from './ui-helpers.js';

const TAG = randomBytes(3).toString('hex');

describe('renderer e2e: snapshots', () => {
  const env = testEnv();
  const name = uniqueGuestName('ui-snap');
  const poolName = `vd-ui-snap-${TAG}`;
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;
  let pool: TestPool;
  let dom: DomainRef;
  const snapshotNames = async () => (await client.domainListAllSnapshots(dom, 0)).map((s) => s.name);

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!);
    pool = await createTestPool(client, poolName);
    const volPath = await pool.volume(`${name}.qcow2`, 16);
    ({ dom } = await bootTinyGuest(client, name, { disk: volPath }));
    page = await (await launchBrowser()).newPage();
    await page.goto(app.url);
  }, 180_000);

  afterAll(async () => {
    if (client) {
      await removeGuest([client], name);
      await pool?.remove();
    }
    await stopAll();
  });

  it('takes, reverts to and deletes a snapshot', async () => {
    await page.getByTestId('vm-search').fill(name);
    await page.getByTestId('vm-search').press('Enter'); // to the list, first row focused
    await page.keyboard.press('Enter'); // open it
    await page.locator('#tab-snapshots').click();
    const tab = page.getByTestId('vm-snapshots');
    await tab.getByText('No snapshots yet').waitFor();
    await page.getByTestId('snapshot-take').click();
    await page.getByTestId('snapshot-dialog').waitFor();
    await page.keyboard.press('Enter'); // the suggested name
    const row = tab.getByTestId('snapshot-row');
    await row.waitFor({ timeout: 60_000 });
    const snap = (await row.getAttribute('data-name'))!;
    expect(snap).toMatch(/^snapshot-\d{4}-\d\d-\d\d-\d{6}$/);
    expect(await row.textContent()).toContain('current');
    expect(await snapshotNames()).toEqual([snap]);
    await screenshot(page, 'snapshots');

    await row.getByRole('button', { name: `Revert to ${snap}` }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Revert' }).click();
    await page.getByRole('status').getByText(`Reverted to ${snap}`).waitFor({ timeout: 60_000 });
    expect((await client.domainGetState(dom)).state).toBe(1);

    // a second one, taken elsewhere: it shows up when the tab reloads after the next change
    await client.domainSnapshotCreateXML(dom, '<domainsnapshot><name>elsewhere</name></domainsnapshot>');
    await row.getByRole('button', { name: `Delete ${snap}` }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete' }).click();
    const other = tab.locator('[data-testid="snapshot-row"][data-name="elsewhere"]');
    await other.waitFor({ timeout: 30_000 });
    expect(await snapshotNames()).toEqual(['elsewhere']);

    // deleted behind the window's back: the failure is a sentence about the VM, libvirt's words the detail
    await client.domainSnapshotDelete(await client.domainSnapshotLookupByName(dom, 'elsewhere'));
    await other.getByRole('button', { name: 'Delete elsewhere' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete' }).click();
    const toast = page.getByTestId('toast-error');
    await toast.waitFor({ timeout: 30_000 });
    expect(await toast.locator('.msg').evaluate((n) => n.firstChild?.textContent)).toBe(
      `Could not delete snapshot “${isolatedName('elsewhere')}” of “${isolatedName(name)}”.`,
    );
    expect(await toast.getByTestId('toast-detail').textContent()).toMatch(/snapshot/i);
    await tab.getByText('No snapshots yet').waitFor({ timeout: 30_000 });
    expect(await snapshotNames()).toEqual([]);
  }, 150_000);
});
