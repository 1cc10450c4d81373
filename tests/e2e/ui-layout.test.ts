/**
 * E2E (renderer): the layout holds from 800×600 to 4K — the VM list's Name column keeps its
 * minimum width (less important columns go first), no two labels of a toolbar overlap, the header bar
 * never scrolls away, the sidebar becomes an overlay under 1000 px, dialog buttons stay on screen at 600 px
 * height, the empty list offers New VM — and a name from libvirt holding U+202E is shown isolated, with the
 * VM's UUID, in the delete confirmation. Screenshots go to $VD_SHOTS_DIR when set (light and dark).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env.js';
import { launchBrowser, startApp, stopAll, type LaunchedBrowser, type RunningApp } from './support/app.js';
import { reviewShots, testUriForFile, until, writeTestNode, type TestDomain } from './ui-helpers.js';

const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
const NAME_MIN = 160;
const RLO_NAME = 'report\u202Efdp.exe';
const RLO_UUID = 'b1d10000-0000-4000-8000-00000000202e';

interface TextBox {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The boxes of every visible text run inside `selector` (text nodes measured with a Range). */
const textBoxes = (page: Page, selector: string): Promise<TextBox[]> =>
  page.evaluate((sel) => {
    const out: TextBox[] = [];
    for (const root of document.querySelectorAll(sel)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent?.trim();
        if (!text) continue;
        const el = n.parentElement!;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || el.closest('.sr-only')) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        // clipped by an ancestor with hidden overflow (ellipsis): use the visible part
        let { left, right } = r;
        for (let a: HTMLElement | null = el; a && a !== root.parentElement; a = a.parentElement) {
          const cs = getComputedStyle(a);
          if (cs.overflowX !== 'visible') {
            const ar = a.getBoundingClientRect();
            left = Math.max(left, ar.left);
            right = Math.min(right, ar.right);
          }
        }
        if (right - left <= 0) continue;
        out.push({ text, x: left, y: r.top, w: right - left, h: r.height });
      }
    }
    return out;
  }, selector);

const overlaps = (boxes: TextBox[]): string[] => {
  const bad: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (ox > 1 && oy > 1) bad.push(`"${a.text}" overlaps "${b.text}"`);
    }
  return bad;
};

