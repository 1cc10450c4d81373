/**
 * E2E (renderer), by keyboard: the host's Memory tuning page on the private system daemon — KSM switched
 * on and off with the keyboard (the kernel's /sys/kernel/mm/ksm/run follows), the live graph and the huge
 * page pools shown. This is the real host kernel's KSM: its values are read first and written back at the
 * end, whatever happened. Screenshots at 800x600 and 1280x800, light and dark, go to $VD_SHOTS_DIR.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemTestEnv } from '../support/env.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
const KSM_RUN = '/sys/kernel/mm/ksm/run';
const haveKsm = fs.existsSync(KSM_RUN);
const readRun = (): string => fs.readFileSync(KSM_RUN, 'utf8').trim();

describe.skipIf(!sys.available || !haveKsm)(
  `renderer e2e: host memory tuning${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let app: RunningApp;
    let page: Page;
    let savedRun = '0';

    beforeAll(async () => {
      savedRun = readRun();
      app = await startApp({ connections: [{ name: 'System', uri: sys.available ? sys.uri : '' }] });
      page = await (await launchBrowser()).newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(app.url);
    }, 120_000);

    afterAll(async () => {
      try {
        if (readRun() !== savedRun) fs.writeFileSync(KSM_RUN, savedRun);
      } finally {
        await stopAll();
      }
      expect(readRun()).toBe(savedRun);
    });

    it('toggles KSM by keyboard; the kernel’s run file follows; the pools are shown', async () => {
      await page.getByRole('button', { name: 'Memory tuning' }).click();
      const toggle = page.getByTestId('ksm-switch');
      await toggle.waitFor();
      await page.getByTestId('hugepages-card').waitFor();
      const startOn = readRun() === '1';
      expect(await toggle.getAttribute('aria-checked')).toBe(String(startOn));

      await toggle.focus();
      await page.keyboard.press('Space');
      await page
        .getByTestId('ksm-state')
        .getByText(startOn ? 'Off' : 'On: scanning', { exact: true })
        .waitFor();
      expect(readRun()).toBe(startOn ? '0' : '1');
      expect(await toggle.getAttribute('aria-checked')).toBe(String(!startOn));
      // The graph gets its points while the page polls.
      await page.waitForTimeout(2500);
      await reviewShots(page, 'host-memory');

      // A pool the node has no room for: refused in words before libvirt, the kernel's pool untouched.
      const pool = '/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages';
      const poolBefore = fs.readFileSync(pool, 'utf8').trim();
      const count = page.getByTestId('pool-0-2048-count');
      await count.fill('100000000');
      await count.press('Enter');
      await page
        .getByTestId('pool-0-2048-error')
        .getByText(/^Node 0 has \d+ MiB free: not enough/)
        .waitFor();
      expect(fs.readFileSync(pool, 'utf8').trim()).toBe(poolBefore);
      await page.getByTestId('hugepages-card').scrollIntoViewIfNeeded();
      await reviewShots(page, 'host-memory-pools');

      await toggle.focus();
      await page.keyboard.press('Enter');
      await page
        .getByTestId('ksm-state')
        .getByText(startOn ? 'On: scanning' : 'Off', { exact: true })
        .waitFor();
      expect(readRun()).toBe(startOn ? '1' : '0');
    }, 60_000);
  },
);
