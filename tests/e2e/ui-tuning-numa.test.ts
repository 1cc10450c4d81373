/**
 * E2E (renderer), by keyboard: the Tuning tab's "Guest NUMA and huge pages" section on a stopped tiny
 * guest of the private system daemon — spread it over two cells, ask for 2 MiB huge pages while the host
 * has too few free (the error gives the figures), put cell 1 on normal pages so the rest fits, apply, and
 * find the cells and pages in libvirt's definition through a second connection. The host's 2 MiB pool
 * of node 0 is raised for the test and given back in afterAll. Screenshots at 800x600 and 1280x800,
 * light and dark, go to $VD_SHOTS_DIR when set.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainXMLFlags,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { DomainXml, readGuestNuma } from '../../electron/libvirt-xml/index.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
const POOL = '/sys/devices/system/node/node0/hugepages/hugepages-2048kB';
const have2M = fs.existsSync(`${POOL}/nr_hugepages`);
const read = (file: string): number => Number(fs.readFileSync(file, 'utf8').trim());
/** Free 2 MiB pages the test leaves on node 0: fewer than the guest's 64, more than one cell's 32. */
const FREE = 40;

describe.skipIf(!sys.available || !have2M)(
  `renderer e2e: guest NUMA and huge pages${sys.available ? (have2M ? '' : ' (skipped: no 2 MiB pages on node 0)') : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = uniqueGuestName('ui-tune-numa');
    let app: RunningApp;
    let page: Page;
    let second: LibvirtClient;
    let dom: DomainRef;
    let savedPool: number | null = null;

    beforeAll(async () => {
      if (!sys.available || !have2M) return;
      savedPool = read(`${POOL}/nr_hugepages`);
      const add = FREE - read(`${POOL}/free_hugepages`);
      if (add > 0) fs.writeFileSync(`${POOL}/nr_hugepages`, String(savedPool + add));
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-ui-tuning-numa');
      second = await openConnection(sys.uri);
      dom = await second.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd, vcpus: 2 }));
      app = await startApp({ connections: [{ name: 'System', uri: sys.uri }] });
      page = await (await launchBrowser()).newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(app.url);
    }, 120_000);

    afterAll(async () => {
      if (savedPool !== null) fs.writeFileSync(`${POOL}/nr_hugepages`, String(savedPool));
      if (!sys.available || !have2M) return;
      await second?.domainUndefineFlags(dom).catch(() => {});
      await second?.close().catch(() => {});
      await stopAll();
    });

    it('two cells: too few free 2 MiB pages said with the figures; cell 1 on normal pages fits and is applied', async () => {
      const free = read(`${POOL}/free_hugepages`);
      expect(free).toBeGreaterThanOrEqual(32);
      expect(free).toBeLessThan(64);
      await page.getByTestId('vm-search').fill(name);
      await page.getByTestId('vm-search').press('Enter');
      await page.keyboard.press('Enter');
      await page.locator('#tab-tuning').click();

      const section = page.getByTestId('tune-gnuma');
      await section.waitFor();
      await section.getByTestId('tune-gnuma-none').waitFor();
      await page
        .getByTestId('tune-gnuma-pool-0-2048-free')
        .getByText(String(free), { exact: true })
        .waitFor();

      // "Spread evenly over 2 cells": the count, then Tab to the button and Enter.
      await page.getByTestId('tune-gnuma-spread').focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('2');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('tune-gnuma-cell-0-cpus').inputValue()).toBe('0');
      expect(await page.getByTestId('tune-gnuma-cell-1-cpus').inputValue()).toBe('1');
      expect(await page.getByTestId('tune-gnuma-cell-1-mem').inputValue()).toBe('64');
      // Focus went to the first cell's vCPUs.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'tune-gnuma-cell-0-cpus',
      );

      // 2 MiB huge pages for the whole VM (type-ahead on the drop-down), then Enter in a field: too few.
      await page.getByTestId('tune-gnuma-hugepages').focus();
      await page.keyboard.type('2');
      expect(await page.getByTestId('tune-gnuma-hugepages').inputValue()).toBe('2048');
      await page.getByTestId('tune-gnuma-cell-1-mem').press('Enter');
      await page
        .getByTestId('tune-gnuma-error')
        .getByText(`needs 64 pages of 2 MiB on node 0; node 0 has ${free} free`, { exact: false })
        .waitFor();
      // The error sits below the cells: scrolled into view, the section's top above it.
      await reviewShots(page, 'tuning-guest-numa-too-few', {
        scrollTo: page.getByTestId('tune-gnuma-error'),
      });

      // Cell 1 on normal pages: 32 pages of 2 MiB remain, and node 0 has them.
      await page.getByTestId('tune-gnuma-cell-1-page').focus();
      await page.keyboard.type('N');
      expect(await page.getByTestId('tune-gnuma-cell-1-page').inputValue()).toBe('4');
      await page.getByTestId('tune-gnuma-apply').focus();
      await page.keyboard.press('Enter');
      // The definition's diff comes first, focus on its Apply.
      const review = page.getByTestId('tune-gnuma-review');
      await review.waitFor();
      // Both sides of the diff are drawn (CodeMirror draws only the lines in view, so no text search).
      await expect.poll(() => review.locator('.cm-editor').count()).toBe(2);
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('tune-gnuma-review-apply');
      await reviewShots(page, 'tuning-guest-numa-review', { scrollTo: review });
      await page.keyboard.press('Enter');
      await page
        .getByTestId('tune-gnuma-outcome')
        .getByText('Saved: in effect from the next boot.')
        .waitFor();

      const xml = DomainXml.parse(await second.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
      expect(readGuestNuma(xml)).toEqual({
        cells: [
          { id: 0, cpus: [0], memoryKiB: 65536, hostNodes: null },
          { id: 1, cpus: [1], memoryKiB: 65536, hostNodes: null },
        ],
        hugepages: [
          { sizeKiB: 2048, cells: null },
          { sizeKiB: 4, cells: [1] },
        ],
      });
      await reviewShots(page, 'tuning-guest-numa', {
        scrollTo: page.getByTestId('tune-gnuma'),
        scrollAlign: 'start',
      });

      // The Hardware tab's memory editor: the maximum is now the cells' sum, set here, not there.
      await page.locator('#tab-hardware').click();
      await page.locator('[data-item="memory"]').click();
      const memory = page.getByTestId('hw-editor-memory');
      await memory.getByText('The sum of the 2 guest NUMA cells (Tuning tab)').waitFor();
      await page.locator('#hw-mem-max').fill('512');
      await memory.getByText('This VM’s maximum is the sum of its 2 guest NUMA cells').waitFor();
      expect(await page.getByTestId('hw-apply-button').isDisabled()).toBe(true);
      await reviewShots(page, 'hw-memory-numa', { scrollTo: memory });
    }, 120_000);
  },
);
