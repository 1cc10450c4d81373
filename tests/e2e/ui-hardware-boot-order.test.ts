/**
 * E2E (renderer): the Boot editor's order by mouse drag and by keyboard (Alt+↑ on the focused row, the
 * move announced in an aria-live region), applied and read back from libvirt through a second connection;
 * then "Take a snapshot first" in the ApplyBar, ticked by keyboard: the snapshot exists in libvirt with the
 * name the outcome shows, holds the config from before the change, and the box is unchecked afterwards.
 * Screenshots of the Boot editor and its ApplyBar go to $VD_SHOTS_DIR when set (800×600 and 1280×800,
 * light and dark).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  constants,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { add, child, parseXml, serializeXml } from '../../electron/libvirt-xml/dom.js';
import { DomainXml, readBoot } from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { removeGuest } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const { DomainXMLFlags } = constants;

describe('renderer e2e: boot order by drag and keyboard, snapshot first', () => {
  const env = testEnv();
  const name = uniqueGuestName('ui-boot');
  const diskPath = path.join(env.scratchDir, `${name}.qcow2`);
  const MAC = '52:54:00:b0:07:01';
  let app: RunningApp;
  let page: Page;
  /** A second connection, not the app's: what libvirt really has. */
  let other: LibvirtClient;
  let dom: DomainRef;
  const inactive = async () => DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
  const bootOrder = async (xml?: DomainXml) =>
    readBoot(xml ?? (await inactive()))
      .devices.filter((d) => d.order !== null)
      .sort((a, b) => a.order! - b.order!)
      .map((d) => d.id);
  const editor = () => page.locator('#hw-editor');
  const list = () => page.getByTestId('hw-boot-list');
  const rows = () =>
    list()
      .locator('li')
      .evaluateAll((lis) => lis.map((l) => l.getAttribute('data-id')));
  const row = (id: string) => list().locator(`li[data-id="${id}"]`);
  const announced = () => page.getByTestId('hw-boot-announce').textContent();
  const applyByKeyboard = async (): Promise<string> => {
    await editor().getByTestId('hw-apply-button').focus();
    await page.keyboard.press('Enter');
    const outcome = editor().getByTestId('hw-outcome');
    await outcome.waitFor({ timeout: 60_000 });
    return (await outcome.textContent()) ?? '';
  };

  beforeAll(async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', diskPath, '16M']);
    fs.chmodSync(diskPath, 0o666);
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    other = await openConnection(env.qemuUri);
    const xml = DomainXml.parse(
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        disk: diskPath,
      }),
    );
    const devices = child(xml.root, 'devices')!;
    add(child(devices, 'disk')!, 'boot', { order: 1 });
    const cdrom = add(devices, 'disk', { type: 'file', device: 'cdrom' });
    add(cdrom, 'target', { dev: 'sda', bus: 'sata' });
    add(cdrom, 'readonly');
    add(cdrom, 'boot', { order: 2 });
    const nic = add(devices, 'interface', { type: 'user' });
    add(nic, 'mac', { address: MAC });
    add(nic, 'model', { type: 'virtio' });
    add(nic, 'boot', { order: 3 });
    dom = await other.domainDefineXML(xml.toString());
    page = await (await launchBrowser()).newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(app.url);
    await page.getByTestId('vm-search').fill(name);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter');
    await page.locator('#tab-hardware').click();
    await page.locator('[data-item="boot"]').focus();
    await page.keyboard.press('Enter');
    await list().waitFor();
  }, 120_000);

  afterAll(async () => {
    await removeGuest([other], name);
    await other?.close().catch(() => undefined);
    await stopAll();
    fs.rmSync(diskPath, { force: true });
  });

  it('reorders by dragging a row with the mouse and by Alt+↑, each move announced; applied, libvirt has it', async () => {
    const nicId = `interface:${MAC}`;
    expect(await rows()).toEqual(['disk:vda', 'disk:sda', nicId]);
    // Drag the NIC onto the first row: it takes the first place.
    await row(nicId).dragTo(row('disk:vda'));
    expect(await rows()).toEqual([nicId, 'disk:vda', 'disk:sda']);
    expect(await announced()).toBe('NIC user (virtio) moved to place 1 of 3.');
    // The keyboard: the CD-ROM up one place; the focus stays on it.
    await page.locator('#hw-boot-disk\\:sda').focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await rows()).toEqual([nicId, 'disk:sda', 'disk:vda']);
    await expect.poll(announced).toBe('CD-ROM sda (sata) moved to place 2 of 3.');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('hw-boot-disk:sda');
    expect(await page.getByTestId('hw-boot-announce').getAttribute('aria-live')).toBe('polite');
    await reviewShots(page, 'hardware-boot-order', { scrollTo: page.getByTestId('hw-boot-list') });
    expect(await applyByKeyboard()).toBe('Saved; it takes effect at the next start.');
    expect(await bootOrder()).toEqual([nicId, 'disk:sda', 'disk:vda']);
  }, 90_000);

  it('takes a snapshot first when asked (by keyboard); the outcome names it, libvirt has it', async () => {
    const box = editor().getByTestId('hw-snapshot-first');
    // A fresh form after the apply: nothing to apply, the box unchecked and disabled.
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
    const orderBefore = await bootOrder();
    await page.locator('#hw-boot-disk\\:vda').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await page.keyboard.press('Alt+ArrowUp');
    const wanted = ['disk:vda', ...orderBefore.filter((id) => id !== 'disk:vda')];
    expect(await rows()).toEqual(wanted);
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
    await reviewShots(page, 'hardware-applybar-snapshot', { scrollTo: page.getByTestId('hw-apply') });
    expect(await applyByKeyboard()).toBe('Saved; it takes effect at the next start.');
    const said = (await editor().getByTestId('hw-outcome-snapshot').textContent()) ?? '';
    const m = /“(before-boot-\d{4}-\d\d-\d\d-\d{6}(?:-\d+)?)”/.exec(said);
    expect(m, said).not.toBeNull();
    const snaps = await other.domainListAllSnapshots(dom, 0);
    expect(snaps.map((s) => s.name)).toEqual([m![1]]);
    // The snapshot holds the definition from before the change; the VM has the new order.
    const snapXml = parseXml(await other.domainSnapshotGetXMLDesc(snaps[0]!, 0));
    expect(await bootOrder(DomainXml.parse(serializeXml(child(snapXml, 'domain')!)))).toEqual(orderBefore);
    expect(await bootOrder()).toEqual(wanted);
    await reviewShots(page, 'hardware-applybar-snapshot-taken', { scrollTo: page.getByTestId('hw-apply') });
    // Asked per change: unchecked again.
    expect(await editor().getByTestId('hw-snapshot-first').isChecked()).toBe(false);
  }, 120_000);

  it('a snapshot libvirt refuses stops the apply with a plain message; the VM is unchanged', async () => {
    // Changed elsewhere meanwhile: the disk is now used as raw, so libvirt can take no internal snapshot
    // (the tab, read before, still offers one).
    const x = await inactive();
    child(child(x.root, 'devices/disk')!, 'driver')!.setAttribute('type', 'raw');
    await other.domainDefineXML(x.toString());
    const before = await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
    const snapsBefore = (await other.domainListAllSnapshots(dom, 0)).map((s) => s.name);
    await page.locator('#hw-boot-disk\\:vda').focus();
    await page.keyboard.press('Alt+ArrowDown');
    const box = editor().getByTestId('hw-snapshot-first');
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
    await editor().getByTestId('hw-apply-button').focus();
    await page.keyboard.press('Enter');
    const note = editor().getByTestId('hw-outcome');
    await note.waitFor({ timeout: 30_000 });
    expect(await note.evaluate((n) => n.firstChild?.textContent)).toBe(
      `Could not take a snapshot of “${name}” first; nothing was changed.`,
    );
    expect(await note.textContent()).toMatch(/raw|internal snapshot/i); // libvirt's own words
    await reviewShots(page, 'hardware-applybar-snapshot-failed', { scrollTo: page.getByTestId('hw-apply') });
    expect(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).toBe(before);
    expect((await other.domainListAllSnapshots(dom, 0)).map((s) => s.name)).toEqual(snapsBefore);
  }, 90_000);
});
