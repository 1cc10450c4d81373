/**
 * E2E (renderer): the test driver with 1,000 domains in web mode — all listed (virtualized), searchable,
 * sortable, selectable by keyboard; screenshots of the main views in light/dark and zh-CN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { testEnv } from '../support/env.js';
import { launchBrowser, startApp, stopAll, type LaunchedBrowser, type RunningApp } from './support/app.js';
import { screenshot, testUriForFile, writeTestNode, type TestDomain } from './ui-helpers.js';

const COUNT = 1000;

describe('renderer e2e: 1,000 domains on the test driver', () => {
  let app: RunningApp;
  let browser: LaunchedBrowser;
  let page: Page;
  let domains: TestDomain[];

  beforeAll(async () => {
    const env = testEnv();
    const node = writeTestNode(env.scratchDir, COUNT);
    domains = node.domains;
    app = await startApp({
      connections: [{ name: 'Test 1000', uri: testUriForFile(env.testUri, node.path) }],
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.url);
  });
  afterAll(async () => {
    await stopAll();
  });

  it('lists all 1,000 VMs, virtualized', async () => {
    await page
      .getByTestId('vm-count')
      .filter({ hasText: `${COUNT} virtual machines` })
      .waitFor({ timeout: 30_000 });
    const rendered = await page.getByTestId('vm-row').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    await expect.poll(() => page.getByTestId('vm-row').first().getAttribute('data-name')).toBe('e2e-vm-0000');
    // the sidebar count and the connection status
    await expect.poll(() => page.getByTestId('conn-status').first().textContent()).toMatch(/Connected/);
    await screenshot(page, 'list-light');
  });

  it('scrolls to the last VM (keyboard End) and every name is reachable', async () => {
    await page.getByTestId('vm-scroll').focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('[data-testid=vm-row][data-name="e2e-vm-0999"]').count()).toBe(1);
    await expect.poll(() => page.locator('.vm-row.focused').getAttribute('data-name')).toBe('e2e-vm-0999');
    // Scroll through the whole list collecting names: all 1,000 appear.
    const seen = await page.evaluate(async () => {
      const el = document.querySelector<HTMLElement>('[data-testid=vm-scroll]')!;
      const names = new Set<string>();
      el.scrollTop = 0;
      for (;;) {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        document
          .querySelectorAll<HTMLElement>('[data-testid=vm-row]')
          .forEach((r) => names.add(r.dataset.name!));
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
        el.scrollTop += el.clientHeight;
      }
      return [...names];
    });
    expect(new Set(seen)).toEqual(new Set(domains.map((d) => d.name)));
    await page.getByTestId('vm-scroll').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=vm-row][aria-selected=true]').count()).toBe(0);
  });

  it('searches (Ctrl+F) by name and by state', async () => {
    await page.keyboard.press('Control+f');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('vm-search');
    await page.keyboard.type('e2e-vm-0777');
    await expect.poll(() => page.getByTestId('vm-row').count()).toBe(1);
    expect(await page.getByTestId('vm-row').getAttribute('data-name')).toBe('e2e-vm-0777');
    await expect
      .poll(() => page.getByTestId('vm-count').textContent())
      .toBe(`1 of ${COUNT} virtual machines`);
    await screenshot(page, 'list-search');
    await page.getByTestId('vm-search').fill('paused');
    const paused = domains.filter((d) => d.runstate === 3).length;
    await expect
      .poll(() => page.getByTestId('vm-count').textContent())
      .toBe(`${paused} of ${COUNT} virtual machines`);
    await page.getByTestId('vm-search').fill('no-such-vm-anywhere');
    await expect.poll(() => page.getByText('No Results Found').count()).toBe(1);
    await page.getByTestId('vm-search').fill('');
    await expect.poll(() => page.getByTestId('vm-count').textContent()).toBe(`${COUNT} virtual machines`);
  });

  it('sorts by column (memory descending puts the biggest first)', async () => {
    await page.getByTestId('sort-memory').click();
    await page.getByTestId('sort-memory').click();
    const first = await page.getByTestId('vm-row').first().getAttribute('data-name');
    const max = Math.max(...domains.map((d) => d.memoryKiB));
    expect(domains.find((d) => d.name === first)!.memoryKiB).toBe(max);
    await page.getByTestId('sort-name').click();
    await expect.poll(() => page.getByTestId('vm-row').first().getAttribute('data-name')).toBe('e2e-vm-0000');
  });

  it('selects with the keyboard (arrows, Shift, Ctrl+A) and offers bulk actions', async () => {
    await page.getByTestId('vm-scroll').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(() => page.locator('[data-testid=vm-row][aria-selected=true]').count()).toBe(3);
    await expect.poll(() => page.getByTestId('vm-count').textContent()).toBe(`3 of ${COUNT} selected`);
    // e2e-vm-0000 running, 0001 shut off, 0002 paused → each bulk action applies to one of them
    await expect.poll(() => page.getByTestId('bulk-start').textContent()).toContain('(1)');
    await screenshot(page, 'list-selection');
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('vm-count').textContent()).toBe(`${COUNT} of ${COUNT} selected`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=vm-row][aria-selected=true]').count()).toBe(0);
    // Shift+F10 opens the focused row's action menu; arrows move in it, Escape closes it.
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await menu.getByRole('menuitem').first().textContent()).toContain('Open');
    await page.keyboard.press('ArrowDown');
    await screenshot(page, 'list-row-menu');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  });

  it('opens a VM with Enter and shows the Overview, whose Edit XML leads to its XML', async () => {
    await page.getByTestId('vm-scroll').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.getByTestId('vm-overview').waitFor();
    await expect.poll(() => page.getByTestId('header-title').textContent()).toContain('e2e-vm-0000');
    await screenshot(page, 'vm-overview');
    await page.getByTestId('overview-edit-xml').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('vm-xml').textContent()).toContain('<name>e2e-vm-0000</name>');
    await page.keyboard.press('Alt+ArrowLeft');
    await page.getByTestId('vm-scroll').waitFor();
  });

  it('shows the keyboard shortcuts dialog (Ctrl+?) and switches language to zh-CN from the menu', async () => {
    await page.keyboard.press('Control+Shift+Slash');
    await page.getByTestId('shortcuts-dialog').waitFor();
    await screenshot(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('main-menu').click();
    await page.getByRole('menuitemradio', { name: '简体中文' }).click();
    await expect.poll(() => page.getByTestId('vm-count').textContent()).toBe(`${COUNT} 台虚拟机`);
    await screenshot(page, 'list-zh-CN');
    await page.getByTestId('main-menu').click();
    await page.getByRole('menuitemradio', { name: 'English' }).click();
  });

  it('follows prefers-color-scheme: dark', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(34, 34, 38)');
    await screenshot(page, 'list-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
