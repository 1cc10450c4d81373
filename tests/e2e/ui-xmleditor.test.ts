/**
 * E2E (renderer): the XML tab by keyboard on a tiny guest with a qcow2 disk — Edit, type into CodeMirror,
 * Ctrl+S shows the diff, Esc goes back, Apply (with a snapshot first) and the change reads back through a
 * second connection; an edit libvirt's validation refuses shows libvirt's words and leaves the definition
 * byte-identical; malformed XML is stopped before the diff; while the VM runs, the running XML is shown
 * read-only and a saved edit "Applies at next boot". Screenshots of the tab and the diff go to
 * $VD_SHOTS_DIR (800x600 and 1280x800, light and dark) when set.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainXMLFlags,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';
import { removeGuest } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots, screenshot } from './ui-helpers.js';

const TAG = randomBytes(3).toString('hex');
describe('renderer e2e: XML editor', () => {
  const env = testEnv();
  const name = uniqueGuestName('ui-xml');
  const poolName = `vd-ui-xml-${TAG}`;
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;
  /** A second connection of our own: what libvirt holds, not what the app's connection cached. */
  let other: LibvirtClient;
  let pool: TestPool;
  let dom: DomainRef;
  const inactiveXml = () => other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE);
  const tab = () => page.getByTestId('vm-xml-tab');
  const mode = () => tab().getAttribute('data-mode');
  const editor = () => page.getByTestId('xml-editor').locator('.cm-content');

  /** Edit → the editor has the focus; `edit` types into it. */
  const startEditing = async () => {
    await page.getByTestId('xml-edit').focus();
    await page.keyboard.press('Enter');
    await expect.poll(mode).toBe('edit');
    await expect.poll(() => editor().evaluate((n) => n === document.activeElement)).toBe(true);
  };
  /** Ctrl+F, find `text`, Escape: the match stays selected; then `insert` replaces it. */
  const replaceFirst = async (text: string, insert: string) => {
    await page.keyboard.press('Control+f');
    const field = page.locator('.cm-search input[name="search"]');
    await field.waitFor();
    await expect.poll(() => field.evaluate((n) => n === document.activeElement)).toBe(true);
    await page.keyboard.type(text); // key by key: the panel takes the query on keyup
    expect(await field.inputValue()).toBe(text);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(() => editor().evaluate((n) => n === document.activeElement)).toBe(true);
    await expect.poll(() => page.evaluate(() => getSelection()?.toString())).toBe(text);
    await page.keyboard.insertText(insert);
  };

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!);
    other = await openConnection(env.qemuUri);
    pool = await createTestPool(client, poolName);
    const disk = await pool.volume(`${name}.qcow2`, 16);
    dom = await client.domainDefineXML(
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        memoryMiB: 128,
        disk,
      }),
    );
    page = await (await launchBrowser()).newPage();
    await page.goto(app.url);
  }, 180_000);

  afterAll(async () => {
    if (client) {
      await removeGuest([client], name);
      await pool?.remove();
    }
    await other?.close().catch(() => undefined);
    await stopAll();
  });

  it('opens the XML tab from the Overview and shows the next-boot XML', async () => {
    await page.getByTestId('vm-search').fill(name);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter');
    await page.getByTestId('vm-overview').waitFor();
    await page.getByTestId('overview-edit-xml').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('vm-xml').textContent()).toContain(`<name>${name}</name>`);
    expect(await page.locator('#tab-xml').getAttribute('aria-selected')).toBe('true');
    // Shut off: no running XML to switch to.
    expect(await page.getByTestId('xml-show-live').count()).toBe(0);
    await reviewShots(page, 'xml-tab', { settleMs: 0, schemeSettleMs: 150 });
  }, 60_000);

  it('edits by keyboard, reviews the diff (Ctrl+S, Esc, Ctrl+S), applies with a snapshot first', async () => {
    const before = await inactiveXml();
    await startEditing();
    await replaceFirst('</uuid>', '</uuid>\n  <description>typed in the XML tab</description>');
    await page.keyboard.press('Control+s');
    await expect.poll(mode).toBe('review');
    const diff = page.getByTestId('xml-diff');
    await expect.poll(() => diff.textContent()).toContain('typed in the XML tab');
    expect(await page.getByTestId('xml-apply').evaluate((n) => n === document.activeElement)).toBe(true);
    await reviewShots(page, 'xml-diff', { settleMs: 0, schemeSettleMs: 150 });
    await screenshot(page, 'xml-diff');

    await page.keyboard.press('Escape');
    await expect.poll(mode).toBe('edit');
    expect(await editor().textContent()).toContain('typed in the XML tab'); // the edit is kept
    await editor().focus();
    await page.keyboard.press('Control+s');
    await expect.poll(mode).toBe('review');

    await page.getByTestId('xml-snapshot-first').focus();
    await page.keyboard.press('Space');
    expect(await page.getByTestId('xml-snapshot-first').isChecked()).toBe(true);
    await page.getByTestId('xml-apply').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(
        () =>
          page
            .getByTestId('xml-saved')
            .textContent()
            .catch(() => ''),
        { timeout: 60_000 },
      )
      .toContain('Saved.');
    expect(await page.getByTestId('xml-saved').textContent()).not.toContain('next boot');
    expect(await mode()).toBe('view');

    const after = await inactiveXml();
    expect(after).not.toBe(before);
    expect(after).toContain('<description>typed in the XML tab</description>');
    const snaps = (await other.domainListAllSnapshots(dom, 0)).map((s) => s.name);
    expect(snaps).toEqual([expect.stringMatching(/^before-xml-edit-\d{4}-\d\d-\d\d-\d{6}$/)]);
    await expect.poll(() => page.getByTestId('vm-xml').textContent()).toContain('typed in the XML tab');
  }, 120_000);

  it('shows libvirt’s refusal of an invalid edit; the VM is unchanged', async () => {
    const before = await inactiveXml();
    await startEditing();
    await replaceFirst('</devices>', '<bogus/>\n  </devices>');
    await page.keyboard.press('Control+s');
    await expect.poll(mode).toBe('review');
    // asked for the last change only
    expect(await page.getByTestId('xml-snapshot-first').isChecked()).toBe(false);
    await page.keyboard.press('Enter'); // Apply has the focus
    const note = page.getByTestId('xml-failure-note');
    await note.waitFor({ timeout: 30_000 });
    expect(await note.evaluate((n) => n.firstChild?.textContent)).toBe(
      `libvirt refused the new definition of “${name}”. The VM is unchanged.`,
    );
    expect(await page.getByTestId('xml-failure-note-detail').textContent()).toMatch(/schema|valid/i);
    await screenshot(page, 'xml-refused');
    expect(await mode()).toBe('edit'); // back to the edit, to fix it
    expect(await inactiveXml()).toBe(before);

    // Malformed XML never gets to the diff.
    await editor().focus();
    await replaceFirst('<bogus/>', '<bogus>');
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => note.evaluate((n) => n.firstChild?.textContent ?? ''))
      .toMatch(/^The XML is not well-formed: .*line \d+/);
    expect(await mode()).toBe('edit');
    // Leaving the tab and coming back resumes the edit.
    await page.locator('#tab-overview').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('vm-overview').waitFor();
    await page.locator('#tab-xml').focus();
    await page.keyboard.press('Enter');
    await expect.poll(mode).toBe('edit');
    await expect.poll(() => editor().evaluate((n) => n === document.activeElement)).toBe(true);
    await page.keyboard.press('Control+End'); // the editor draws only the lines in view
    await expect.poll(() => editor().textContent()).toContain('<bogus>');
    await page.getByTestId('xml-cancel').focus();
    await page.keyboard.press('Enter');
    await expect.poll(mode).toBe('view');
    expect(await inactiveXml()).toBe(before);
  }, 60_000);

  it('while running: the running XML read-only, and an edit applies at next boot', async () => {
    await other.domainCreate(dom);
    try {
      await page.getByTestId('xml-show-live').waitFor({ timeout: 30_000 });
      await page.getByTestId('xml-show-live').focus();
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.getByTestId('vm-xml').textContent())
        .toMatch(/<domain type='\w+' id='\d+'>/);
      expect(await page.getByTestId('xml-edit').isDisabled()).toBe(true);
      await page.getByTestId('xml-show-inactive').focus();
      await page.keyboard.press('Enter');
      await startEditing();
      await replaceFirst('typed in the XML tab', 'changed while running');
      await page.keyboard.press('Control+s');
      await expect.poll(mode).toBe('review');
      await page.getByTestId('xml-apply').focus();
      await page.keyboard.press('Enter');
      await expect
        .poll(
          () =>
            page
              .getByTestId('xml-saved')
              .textContent()
              .catch(() => ''),
          { timeout: 30_000 },
        )
        .toContain('Saved. Applies at next boot.');
      await screenshot(page, 'xml-saved-next-boot');
      expect(await inactiveXml()).toContain('<description>changed while running</description>');
      expect(await other.domainGetXMLDesc(dom, 0)).not.toContain('changed while running');
    } finally {
      await other.domainDestroy(dom).catch(() => undefined);
    }
  }, 90_000);
});
