/**
 * E2E (renderer, web mode) of the ISO library on the session daemon:
 * - the Storage page's "ISO images" section lists an ISO image of a dir pool with the OS its label says;
 * - a volume's Download writes the file and reports the sha256 of what arrived, equal to the file's;
 * - New VM picks an image from the library: the path is filled, its OS preselected, and the VM created
 *   with that image as its CD-ROM (checked in libvirt's definition);
 * - New VM's "Upload a local ISO…" streams a file into a pool in place with the progress bar, and the
 *   uploaded image is selected in the form with its OS.
 * Screenshots (800×600, 1280×800, light and dark) go to $VD_SHOTS_DIR when set.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import { DomainXml } from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { removeGuest } from '../support/guest-life.js';
import { fakeIso, writeFakeIso } from '../support/iso.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const TAG = randomBytes(3).toString('hex');
const MiB = 1024 * 1024;
const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('renderer e2e: ISO library, download, upload in place', () => {
  const env = testEnv();
  const poolName = `vdt-ui-isolib-${TAG}`;
  const vmName = `vdt-isolib-vm-${TAG}`;
  const localDir = path.join(env.scratchDir, `vdt-ui-isolib-local-${TAG}`);
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;
  let pool: TestPool;
  let libraryIso = '';

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!);
    pool = await createTestPool(client, poolName);
    libraryIso = path.join(pool.dir, 'debian-installer.img');
    writeFakeIso(libraryIso, { volumeId: 'Debian 11.6.0 amd64 n' });
    await client.storagePoolRefresh(pool.pool, 0);
    fs.mkdirSync(localDir, { recursive: true });
    page = await (await launchBrowser()).newPage();
    await page.setViewportSize(SIZES[1]);
    await page.goto(app.url);
  }, 120_000);

  afterAll(async () => {
    if (client) await removeGuest([client], vmName);
    await pool?.remove();
    await stopAll();
    fs.rmSync(localDir, { recursive: true, force: true });
  });

  it('the Storage page lists the ISO images with their OS; Download reports the sha256 of the file', async () => {
    await page.getByTestId('vm-search').waitFor();
    await page.getByRole('button', { name: 'Storage', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('storage-page').waitFor();
    const row = page.locator(`[data-testid="iso-row"][data-name="debian-installer.img"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Debian 11');
    expect(await row.textContent()).toContain(poolName);
    await page.locator(`[data-testid="pool-row"][data-name="${poolName}"]`).click();
    await reviewShots(page, 'storage-iso-library', { settleMs: 200 });

    // Download (web mode: a new file on the server), with the check: the reported sha256 is the file's.
    const vol = page.locator('[data-testid="volume-row"][data-name="debian-installer.img"]');
    await vol.click();
    await page.getByTestId('volume-download').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('transfer-dialog');
    await dialog.waitFor();
    const target = path.join(localDir, 'downloaded.img');
    await page.keyboard.type(target);
    await dialog.getByLabel('Check the file: read it back and compare sha256 checksums').check();
    await page.keyboard.press('Enter');
    await dialog.getByTestId('transfer-done').waitFor({ timeout: 60_000 });
    const text = (await dialog.textContent()) ?? '';
    const reported = /\(([0-9a-f]{64})\)/.exec(text)?.[1];
    expect(reported).toBe(sha256(target));
    expect(sha256(target)).toBe(sha256(libraryIso));
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
  });

  it('web mode: the Storage page uploads a file of the browser’s own computer, checked by sha256', async () => {
    const local = path.join(localDir, 'from-this-computer.img');
    fs.writeFileSync(local, randomBytes(24 * MiB));
    await page.getByTestId('volume-upload').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('transfer-dialog');
    await dialog.waitFor();
    await dialog.locator('#transfer-browser-file').setInputFiles(local);
    await dialog.locator('button[type=submit]').click();
    await dialog.getByTestId('transfer-done').waitFor({ timeout: 60_000 });
    const text = (await dialog.textContent()) ?? '';
    expect(text).toMatch(/Uploaded 24\.0 MiB into volume from-this-computer\.img/);
    expect(/\(([0-9a-f]{64})\)/.exec(text)?.[1]).toBe(sha256(local));
    expect(sha256(path.join(pool.dir, 'from-this-computer.img'))).toBe(sha256(local));
    await reviewShots(page, 'storage-upload-from-browser', { settleMs: 200 });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
  });

  it('New VM picks an ISO from the library: path filled, OS preselected, the VM boots from it', async () => {
    await page.keyboard.press('Control+Shift+N');
    const dialog = page.getByTestId('newvm-dialog');
    await dialog.waitFor();
    await page.keyboard.type(vmName);
    const picker = dialog.getByLabel('Or pick from the ISO library');
    await picker.waitFor();
    // Name, OS, size and pool (names are bidi-isolated in the text: strip the marks to compare).
    const options = (await picker.locator('option').allTextContents()).map((o) =>
      o.replace(/[\u2066-\u2069]/g, ''),
    );
    console.log(`library options: ${options.join(' | ')}`);
    expect(options).toContainEqual(
      expect.stringMatching(
        new RegExp(`^debian-installer\\.img — Debian 11 · 34(\\.0)? KiB · pool ${poolName}$`),
      ),
    );
    await picker.selectOption(libraryIso);
    expect(await dialog.locator('#newvm-iso').inputValue()).toBe(libraryIso);
    await expect
      .poll(() => dialog.getByRole('combobox', { name: 'Operating system' }).inputValue())
      .toMatch(/^Debian 11/);
    expect(await dialog.getByTestId('newvm-detected').textContent()).toMatch(/Detected: Debian 11/);
    await reviewShots(page, 'newvm-iso-library', { settleMs: 200 });
    // Created without starting (the fake image boots nothing); its CD-ROM is the library's image.
    await dialog.getByLabel('Start it now').uncheck();
    await dialog.getByTestId('newvm-create').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const dom = await client.domainLookupByName(vmName);
    const xml = DomainXml.parse(await client.domainGetXMLDesc(dom, 0));
    expect(xml.disks.find((d) => d.device === 'cdrom')?.source).toBe(libraryIso);
    expect(xml.toString()).toContain('http://debian.org/debian/11');
  });

  it('New VM uploads a local ISO into a pool in place, with progress, and selects it', async () => {
    // 128 MiB after the descriptor, so the progress bar is seen.
    const local = path.join(localDir, 'ubuntu-22.04.3-live-server-amd64.iso');
    const fd = fs.openSync(local, 'w');
    fs.writeSync(fd, fakeIso({ volumeId: 'HOMEMADE' }));
    const block = randomBytes(MiB);
    for (let i = 0; i < 128; i++) fs.writeSync(fd, block);
    fs.closeSync(fd);

    await page.keyboard.press('Control+Shift+N');
    const dialog = page.getByTestId('newvm-dialog');
    await dialog.waitFor();
    await page.keyboard.type(`${vmName}-2`);
    await dialog.getByTestId('newvm-iso-upload').click();
    const panel = dialog.getByTestId('newvm-iso-upload-panel');
    await panel.waitFor();
    await page.keyboard.type(local); // the file field has the focus
    await panel.getByLabel('Into pool').selectOption(poolName);
    await reviewShots(page, 'newvm-iso-upload', { settleMs: 200 });
    // Enter in the panel uploads; it never creates the VM.
    await panel.getByLabel('File', { exact: true }).focus();
    await page.keyboard.press('Enter');
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          const line = await panel
            .getByTestId('transfer-progress')
            .textContent({ timeout: 100 })
            .catch(() => '');
          if (line) seen.push(line);
          return /of 128\.0 MiB · [\d.]+ \w+\/s · .+ left/.test(line ?? '');
        },
        { timeout: 30_000, interval: 20 },
      )
      .toBe(true);
    await panel.waitFor({ state: 'detached', timeout: 120_000 });
    const uploaded = path.join(pool.dir, 'ubuntu-22.04.3-live-server-amd64.iso');
    expect(await dialog.locator('#newvm-iso').inputValue()).toBe(uploaded);
    expect(fs.statSync(uploaded).size).toBe(fs.statSync(local).size);
    // The library learned of it (the upload announced the change): its OS, from its name.
    await expect
      .poll(
        () =>
          dialog
            .getByTestId('newvm-detected')
            .textContent()
            .catch(() => ''),
        { timeout: 15_000 },
      )
      .toMatch(/Ubuntu 22\.04/);
    expect(await dialog.getByRole('combobox', { name: 'Operating system' }).inputValue()).toMatch(
      /^Ubuntu 22\.04/,
    );
    expect((await app.core.vms.list(app.connectionIds[0]!)).map((v) => v.name)).not.toContain(`${vmName}-2`);
    await reviewShots(page, 'newvm-iso-uploaded', { settleMs: 200 });
    await page.keyboard.press('Escape');
  });

  it('web mode: New VM uploads a file of the browser’s own computer into the pool, and selects it', async () => {
    const local = path.join(localDir, 'debian-11.7.0-amd64-netinst.iso');
    const fd = fs.openSync(local, 'w');
    fs.writeSync(fd, fakeIso({ volumeId: 'Debian 11.7.0 amd64 n' }));
    fs.writeSync(fd, randomBytes(8 * MiB));
    fs.closeSync(fd);

    await page.keyboard.press('Control+Shift+N');
    const dialog = page.getByTestId('newvm-dialog');
    await dialog.waitFor();
    await page.keyboard.type(`${vmName}-3`);
    await dialog.getByTestId('newvm-iso-upload').click();
    const panel = dialog.getByTestId('newvm-iso-upload-panel');
    await panel.waitFor();
    // The browser's file chooser, answered with a file (Chromium reads and streams it, not the server).
    await panel.locator('#iso-upload-browser-file').setInputFiles(local);
    await panel.getByLabel('Into pool').selectOption(poolName);
    await panel.getByTestId('iso-upload-start').click();
    await panel.waitFor({ state: 'detached', timeout: 60_000 });
    const uploaded = path.join(pool.dir, 'debian-11.7.0-amd64-netinst.iso');
    expect(await dialog.locator('#newvm-iso').inputValue()).toBe(uploaded);
    expect(sha256(uploaded)).toBe(sha256(local));
    await expect
      .poll(
        () =>
          dialog
            .getByTestId('newvm-detected')
            .textContent()
            .catch(() => ''),
        { timeout: 15_000 },
      )
      .toMatch(/Debian 11/);
    await page.keyboard.press('Escape');
  });
});
