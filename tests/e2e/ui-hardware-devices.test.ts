/**
 * E2E (renderer): the Hardware tab's disks and NICs on a running tiny guest, by keyboard — add a new
 * volume as a disk and see it in the list (and in libvirt's live and config XML through a second
 * connection), a refused add (target in use, more than the pool has) shows the message on the field and
 * leaves the VM as it was, add a NIC. Screenshots of the forms and editors at 800x600 and 1280x800, light
 * and dark, go to $VD_SHOTS_DIR when set.
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
import { diskDetails, DomainXml, nicDetails } from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const TAG = randomBytes(3).toString('hex');
const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

describe('renderer e2e: Hardware tab, disks and NICs', () => {
  const env = testEnv();
  const name = uniqueGuestName('ui-hw');
  const poolName = `vd-ui-hw-${TAG}`;
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;
  let other: LibvirtClient; // a second connection: what libvirt has
  let pool: TestPool;
  let dom: DomainRef;

  const xmls = async () => [
    DomainXml.parse(await other.domainGetXMLDesc(dom, 0)),
    DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)),
  ];
  const snapshot = async () => (await xmls()).map((x) => x.toString());
  /** Focuses a control and types into it (replacing what it held). */
  const typeInto = async (testIdOrSel: string, text: string) => {
    const el = page.locator(testIdOrSel.startsWith('#') ? testIdOrSel : `[data-testid="${testIdOrSel}"]`);
    await el.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
  };
  /** Focuses a drop-down and moves to the option whose text starts with `text` by typing it. */
  const choose = async (sel: string, value: string) => {
    const el = page.locator(sel);
    await el.focus();
    for (let i = 0; i < 20 && (await el.inputValue()) !== value; i++) await page.keyboard.press('ArrowDown');
    expect(await el.inputValue()).toBe(value);
  };
  const press = async (sel: string, key = 'Enter') => {
    await page.locator(sel).focus();
    await page.keyboard.press(key);
  };

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!);
    other = await openConnection(env.qemuUri);
    pool = await createTestPool(other, poolName);
    ({ dom } = await bootTinyGuest(client, name));
    page = await (await launchBrowser()).newPage();
    await page.setViewportSize(SIZES[1]);
    await page.goto(app.url);
  }, 180_000);

  afterAll(async () => {
    if (other) {
      await removeGuest([other], name);
      await pool?.remove();
      await other.close().catch(() => undefined);
    }
    await stopAll();
  });

  it('adds a new volume as a disk to the running VM, by keyboard', async () => {
    await page.getByTestId('vm-search').fill(name);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter');
    await press('#tab-hardware');
    await page.getByTestId('vm-hardware').waitFor();
    await press('[data-testid="hw-add-disk"]');
    const form = page.getByTestId('hw-add-disk-form');
    await form.waitFor();
    await choose('#hwd-add-pool', poolName);
    await typeInto('hwd-add-name', 'e2e-data.qcow2');
    await typeInto('hwd-add-size', '16');
    await choose('#hwd-add-unit', 'MiB');
    await press('.hwd-advanced summary'); // open "Serial number and driver options"
    await typeInto('hwd-add-serial', 'e2e-disk');
    expect(await form.getByTestId('hw-timing').textContent()).toBe('Now and at next boot');
    await reviewShots(page, 'hwdev-add-disk');
    await press('[data-testid="hw-apply-button"]');
    const item = page.locator('[data-item="disk:vda"]');
    await item.waitFor({ timeout: 60_000 });
    for (const x of await xmls())
      expect(diskDetails(x).find((d) => d.serial === 'e2e-disk')).toMatchObject({
        target: 'vda',
        bus: 'virtio',
        pool: poolName,
        volume: 'e2e-data.qcow2',
        format: 'qcow2',
      });
    expect(await pool.volumeNames()).toEqual(['e2e-data.qcow2']);
    // The new disk is selected, with its editor.
    await page.getByTestId('hw-editor-disk').waitFor();
    await page.getByTestId('hwd-size').getByText('Now 16 MiB').waitFor();
    await reviewShots(page, 'hwdev-disk-editor');
  }, 120_000);

  it('a refused add shows the message on the field and leaves the VM as it was', async () => {
    const before = await snapshot();
    await press('[data-testid="hw-add-disk"]');
    const form = page.getByTestId('hw-add-disk-form');
    await choose('#hwd-add-pool', poolName);
    await typeInto('hwd-add-target', 'vda');
    await press('[data-testid="hw-apply-button"]');
    await form.getByText('already has a disk vda').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#hwd-add-target').getAttribute('aria-invalid')).toBe('true');

    await typeInto('hwd-add-target', '');
    await typeInto('hwd-add-size', '100000'); // GiB: more than the pool's disk has
    await press('[data-testid="hw-apply-button"]');
    await form
      .getByText(/free in the pool/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('#hwd-add-size').getAttribute('aria-invalid')).toBe('true');
    await reviewShots(page, 'hwdev-add-disk-refused');
    expect(await snapshot()).toEqual(before);
    expect(await pool.volumeNames()).toEqual(['e2e-data.qcow2']);
  }, 60_000);

  it('removes the disk after a confirmation naming it; gone live and from the config, the volume stays', async () => {
    await press('[data-item="disk:vda"]');
    await page.getByTestId('hw-editor-disk').waitFor();
    await press('[data-testid="hwd-remove"]');
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Remove Disk vda?');
    expect(await dialog.textContent()).toContain('removed from the running');
    await reviewShots(page, 'hwdev-remove-disk');
    await press('[data-testid="confirm-dialog"] button.destructive');
    await page.locator('[data-item="disk:vda"]').waitFor({ state: 'detached', timeout: 60_000 });
    for (const x of await xmls()) expect(x.disks).toEqual([]);
    expect(await pool.volumeNames()).toEqual(['e2e-data.qcow2']);
  }, 90_000);

  it('adds a user-mode NIC by keyboard; libvirt has it live and in the config', async () => {
    await press('[data-testid="hw-add-nic"]');
    const form = page.getByTestId('hw-add-nic-form');
    await form.waitFor();
    await choose('#hwd-add-nic-type', 'user');
    await typeInto('hwd-add-nic-mac', '52:54:00:e2:e0:01');
    await reviewShots(page, 'hwdev-add-nic');
    await press('[data-testid="hw-apply-button"]');
    await page.locator('[data-item="interface:52:54:00:e2:e0:01"]').waitFor({ timeout: 60_000 });
    for (const x of await xmls())
      expect(nicDetails(x).find((n) => n.mac === '52:54:00:e2:e0:01')).toMatchObject({
        type: 'user',
        model: 'virtio',
      });
    await press('[data-item="interface:52:54:00:e2:e0:01"]');
    await page.getByTestId('hw-editor-nic').waitFor();
    await reviewShots(page, 'hwdev-nic-editor');
  }, 60_000);
});
