/**
 * E2E (renderer): the Hardware tab's channel, serial, controller, shared folder and host device forms on a
 * running tiny guest — the guest agent channel added by keyboard (and read back from libvirt's live and
 * config XML through a second connection). Screenshots of the new forms and editors at 800x600 and
 * 1280x800, light and dark, go to $VD_SHOTS_DIR when set.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainXMLFlags,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { DomainXml, readChannels } from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const AGENT = 'org.qemu.guest_agent.0';
const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

describe('renderer e2e: Hardware tab, channels and passthrough', () => {
  const env = testEnv();
  // Short: the agent's socket is <daemon folder>/config/libvirt/qemu/channel/target/domain-<id>-<name>/
  // org.qemu.guest_agent.0, at most 107 characters (see tests/support/daemon.ts); 'vdt-uhp-…' broke at
  // domain id 10 in a full run before the daemon's folder got shorter.
  const name = uniqueGuestName('u');
  const offName = uniqueGuestName('uhpoff');
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;
  let other: LibvirtClient; // a second connection: what libvirt has
  let dom: DomainRef;

  const xmls = async () => [
    DomainXml.parse(await other.domainGetXMLDesc(dom, 0)),
    DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)),
  ];
  const press = async (sel: string, key = 'Enter') => {
    await page.locator(sel).focus();
    await page.keyboard.press(key);
  };
  const choose = async (sel: string, value: string) => {
    const el = page.locator(sel);
    await el.focus();
    for (let i = 0; i < 20 && (await el.inputValue()) !== value; i++) await page.keyboard.press('ArrowDown');
    expect(await el.inputValue()).toBe(value);
  };

  beforeAll(async () => {
    app = await startApp({ connections: [{ name: 'QEMU session', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!);
    other = await openConnection(env.qemuUri);
    // A virtio-serial controller from the start: QEMU cannot hot-plug one, channels plug into it.
    ({ dom } = await bootTinyGuest(client, name, {
      edit: (x) => x.replace('<devices>', "<devices>\n    <controller type='virtio-serial' index='0'/>"),
    }));
    // A VM that is off with a USB device (by ids) and a 9p shared folder (the session daemon takes no
    // virtiofs), for their editors.
    await other.domainDefineXML(
      tinyGuestXml({
        name: offName,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
      }).replace(
        '<devices>',
        `<devices>
    <hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x0781'/><product id='0x5567'/></source></hostdev>
    <filesystem type='mount' accessmode='mapped'><source dir='${env.scratchDir}'/><target dir='scratch'/></filesystem>`,
      ),
    );
    page = await (await launchBrowser()).newPage();
    await page.setViewportSize(SIZES[1]);
    await page.goto(app.url);
  }, 180_000);

  afterAll(async () => {
    if (other) {
      await removeGuest([other], name);
      await removeGuest([other], offName);
      await other.close().catch(() => undefined);
    }
    await stopAll();
  });

  it('adds the guest agent channel to the running VM by keyboard; libvirt has it live and in the config', async () => {
    await page.getByTestId('vm-search').fill(name);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter');
    await press('#tab-hardware');
    await page.getByTestId('vm-hardware').waitFor();
    await press('[data-testid="hw-add-channel"]');
    const form = page.getByTestId('hw-add-channel-form');
    await form.waitFor();
    await choose('#hwp-add-channel-preset', 'guest-agent');
    expect(await form.getByTestId('hw-timing').textContent()).toBe('Now and at next boot');
    await reviewShots(page, 'hwpass-add-channel');
    await press('[data-testid="hw-apply-button"]');
    // The outcome first: a refusal or a slow hot-plug then fails here with its own words, not a timeout.
    const outcome = form.getByTestId('hw-outcome').or(page.locator('[data-item="channel:0"]'));
    await outcome.first().waitFor({ timeout: 90_000 });
    const note = form.getByTestId('hw-outcome');
    if (await note.count()) throw new Error(`the channel was not added: ${await note.textContent()}`);
    const item = page.locator('[data-item="channel:0"]');
    await item.waitFor();
    for (const x of await xmls()) expect(readChannels(x).map((c) => c.name)).toEqual([AGENT]);
    await press('[data-item="channel:0"]');
    const editor = page.getByTestId('hw-editor-channel');
    await editor.waitFor();
    expect(await editor.textContent()).toContain('QEMU guest agent');
    expect(await editor.textContent()).toContain(AGENT);
    await reviewShots(page, 'hwpass-channel-editor');
  }, 120_000);

  it('shows the other forms and editors (serial, controller, shared folder, host devices)', async () => {
    await press('[data-testid="hw-add-serial"]');
    await page.getByTestId('hw-add-serial-form').waitFor();
    await reviewShots(page, 'hwpass-add-serial');

    await press('[data-testid="hw-add-controller"]');
    await page.getByTestId('hw-add-controller-form').waitFor();
    await reviewShots(page, 'hwpass-add-controller');

    await press('[data-testid="hw-add-filesystem"]');
    const fs = page.getByTestId('hw-add-filesystem-form');
    await fs.waitFor();
    // The VM's memory is not shared: turning it on is offered, with the reason, and on by default.
    await page.getByTestId('hwp-add-fs-memory').waitFor();
    expect(await fs.textContent()).toContain('virtiofsd');
    expect(await fs.getByTestId('hw-timing').textContent()).toBe('At next boot');
    await page.getByTestId('hwp-add-fs-source').fill('/srv/share');
    await reviewShots(page, 'hwpass-add-filesystem');

    await press('[data-testid="hw-add-hostdev"]');
    const hd = page.getByTestId('hw-add-hostdev-form');
    await hd.waitFor();
    await page.getByTestId('hwp-devices-pci').waitFor();
    expect(await page.locator('[data-testid="hwp-devices-pci"] .hwp-device').count()).toBeGreaterThan(0);
    await reviewShots(page, 'hwpass-add-hostdev');

    await press('[data-item="serial:0"]');
    await page.getByTestId('hw-editor-serial').waitFor();
    await reviewShots(page, 'hwpass-serial-editor');
    const usb = page.locator('[data-item^="controller:"]', { hasText: 'usb' }).first();
    await usb.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('hw-editor-controller').waitFor();
    await reviewShots(page, 'hwpass-controller-editor');
  }, 120_000);

  it('a VM that is off: its host device and shared folder editors', async () => {
    await page.setViewportSize(SIZES[1]);
    await page.goto(app.url); // back to the list
    await page.getByTestId('vm-search').fill(offName);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter');
    await press('#tab-hardware');
    await press('[data-item="hostdev:0"]');
    const hd = page.getByTestId('hw-editor-hostdev');
    await hd.waitFor();
    expect(await hd.textContent()).toContain('0781:5567');
    await reviewShots(page, 'hwpass-hostdev-editor');
    await press('[data-item="filesystem:0"]');
    const fs = page.getByTestId('hw-editor-filesystem');
    await fs.waitFor();
    expect(await fs.textContent()).toContain('scratch');
    await reviewShots(page, 'hwpass-filesystem-editor');
  }, 60_000);
});
