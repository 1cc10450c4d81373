/**
 * E2E (renderer): create a VM with the New VM dialog by keyboard on the private QEMU session daemon —
 * the install ISO's OS is detected from its label (real osinfo-db), sizes follow the OS, the disk goes to
 * the storage pool — and the VM runs afterwards, as libvirt confirms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { removeGuest } from '../support/guest-life.js';
import { writeFakeIso } from '../support/iso.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { isolatedName, screenshot } from './ui-helpers.js';

const TAG = randomBytes(3).toString('hex');

describe.skipIf(!fs.existsSync('/usr/share/osinfo/os'))('renderer e2e: New VM', () => {
  const env = testEnv();
  // Short: the guest-agent socket path (under the daemon's deep temp folder) must fit a UNIX socket.
  const name = `vdu-${TAG}`;
  const poolName = `vd-ui-nv-pool-${TAG}`;
  const iso = path.join(env.scratchDir, `ui-debian-${TAG}.iso`);
  let app: RunningApp;
  let page: Page;
  let pool: TestPool;

  beforeAll(async () => {
    writeFakeIso(iso, { volumeId: 'Debian 11.6.0 amd64 n' });
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    const c = app.core.getClient(app.connectionIds[0]!);
    pool = await createTestPool(c, poolName);
    page = await (await launchBrowser()).newPage();
    await page.goto(app.url);
  }, 60_000);

  afterAll(async () => {
    const c = app?.core.getClient(app.connectionIds[0]!);
    if (c) {
      await removeGuest([c], name);
      await pool?.remove();
    }
    await stopAll();
    fs.rmSync(iso, { force: true });
  });

  /** The New VM dialog from the list, filled for a small VM from `isoPath` (the OS detected first). */
  const smallNewVm = async (vmName: string, isoPath: string) => {
    await page.goto(app.url); // from wherever the last test left the page (a display takes the keyboard)
    await page.getByTestId('vm-search').waitFor();
    await page.keyboard.press('Control+Shift+N');
    const dialog = page.getByTestId('newvm-dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill(vmName);
    await dialog.getByLabel(/Install from ISO/).fill(isoPath);
    await dialog.getByTestId('newvm-detected').waitFor({ timeout: 10_000 });
    await dialog.getByLabel('Memory (MiB)').fill('256');
    await dialog.getByLabel('CPUs').fill('1');
    await dialog.getByLabel('Disk size (GiB)').fill('0.0625');
    return dialog;
  };

  it('Enter in the OS search picks the first match and never submits the dialog', async () => {
    const before = (await app.core.vms.list(app.connectionIds[0]!)).map((v) => v.uuid).sort();
    await page.getByTestId('vm-search').waitFor();
    await page.keyboard.press('Control+Shift+N');
    const dialog = page.getByTestId('newvm-dialog');
    await dialog.waitFor();
    await page.keyboard.type(`${name}e`);
    const os = dialog.getByRole('combobox', { name: 'Operating system' });
    await os.fill('debian');
    const first = dialog.locator('#newvm-os-list [role=option]').first();
    await first.waitFor();
    const firstName = (await first.evaluate((e) => e.firstChild?.textContent ?? '')).trim();
    expect(firstName).toMatch(/Debian/);
    await os.press('Enter');
    await expect.poll(() => os.inputValue()).toBe(firstName);
    await dialog.locator('#newvm-os-list').waitFor({ state: 'detached' });
    // Enter again, with the OS chosen and no list open: still only the search field's Enter
    await os.press('Enter');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel('Name').inputValue()).toBe(`${name}e`);
    // nothing was created: neither by name through libvirt nor in the contract's list
    const c = app.core.getClient(app.connectionIds[0]!);
    await expect(c.domainLookupByName(`${name}e`)).rejects.toThrow();
    expect((await app.core.vms.list(app.connectionIds[0]!)).map((v) => v.uuid).sort()).toEqual(before);
    await screenshot(page, 'newvm-os-enter');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  }, 60_000);

  it('creates and starts a VM from an ISO, by keyboard', async () => {
    await page.getByTestId('vm-search').waitFor();
    await page.keyboard.press('Control+Shift+N');
    const dialog = page.getByTestId('newvm-dialog');
    await dialog.waitFor();
    await page.keyboard.type(name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(iso);
    await dialog
      .getByTestId('newvm-detected')
      .filter({ hasText: 'Detected: Debian 11' })
      .waitFor({ timeout: 10_000 });
    expect(await dialog.getByLabel('Operating system').inputValue()).toBe('Debian 11');
    // web mode: a browser cannot pick the host's files, so there is no native "Choose…" (Electron only)
    expect(await dialog.getByTestId('newvm-iso-choose').count()).toBe(0);
    // osinfo's recommendation for Debian 11 (1 GiB), made smaller for the test.
    expect(Number(await dialog.getByLabel('Memory (MiB)').inputValue())).toBeGreaterThanOrEqual(1024);
    await dialog.getByLabel('Memory (MiB)').fill('256');
    await dialog.getByLabel('CPUs').fill('1');
    await dialog.getByLabel('Disk size (GiB)').fill('0.0625');
    expect(await dialog.getByLabel('Storage pool').inputValue()).toBe(poolName);
    expect(await dialog.getByLabel('Network').inputValue()).toBe('user');
    await screenshot(page, 'newvm-dialog');
    await dialog.getByLabel('Disk size (GiB)').press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await page
      .getByRole('status')
      .getByText(`${isolatedName(name)} was created and started`)
      .waitFor();
    const c = app.core.getClient(app.connectionIds[0]!);
    const dom = await c.domainLookupByName(name);
    expect((await c.domainGetState(dom)).state).toBe(1);
    expect(await c.domainGetXMLDesc(dom, 0)).toContain(`${poolName}/${name}.qcow2`);
  }, 60_000);

  it('a name whose disk exists in the pool is refused at the name field; nothing is created', async () => {
    const taken = `vdt-${TAG}`;
    await pool.volume(`${taken}.qcow2`, 1);
    const c = app.core.getClient(app.connectionIds[0]!);
    try {
      const dialog = await smallNewVm(taken, iso);
      expect(await dialog.getByLabel('Storage pool').inputValue()).toBe(poolName);
      await dialog.getByLabel('Disk size (GiB)').press('Enter');
      // The sentence sits at the Name field (its own label's field), not in a line under the form.
      await dialog
        .locator('.field:has(#newvm-name) .error-text')
        .getByText(`Pool '${poolName}' has a disk named ${taken}.qcow2 already: choose another name`)
        .waitFor({ timeout: 15_000 });
      expect(await dialog.isVisible()).toBe(true);
      await expect(c.domainLookupByName(taken)).rejects.toThrow();
      expect(await pool.volumeNames()).toContain(`${taken}.qcow2`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    } finally {
      await removeGuest([c], taken);
    }
  }, 60_000);

  it('a VM that does not start: the dialog asks, and “Delete what was created” leaves nothing', async () => {
    // Readable by VirtDesk (root), not by the daemon's user: fine for the dialog, refused by QEMU.
    const secret = path.join(env.scratchDir, `ui-secret-${TAG}.iso`);
    writeFakeIso(secret, { volumeId: 'SECRET' });
    fs.chmodSync(secret, 0o600);
    const failing = `vdf-${TAG}`;
    try {
      const before = await pool.volumeNames();
      const dialog = await smallNewVm(failing, secret);
      await dialog.getByLabel('Disk size (GiB)').press('Enter');
      const failed = dialog.getByTestId('newvm-start-failed');
      await failed
        .filter({ hasText: `${failing} was created but did not start.` })
        .waitFor({ timeout: 30_000 });
      // libvirt's own words as the detail (QEMU could not open the ISO).
      expect((await failed.getByTestId('newvm-start-error').textContent())?.length).toBeGreaterThan(10);
      await screenshot(page, 'newvm-start-failed');
      const c = app.core.getClient(app.connectionIds[0]!);
      expect((await c.domainGetState(await c.domainLookupByName(failing))).state).toBe(5);
      expect(await pool.volumeNames()).toEqual([...before, `${failing}.qcow2`].sort());
      await dialog.getByTestId('newvm-discard').click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      await page
        .getByRole('status')
        .getByText(`${isolatedName(failing)} and its disk were deleted`)
        .waitFor();
      await expect(c.domainLookupByName(failing)).rejects.toThrow();
      expect(await pool.volumeNames()).toEqual(before);
    } finally {
      fs.rmSync(secret, { force: true });
      const c = app.core.getClient(app.connectionIds[0]!);
      await removeGuest([c], failing);
    }
  }, 60_000);

  it('“Keep it and edit” keeps the VM that did not start and opens its Hardware tab', async () => {
    const secret = path.join(env.scratchDir, `ui-secret-keep-${TAG}.iso`);
    writeFakeIso(secret, { volumeId: 'SECRET' });
    fs.chmodSync(secret, 0o600);
    const kept = `vdk-${TAG}`;
    const c = app.core.getClient(app.connectionIds[0]!);
    try {
      const dialog = await smallNewVm(kept, secret);
      await dialog.getByLabel('Disk size (GiB)').press('Enter');
      await dialog.getByTestId('newvm-start-failed').waitFor({ timeout: 30_000 });
      await dialog.getByTestId('newvm-keep').click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      await page.getByTestId('vm-hardware').waitFor({ timeout: 30_000 });
      expect(await page.getByRole('tab', { name: 'Hardware', selected: true }).count()).toBe(1);
      // kept as it was made: defined, shut off
      expect((await c.domainGetState(await c.domainLookupByName(kept))).state).toBe(5);
    } finally {
      fs.rmSync(secret, { force: true });
      await removeGuest([c], kept);
    }
  }, 60_000);
});
