/**
 * E2E (renderer), by keyboard: an iSCSI-direct pool made from what "Find targets on host…" found, on the
 * private *system* daemon against the test bed's tgt target (tests/support/iscsi-target.ts) — the server
 * typed, the search run, the found target picked (which fills the target's IQN), the pool created and
 * started with its LUN, checked through a second connection. Screenshots of the dialog with the found
 * target go to $VD_SHOTS_DIR when set (800×600 and 1280×800, light and dark).
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { systemTestEnv } from '../support/env.js';
import { iscsiTargetUnavailable, startIscsiTarget, type IscsiTarget } from '../support/iscsi-target.js';
import { until } from '../support/poll.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
const skip = sys.available ? iscsiTargetUnavailable() : sys.skip;
const TAG = randomBytes(3).toString('hex');
const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

describe.skipIf(skip !== null)(
  `renderer e2e: iSCSI pool from discovery${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const pool = `vdui-iscsi-${TAG}`;
    let app: RunningApp;
    let page: Page;
    let other: LibvirtClient;
    let target: IscsiTarget;

    beforeAll(async () => {
      if (!sys.available) return;
      target = await startIscsiTarget({ nsPid: sys.nsPid, scratchDir: sys.scratchDir });
      other = await openConnection(sys.uri);
      app = await startApp({ connections: [{ name: 'This computer', uri: sys.uri }] });
      page = await (await launchBrowser()).newPage();
      await page.setViewportSize(SIZES[1]);
      await page.goto(app.url);
    }, 180_000);

    afterAll(async () => {
      if (other) {
        const p = await other.storagePoolLookupByName(pool).catch(() => null);
        if (p) {
          await other.storagePoolDestroy(p).catch(() => undefined);
          await other.storagePoolUndefine(p).catch(() => undefined);
        }
        await other.close();
      }
      await stopAll();
      await target?.stop();
    });

    it('finds the target on its host, picks it and creates the pool — by keyboard', async () => {
      await page.getByTestId('vm-search').waitFor();
      await page.getByRole('button', { name: 'Storage', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('storage-page').waitFor();
      await page.getByTestId('storage-new-pool').focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('new-pool-dialog');
      await dialog.waitFor();
      await page.keyboard.type(pool); // the name has focus
      const type = dialog.getByLabel('Type');
      await until('iscsi-direct to be offered', 15_000, async () =>
        (await type.locator('option[value="iscsi-direct"]').count()) > 0 ? true : undefined,
      );
      await type.selectOption('iscsi-direct');
      await dialog.getByLabel('Server').focus();
      await page.keyboard.type(target.host);
      await page.keyboard.press('Tab'); // Port (each test target has its own)
      await page.keyboard.type(String(target.port));

      // The search asks the server typed above; the target is listed, and nothing is filled until picked.
      await dialog.getByTestId('find-sources-button').focus();
      expect(await dialog.getByTestId('find-sources-button').textContent()).toBe('Find targets on host…');
      await page.keyboard.press('Enter');
      const found = dialog.locator('.find-source');
      await found.first().waitFor({ timeout: 30_000 });
      expect(await found.count()).toBe(1);
      expect(await found.first().textContent()).toBe(`${target.iqn}${target.host}:${target.port}`);
      expect(await dialog.getByLabel('Target (IQN)').inputValue()).toBe('');
      await found.first().focus();
      await page.keyboard.press('Enter');
      expect(await dialog.getByLabel('Target (IQN)').inputValue()).toBe(target.iqn);
      expect(await found.first().getAttribute('aria-pressed')).toBe('true');
      expect(await dialog.getByLabel('Port').inputValue()).toBe(String(target.port));
      await reviewShots(page, 'storage-new-pool-iscsi-found', { settleMs: 200 });

      await dialog.getByLabel('Name').focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      await page.locator(`[data-testid="pool-row"][data-name="${pool}"]`).waitFor();
      const ref = await other.storagePoolLookupByName(pool);
      expect(await other.storagePoolIsActive(ref)).toBe(true);
      const vols = await other.storagePoolListAllVolumes(ref, 0);
      expect(vols.map((v) => v.name)).toContain('unit:0:0:1');
    });

    it('says so when the server has no target', async () => {
      await page.getByTestId('storage-new-pool').focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('new-pool-dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Type').selectOption('iscsi-direct');
      await dialog.getByTestId('find-sources-button').focus();
      await page.keyboard.press('Enter');
      await dialog.getByText('Enter the server to ask first.').waitFor();
      await dialog.getByLabel('Server').fill(target.host);
      await dialog.getByLabel('Port').fill('3261');
      await dialog.getByTestId('find-sources-button').focus();
      await page.keyboard.press('Enter');
      await dialog.getByTestId('find-sources-error').waitFor({ timeout: 30_000 });
      expect(await dialog.getByTestId('find-sources-error').textContent()).toContain(
        `Nothing could be found on ${target.host}:3261.`,
      );
      await reviewShots(page, 'storage-new-pool-iscsi-none', { settleMs: 200 });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });
  },
);
