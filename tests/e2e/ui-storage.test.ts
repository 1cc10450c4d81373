/**
 * E2E (renderer), by keyboard: the Storage page of the session connection — create a dir pool and a
 * volume, upload an ISO image with the progress bar (speed, time left) to its end and its checksum
 * check — and libvirt agrees at each step (read through the core's own client). Screenshots of the
 * page and its dialogs at 800×600 and 1280×800, light and dark, go to $VD_SHOTS_DIR when set.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';
import { fakeIso } from '../support/iso.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const TAG = randomBytes(3).toString('hex');
const POOL = `vdt-ui-pool-${TAG}`;
const MiB = 1024 * 1024;

/** Focuses an element and presses a key on it: the keyboard path, located without guessing Tab counts. */
async function press(page: Page, selector: string, key = 'Enter'): Promise<void> {
  await page.locator(selector).focus();
  await page.keyboard.press(key);
}

describe('renderer e2e: storage page', () => {
  const env = testEnv();
  const poolDir = join(env.scratchDir, POOL);
  const localDir = join(env.scratchDir, `vdt-ui-local-${TAG}`);
  const iso = join(localDir, 'tiny-install.iso');
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!);
    // An ISO image big enough (255 MiB) for the progress bar to be seen moving.
    fs.mkdirSync(localDir, { recursive: true });
    const fd = fs.openSync(iso, 'w');
    fs.writeSync(fd, fakeIso({ volumeId: 'VIRTDESK_E2E' }));
    const block = randomBytes(MiB);
    for (let i = 0; i < 255; i++) fs.writeSync(fd, block);
    fs.closeSync(fd);
    page = await (await launchBrowser()).newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(app.url);
  }, 180_000);

  afterAll(async () => {
    const p = await client?.storagePoolLookupByName(POOL).catch(() => null);
    if (p) {
      for (const v of await client.storagePoolListAllVolumes(p, 0).catch(() => []))
        await client.storageVolDelete(v, 0).catch(() => undefined);
      await client.storagePoolDestroy(p).catch(() => undefined);
      await client.storagePoolUndefine(p).catch(() => undefined);
    }
    await stopAll();
    fs.rmSync(localDir, { recursive: true, force: true });
    fs.rmSync(poolDir, { recursive: true, force: true });
  });

  it('creates a dir pool and a volume, uploads an ISO with the progress bar — by keyboard', async () => {
    const nav = page.getByRole('button', { name: 'Storage', exact: true });
    await nav.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('storage-page').waitFor();

    // New pool: name, folder, Enter.
    await press(page, '[data-testid="storage-new-pool"]');
    const poolDialog = page.getByTestId('new-pool-dialog');
    await poolDialog.waitFor();
    await page.keyboard.type(POOL); // the name field has the focus
    await page.locator('#pool-targetPath').focus();
    await page.keyboard.type(poolDir);
    await reviewShots(page, 'storage-new-pool', { sizes: 'current' });
    await page.keyboard.press('Enter');
    await poolDialog.waitFor({ state: 'detached', timeout: 30_000 });
    const row = page.locator(`[data-testid="pool-row"][data-name="${POOL}"]`);
    await row.waitFor();
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    const pool = await client.storagePoolLookupByName(POOL);
    expect(await client.storagePoolIsActive(pool)).toBe(true);
    expect(await client.storagePoolGetAutostart(pool)).toBe(true);

    // New volume: a name, the default 20 GiB qcow2, Enter.
    await press(page, '[data-testid="volume-new"]');
    const volDialog = page.getByTestId('new-volume-dialog');
    await volDialog.waitFor();
    await page.keyboard.type('disk0.qcow2');
    await reviewShots(page, 'storage-new-volume', { sizes: 'current' });
    await page.keyboard.press('Enter');
    await volDialog.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-testid="volume-row"][data-name="disk0.qcow2"]').waitFor();
    const disk0 = await client.storageVolGetInfo(await client.storageVolLookupByName(pool, 'disk0.qcow2'));
    expect(disk0.capacity).toBe(20 * 1024 ** 3);

    // Upload: the path (web mode: a path on the server), Enter; the progress bar moves, then "Checked".
    await press(page, '[data-testid="volume-upload"]');
    const upDialog = page.getByTestId('transfer-dialog');
    await upDialog.waitFor();
    expect(await upDialog.textContent()).toContain(
      'Web mode: the file is read from the server that runs VirtDesk',
    );
    await page.keyboard.type(iso);
    await page.keyboard.press('Enter');
    // Watch the progress line while it runs (it is gone once the upload is done).
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          const text = await upDialog
            .getByTestId('transfer-progress')
            .textContent({ timeout: 100 })
            .catch(() => '');
          const value = await upDialog
            .locator('progress')
            .getAttribute('value', { timeout: 100 })
            .catch(() => null);
          if (text) seen.push(`${value}: ${text}`);
          return Number(value ?? 0) > 0 && /of 255\.0 MiB · [\d.]+ \w+\/s · .+ left/.test(text ?? '');
        },
        { timeout: 30_000, interval: 20 },
      )
      .toBe(true)
      .finally(() => console.log(`progress seen: ${seen.slice(0, 6).join(' | ')}`));
    await reviewShots(page, 'storage-upload-progress', { sizes: 'current' });
    await upDialog.getByTestId('transfer-done').waitFor({ timeout: 120_000 });
    expect(await upDialog.textContent()).toMatch(/Uploaded 255\.0 MiB into volume tiny-install\.iso/);
    expect(await upDialog.textContent()).toContain('Checked: the sha256 of what arrived matches');
    await reviewShots(page, 'storage-upload-done', { sizes: 'current' });
    await page.keyboard.press('Enter'); // Close
    await upDialog.waitFor({ state: 'detached' });
    const isoRow = page.locator('[data-testid="volume-row"][data-name="tiny-install.iso"]');
    await isoRow.waitFor();
    const up = await client.storageVolGetInfo(await client.storageVolLookupByName(pool, 'tiny-install.iso'));
    expect(up.capacity).toBe(fs.statSync(iso).size);

    // Arrow keys move through the volumes; Delete asks first, and says what it deletes.
    await isoRow.focus();
    await page.keyboard.press('ArrowUp');
    await expect
      .poll(() => page.locator('[data-testid="volume-row"][aria-selected="true"]').getAttribute('data-name'))
      .toBe('disk0.qcow2');
    await page.keyboard.press('Delete');
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`${poolDir}/disk0.qcow2`);
    await confirm.getByRole('button', { name: 'Delete', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="volume-row"][data-name="disk0.qcow2"]').waitFor({ state: 'detached' });
    expect((await client.storagePoolListAllVolumes(pool, 0)).map((v) => v.name)).toEqual([
      'tiny-install.iso',
    ]);

    for (const size of [
      { width: 1280, height: 800 },
      { width: 800, height: 600 },
    ]) {
      await page.setViewportSize(size);
      await row.click();
      await reviewShots(page, 'storage-page', { sizes: 'current' });
    }
    await page.setViewportSize({ width: 800, height: 600 });
    await press(page, '[data-testid="volume-upload"]');
    await page.getByTestId('transfer-dialog').waitFor();
    await reviewShots(page, 'storage-upload-dialog', { sizes: 'current' });
    await page.keyboard.press('Escape');
    await press(page, '[data-testid="storage-new-pool"]');
    await page.getByTestId('new-pool-dialog').waitFor();
    await page.locator('#pool-type').selectOption('fs');
    await reviewShots(page, 'storage-new-pool-fs', { sizes: 'current' });
    await page.keyboard.press('Escape');
  });
});
