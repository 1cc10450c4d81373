/**
 * E2E (renderer): the Hardware tab by keyboard on a shut-off tiny guest — vCPUs and memory changed, the
 * boot order reordered with Alt+↓, out-of-range values refused at the field (the VM unchanged, checked
 * through a second connection); after a start the running VM has the new values; switching to UEFI on
 * the running VM waits for the next boot and shows in the pending list and the tab's badge.
 * Screenshots go to $VD_SHOTS_DIR when set (800×600 and 1280×800, light and dark).
 */
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
import { add, child } from '../../electron/libvirt-xml/dom.js';
import {
  DomainXml,
  readBoot,
  readCpu,
  readMemory,
  setMemory,
  setVcpus,
} from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { removeGuest, waitForGuestBoot } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const { DomainXMLFlags } = constants;
const MiB = 1024;

describe('renderer e2e: hardware', () => {
  const env = testEnv();
  const name = uniqueGuestName('ui-hw');
  const serialLog = path.join(env.scratchDir, `${name}.serial.log`);
  const diskPath = path.join(env.scratchDir, `${name}.raw`);
  let app: RunningApp;
  let page: Page;
  /** A second connection, not the app's: what libvirt really has. */
  let other: LibvirtClient;
  let dom: DomainRef;
  const inactive = async () => DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
  const editor = () => page.locator('#hw-editor');
  /** Replaces a text field's value by keyboard. */
  const typeInto = async (testId: string, value: string) => {
    const f = page.getByTestId(testId);
    await f.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(value);
  };
  /** Apply by keyboard, then wait for the outcome. */
  const applyByKeyboard = async (): Promise<string> => {
    await editor().getByTestId('hw-apply-button').focus();
    await page.keyboard.press('Enter');
    const outcome = editor().getByTestId('hw-outcome');
    await outcome.waitFor({ timeout: 30_000 });
    return (await outcome.textContent()) ?? '';
  };
  const selectItem = async (id: string) => {
    await page.locator(`[data-item="${id}"]`).focus();
    await page.keyboard.press('Enter');
  };

  beforeAll(async () => {
    fs.writeFileSync(diskPath, Buffer.alloc(0));
    fs.truncateSync(diskPath, 8 * 1024 * 1024);
    fs.chmodSync(diskPath, 0o666);
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    other = await openConnection(env.qemuUri);
    const xml = DomainXml.parse(
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        serial: 'pty',
        serialLog,
      }),
    );
    setVcpus(xml, 1, 2);
    setMemory(xml, 256 * MiB, 256 * MiB);
    const devices = child(xml.root, 'devices')!;
    const disk = add(devices, 'disk', { type: 'file', device: 'disk' });
    add(disk, 'driver', { name: 'qemu', type: 'raw' });
    add(disk, 'source', { file: diskPath });
    add(disk, 'target', { dev: 'vda', bus: 'virtio' });
    add(disk, 'boot', { order: 1 });
    const cdrom = add(devices, 'disk', { type: 'file', device: 'cdrom' });
    add(cdrom, 'target', { dev: 'hdc', bus: 'ide' });
    add(cdrom, 'readonly');
    add(cdrom, 'boot', { order: 2 });
    dom = await other.domainDefineXML(xml.toString());
    page = await (await launchBrowser()).newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(app.url);
  }, 120_000);

  afterAll(async () => {
    await removeGuest([other], name);
    await other?.close().catch(() => undefined);
    await stopAll();
    for (const f of [diskPath, serialLog]) fs.rmSync(f, { force: true });
  });

  it('changes vCPUs and memory of the shut-off VM; out-of-range values are refused at the field', async () => {
    await page.getByTestId('vm-search').fill(name);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter'); // open it
    await page.locator('#tab-overview').focus();
    while ((await page.locator('#tab-hardware').getAttribute('aria-selected')) !== 'true')
      await page.keyboard.press('ArrowRight');
    await page.getByTestId('hw-editor-cpu').waitFor();
    expect(await page.getByTestId('hw-timing').textContent()).toBe('No changes');

    // Beyond the host: refused at the field, nothing reaches libvirt.
    const before = (await inactive()).toString();
    await typeInto('hw-cpu-max', '99999');
    const maxField = editor().locator('.field', { has: page.getByTestId('hw-cpu-max') });
    await maxField.locator('.error-text').waitFor();
    expect(await maxField.locator('.error-text').textContent()).toMatch(
      /^This host allows at most \d+ vCPUs for this VM\.$/,
    );
    expect(await editor().getByTestId('hw-apply-button').isDisabled()).toBe(true);
    await typeInto('hw-cpu-max', '2');
    await typeInto('hw-cpu-vcpus', '3');
    const vcpuField = editor().locator('.field', { has: page.getByTestId('hw-cpu-vcpus') });
    expect(await vcpuField.locator('.error-text').textContent()).toBe(
      'The vCPUs at start cannot be more than the maximum.',
    );
    expect((await inactive()).toString()).toBe(before);

    await typeInto('hw-cpu-vcpus', '2');
    expect(await page.getByTestId('hw-timing').textContent()).toBe('At next boot');
    await editor().getByTestId('hw-preview').focus();
    await page.keyboard.press('Enter');
    await editor().getByTestId('hw-xml-diff').waitFor();
    expect(
      await editor().getByTestId('hw-xml-diff').locator('.cm-merge-b .cm-content').textContent(),
    ).toMatch(/<vcpu placement="static">2<\/vcpu>/);
    await reviewShots(page, 'hardware-cpu');
    expect(await applyByKeyboard()).toBe('Saved; it takes effect at the next start.');
    expect(readCpu(await inactive())).toMatchObject({ vcpus: 2, maxVcpus: 2 });

    await selectItem('memory');
    await page.getByTestId('hw-editor-memory').waitFor();
    const hostMiB = Number(
      /Host: (\d+) MiB/.exec(
        (await editor().locator('.field', { hasText: 'Maximum memory' }).textContent()) ?? '',
      )?.[1],
    );
    await typeInto('hw-mem-max', String(hostMiB + 4096));
    const memField = editor().locator('.field', { has: page.getByTestId('hw-mem-max') });
    expect(await memField.locator('.error-text').textContent()).toBe(
      `This host has ${hostMiB} MiB; a VM cannot have more.`,
    );
    expect(await editor().getByTestId('hw-apply-button').isDisabled()).toBe(true);
    await typeInto('hw-mem-max', '320');
    await typeInto('hw-mem-current', '320');
    expect(await applyByKeyboard()).toBe('Saved; it takes effect at the next start.');
    expect(readMemory(await inactive())).toMatchObject({ currentKiB: 320 * MiB, maxKiB: 320 * MiB });
  }, 90_000);

  it('reorders the boot devices by keyboard', async () => {
    await selectItem('boot');
    const list = page.getByTestId('hw-boot-list');
    await list.waitFor();
    const ids = async () =>
      list.locator('li').evaluateAll((lis) => lis.map((l) => l.getAttribute('data-id')));
    expect((await ids()).slice(0, 2)).toEqual(['disk:vda', 'disk:hdc']);
    await page.locator('#hw-boot-disk\\:vda').focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect((await ids()).slice(0, 2)).toEqual(['disk:hdc', 'disk:vda']);
    await reviewShots(page, 'hardware-boot');
    expect(await applyByKeyboard()).toBe('Saved; it takes effect at the next start.');
    expect(
      readBoot(await inactive())
        .devices.filter((d) => d.order !== null)
        .map((d) => d.id),
    ).toEqual(['disk:hdc', 'disk:vda']);
  }, 60_000);

  it('after a start the running VM has the new values; UEFI waits for the next boot', async () => {
    await other.domainCreate(dom);
    dom = await other.domainLookupByUUID(dom.uuid);
    await waitForGuestBoot(serialLog);
    const live = DomainXml.parse(await other.domainGetXMLDesc(dom, 0));
    expect(readCpu(live)).toMatchObject({ vcpus: 2, maxVcpus: 2 });
    expect(readMemory(live)).toMatchObject({ maxKiB: 320 * MiB });

    await selectItem('cpu');
    await editor().getByText('Running now: 2').waitFor({ timeout: 30_000 });

    await selectItem('boot');
    await page.getByTestId('hw-editor-boot').waitFor();
    await page.getByTestId('hw-boot-firmware').focus();
    await page.getByTestId('hw-boot-firmware').selectOption('efi');
    expect(await page.getByTestId('hw-timing').textContent()).toBe('At next boot');
    expect(await applyByKeyboard()).toBe('Saved; it takes effect at the next start.');
    expect(readBoot(await inactive()).firmware).toBe('efi');
    const pending = page.getByTestId('hw-pending');
    await pending.waitFor({ timeout: 30_000 });
    expect(await pending.textContent()).toContain('Firmware BIOS → UEFI');
    expect(await page.getByTestId('hw-pending-badge').textContent()).toMatch(/^1/);
    await reviewShots(page, 'hardware-pending');
  }, 240_000);
});