describe('renderer e2e: layout from 800×600 to 4K, isolated names', () => {
  let app: RunningApp;
  let browser: LaunchedBrowser;
  let page: Page;
  let domains: TestDomain[];

  beforeAll(async () => {
    const env = testEnv();
    const node = writeTestNode(env.scratchDir, 60, 'layout-vm-with-a-rather-long-name');
    const empty = writeTestNode(env.scratchDir, 0, 'layout-empty');
    domains = node.domains;
    app = await startApp({
      connections: [
        { name: 'Layout test', uri: testUriForFile(env.testUri, node.path) },
        { name: 'Empty host', uri: testUriForFile(env.testUri, empty.path) },
      ],
    });
    // A name with a right-to-left override, defined straight through libvirt.
    const c = app.core.getClient(app.connectionIds[0]!);
    await c.domainDefineXML(
      `<domain type='test'><name>${RLO_NAME}</name><uuid>${RLO_UUID}</uuid><memory>262144</memory>` +
        `<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`,
    );
    browser = await launchBrowser({ viewport: SIZES[0] });
    page = await browser.newPage();
    await page.goto(app.url);
    await page.getByTestId('vm-row').first().waitFor({ timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await stopAll();
  });
  afterEach(async (ctx) => {
    if (process.env.VD_SHOTS_DIR && ctx.task.result?.state === 'fail')
      await page.screenshot({
        path: join(process.env.VD_SHOTS_DIR, `failed-${ctx.task.name.slice(0, 40)}.png`),
      });
  });

  /** The VM list of connection `i`, through the sidebar (opened first when it is an overlay). */
  const openVms = async (i = 0): Promise<void> => {
    const toggle = page.getByTestId('sidebar-toggle');
    if (await toggle.isVisible()) {
      await toggle.click();
      await until(async () => (await page.locator('nav.sidebar').boundingBox())?.x === 0, 'sidebar', 5_000);
    }
    await page.getByTestId(`conn-${app.connectionIds[i]}`).locator('.nav-row').first().click();
    await page.getByTestId('vm-search').fill('');
    await page.getByTestId('empty-new-vm').or(page.getByTestId('vm-row').first()).first().waitFor();
    // an overlay sidebar slides out: wait until it is gone (screenshots, clicks beside it)
    await until(
      async () => !(await toggle.isVisible()) || !(await page.locator('nav.sidebar').isVisible()),
      'the sidebar to close',
      5_000,
    );
  };
  const listPage = (): Promise<void> => openVms(0);
  /** A VM's tab: from the list, double-click its row, then the tab. */
  const openVmTab = async (vm: TestDomain, tab: string): Promise<void> => {
    await openVms(0);
    await page.getByTestId('vm-search').fill(vm.name);
    const row = page.locator(`[data-testid=vm-row][data-uuid="${vm.uuid}"]`);
    await expect.poll(() => page.getByTestId('vm-row').count()).toBe(1);
    // by keyboard: Enter in the search selects the first match, Enter on the list opens it
    await page.getByTestId('vm-search').press('Enter');
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('header-title').textContent()).toContain(vm.name);
    await page.locator(`#tab-${tab}`).click();
  };

  it('keeps the Name column at its minimum and drops other columns first, at every size', async () => {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await listPage();
      const widths = await page.evaluate(() => ({
        head: document.querySelector('.vm-head > :nth-child(2)')!.getBoundingClientRect().width,
        cells: [...document.querySelectorAll('.vm-row .cell.name')].map(
          (c) => c.getBoundingClientRect().width,
        ),
        visibleHeads: [...document.querySelectorAll('.vm-head > *')].filter(
          (e) => getComputedStyle(e).display !== 'none',
        ).length,
      }));
      expect(widths.head, `Name header at ${size.width}`).toBeGreaterThanOrEqual(NAME_MIN);
      expect(Math.min(...widths.cells), `Name cells at ${size.width}`).toBeGreaterThanOrEqual(NAME_MIN);
      if (size.width >= 1280) expect(widths.visibleHeads).toBe(8);
      else expect(widths.visibleHeads).toBeLessThan(8);
      // header and rows agree on the columns: the name cell sits under the Name header
      const xs = await page.evaluate(() => [
        document.querySelector('.vm-head > :nth-child(2)')!.getBoundingClientRect().left,
        document.querySelector('.vm-row .cell.name')!.getBoundingClientRect().left,
      ]);
      expect(Math.abs(xs[0]! - xs[1]!)).toBeLessThan(2);
      expect(overlaps(await textBoxes(page, '.vm-list .toolbar, .vm-head'))).toEqual([]);
      expect(overlaps(await textBoxes(page, '.vm-row:first-child'))).toEqual([]);
      await reviewShots(page, 'list', { sizes: 'current' });
    }
  });

  it('no two labels of the Display toolbar overlap at 800 and 1280 px; narrow bars overflow into a menu', async () => {
    const vm = domains[1]!; // shut off
    for (const size of SIZES.slice(0, 2)) {
      await page.setViewportSize(size);
      await openVmTab(vm, 'display');
      const toolbar = page.getByTestId('display-toolbar');
      await toolbar.waitFor();
      await page.getByTestId('display-send-keys').or(page.getByTestId('toolbar-more')).first().waitFor();
      expect(overlaps(await textBoxes(page, '[data-testid=display-toolbar]'))).toEqual([]);
      expect(overlaps(await textBoxes(page, '.headerbar'))).toEqual([]);
      expect(overlaps(await textBoxes(page, '.tabs'))).toEqual([]);
      // the toolbar stays one line inside the window
      const box = (await toolbar.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(size.width + 0.5);
      expect(box.height).toBeLessThan(56);
      // the status page carries its next action
      await page.getByTestId('display-start').waitFor();
      await reviewShots(page, 'display-off', { sizes: 'current' });
    }
    // At 800 px some actions live in the More menu, and are reachable there.
    await page.setViewportSize(SIZES[0]);
    await page.getByTestId('toolbar-more').click();
    await page.locator('.popover [role^=menuitem]').first().waitFor();
    expect(await page.locator('.popover [role^=menuitem]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
  });

  it('keeps the header bar in view whatever scrolls', async () => {
    await page.setViewportSize(SIZES[0]);
    await listPage();
    await page.getByTestId('vm-scroll').focus();
    await page.keyboard.press('End');
    await page.mouse.wheel(0, 5000);
    // programmatic scrolls of the document (what focus changes do) must not move it either
    await page.evaluate(() => {
      document.scrollingElement!.scrollTop = 2000;
      window.scrollBy(0, 2000);
      document.querySelector('#root')!.scrollTop = 2000;
      document.querySelector('.app')!.scrollTop = 2000;
      document.querySelector('.content')!.scrollTop = 2000;
    });
    const header = page.getByTestId('main-headerbar');
    const box = (await header.boundingBox())!;
    expect(box.y).toBe(0);
    const onTop = await page.evaluate(() => {
      const h = document.querySelector('[data-testid=main-headerbar]')!;
      const r = h.getBoundingClientRect();
      return h.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    });
    expect(onTop).toBe(true);
    // the same on a long VM page (overview), scrolled to its end
    await openVmTab(domains[0]!, 'overview');
    await page.locator('.tab-panel').waitFor();
    await page.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement>('.tab-panel, .page')) el.scrollTop = 1e6;
      document.scrollingElement!.scrollTop = 1e6;
    });
    expect((await header.boundingBox())!.y).toBe(0);
  });

  it('every VM tab and host page: header bar in place, no overlapping labels (800 and 1280 px)', async () => {
    const vm = domains[0]!; // running
    for (const size of SIZES.slice(0, 2)) {
      await page.setViewportSize(size);
      for (const tab of ['overview', 'console', 'performance', 'snapshots', 'xml']) {
        await openVmTab(vm, tab);
        await page.locator(`#tab-${tab}[aria-selected=true]`).waitFor();
        await page.waitForTimeout(300);
        expect(overlaps(await textBoxes(page, '.content > .headerbar')), tab).toEqual([]);
        expect(overlaps(await textBoxes(page, '.tabs')), tab).toEqual([]);
        expect(overlaps(await textBoxes(page, '.console-toolbar, .vm-actions')), tab).toEqual([]);
        expect((await page.getByTestId('main-headerbar').boundingBox())!.y).toBe(0);
        await reviewShots(page, `vm-${tab}`, { sizes: 'current' });
      }
      for (const [i, name] of ['host', 'readiness'].entries()) {
        await openVms(0);
        const toggle = page.getByTestId('sidebar-toggle');
        if (await toggle.isVisible()) await toggle.click();
        await page
          .getByTestId(`conn-${app.connectionIds[0]}`)
          .locator('.nav-row')
          .nth(i + 1)
          .click();
        await page.waitForTimeout(500);
        expect(overlaps(await textBoxes(page, '.content > .headerbar')), name).toEqual([]);
        expect((await page.getByTestId('main-headerbar').boundingBox())!.y).toBe(0);
        await reviewShots(page, `host-${name}`, { sizes: 'current' });
      }
    }
  }, 120_000);

  it('turns the sidebar into an overlay under 1000 px, scrolling on its own', async () => {
    await page.setViewportSize(SIZES[0]);
    await listPage();
    const sidebar = page.locator('nav.sidebar');
    expect(await sidebar.isVisible()).toBe(false);
    await page.getByTestId('sidebar-toggle').click();
    await until(async () => (await sidebar.boundingBox())?.x === 0, 'the sidebar to slide in', 5_000);
    expect(await sidebar.isVisible()).toBe(true);
    await reviewShots(page, 'sidebar-open', { sizes: 'current' });
    // navigating closes it
    await page.getByTestId(`conn-${app.connectionIds[1]}`).locator('.nav-row').first().click();
    await page.getByTestId('vm-search').fill('');
    await page.getByTestId('empty-new-vm').or(page.getByTestId('vm-row')).first().waitFor();
    await until(async () => !(await sidebar.isVisible()), 'the sidebar to close', 5_000);
    // wide: always there, no toggle
    await page.setViewportSize(SIZES[1]);
    expect(await sidebar.isVisible()).toBe(true);
    expect(await page.getByTestId('sidebar-toggle').isVisible()).toBe(false);
    const scroll = await page.evaluate(
      () => getComputedStyle(document.querySelector('.sidebar-scroll')!).overflowY,
    );
    expect(scroll).toBe('auto');
  });

  it('offers New VM on an empty host', async () => {
    await page.setViewportSize(SIZES[1]);
    await openVms(1);
    await page.getByTestId('empty-new-vm').click();
    await page.getByTestId('newvm-dialog').waitFor();
    await reviewShots(page, 'newvm-dialog', { sizes: 'current' });
    await page.keyboard.press('Escape');
    await page.getByTestId('newvm-dialog').waitFor({ state: 'detached' });
    await reviewShots(page, 'empty-list', { sizes: 'current' });
  });

  it('keeps dialog buttons on screen at 600 px height', async () => {
    await page.setViewportSize(SIZES[0]);
    await openVms(0);
    await page.keyboard.press('Control+Shift+N');
    const dialog = page.getByTestId('newvm-dialog');
    await dialog.waitFor();
    const create = (await page.getByTestId('newvm-create').boundingBox())!;
    expect(create.y).toBeGreaterThanOrEqual(0);
    expect(create.y + create.height).toBeLessThanOrEqual(600);
    await reviewShots(page, 'newvm-dialog', { sizes: 'current' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows a name holding U+202E isolated, with the UUID, in the delete confirmation', async () => {
    await page.setViewportSize(SIZES[1]);
    await listPage();
    const row = page.locator(`[data-testid=vm-row][data-uuid="${RLO_UUID}"]`);
    await page.getByTestId('vm-search').fill('fdp');
    await row.waitFor();
    // isolated in the list
    const cell = row.locator('bdi.libvirt-name');
    expect(await cell.textContent()).toBe(RLO_NAME);
    await row.click();
    await page.keyboard.press('Delete');
    const dialog = page.getByTestId('delete-dialog');
    await dialog.waitFor();
    const title = dialog.locator('h2');
    const name = title.locator('bdi.libvirt-name');
    expect(await name.textContent()).toBe(RLO_NAME);
    expect(await name.evaluate((e) => getComputedStyle(e).unicodeBidi)).toBe('isolate');
    // the override ends with the name: the title's closing words still come after it, left to right
    const [nameBox, titleText] = await Promise.all([name.boundingBox(), title.textContent()]);
    expect(titleText).toBe(`Delete “${RLO_NAME}”?`);
    const closing = await title.evaluate((h) => {
      const last = h.lastChild!;
      const r = document.createRange();
      r.selectNodeContents(last);
      return { text: last.textContent, left: r.getBoundingClientRect().left };
    });
    expect(closing.text).toBe('”?');
    expect(closing.left).toBeGreaterThanOrEqual(nameBox!.x + nameBox!.width - 1);
    expect(await dialog.getByTestId('confirm-uuid').textContent()).toContain(RLO_UUID);
    expect(await dialog.getByTestId('confirm-bidi').textContent()).toContain('report⟨U+202E⟩fdp.exe');
    await reviewShots(page, 'delete-bidi', { sizes: 'current' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // nothing was deleted
    const c = app.core.getClient(app.connectionIds[0]!);
    expect((await c.domainLookupByUUID(RLO_UUID)).name).toBe(RLO_NAME);
  });
});
