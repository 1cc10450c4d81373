/**
 * E2E (renderer): the Hardware tab's display and device editors on a running tiny guest, by keyboard —
 * add a watchdog (plugged into the running VM: libvirt's live and config XML through a second
 * connection), add a sound card (for next boot: config only, waiting for a restart), set the VNC password
 * (read back with SECURE). Screenshots of the forms and editors at 800x600 and 1280x800, light and dark, go
 * to $VD_SHOTS_DIR when set.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainXMLFlags,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import {
  DomainXml,
  rngDetails,
  soundDetails,
  tpmDetails,
  watchdogDetails,
} from '../../electron/libvirt-xml/index.js';
import { testEnv } from '../support/env.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

/**
 * The tiny guest with a VNC display that has a password (QEMU turns password checking on only at a start,
 * so only such a display takes a new password live) and a VGA card.
 */
const withVnc = (xml: string) =>
  xml.replace(
    "<video><model type='none'/></video>",
    "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='first1'><listen type='address' address='127.0.0.1'/></graphics>\n    <video><model type='vga'/></video>",
  );

describe('renderer e2e: Hardware tab, displays and devices', () => {
  const env = testEnv();
  const name = uniqueGuestName('ui-hwdisp');
  let app: RunningApp;
  let page: Page;
  let client: LibvirtClient;
  let other: LibvirtClient; // a second connection: what libvirt has
  let dom: DomainRef;

  const xmls = async (flags = 0) => ({
    live: DomainXml.parse(await other.domainGetXMLDesc(dom, flags)),
    config: DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE | flags)),
  });
  /** Focuses a drop-down and moves to `value` with the arrow keys. */
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
    ({ dom } = await bootTinyGuest(client, name, { edit: withVnc }));
    page = await (await launchBrowser()).newPage();
    await page.setViewportSize(SIZES[1]);
    await page.goto(app.url);
    await page.getByTestId('vm-search').fill(name);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter');
    await press('#tab-hardware');
    await page.getByTestId('vm-hardware').waitFor();
  }, 180_000);

  afterAll(async () => {
    if (other) {
      await removeGuest([other], name);
      await other.close().catch(() => undefined);
    }
    await stopAll();
  });

  it('adds an i6300esb watchdog to the running VM by keyboard: live and in the config', async () => {
    await press('[data-testid="hw-add-device"]');
    const form = page.getByTestId('hw-add-device-form');
    await form.waitFor();
    await choose('#hwdisp-add-what', 'watchdog');
    await choose('#hwdisp-add-wd-action', 'poweroff');
    expect(await form.getByTestId('hw-timing').textContent()).toBe('Now and at next boot');
    await reviewShots(page, 'hwdisp-add-watchdog');
    await press('[data-testid="hw-apply-button"]');
    await page.locator('[data-item="watchdog:0"]').waitFor({ timeout: 60_000 });
    const { live, config } = await xmls();
    for (const x of [live, config])
      expect(watchdogDetails(x)).toEqual([{ model: 'i6300esb', action: 'poweroff' }]);
    await page.getByTestId('hw-editor-watchdog').waitFor();
    await reviewShots(page, 'hwdisp-watchdog-editor');
  }, 90_000);

  it('adds a sound card: saved for next boot, the running VM unchanged, a restart waits', async () => {
    await press('[data-testid="hw-add-device"]');
    const form = page.getByTestId('hw-add-device-form');
    await choose('#hwdisp-add-what', 'sound');
    await choose('#hwdisp-add-sound', 'ich6');
    expect(await form.getByTestId('hw-timing').textContent()).toBe('At next boot');
    await reviewShots(page, 'hwdisp-add-sound');
    await press('[data-testid="hw-apply-button"]');
    await page.locator('[data-item="sound:0"]').waitFor({ timeout: 60_000 });
    const { live, config } = await xmls();
    expect(soundDetails(config)).toEqual([{ model: 'ich6' }]);
    expect(soundDetails(live)).toEqual([]);
    await page.getByTestId('hw-pending').getByText('Sound none → ich6').waitFor();
    await page.getByTestId('hw-editor-sound').waitFor();
    await reviewShots(page, 'hwdisp-sound-editor');
  }, 90_000);

  it('sets a VNC password by keyboard: the running VM and its configuration have it', async () => {
    await press('[data-item="graphics:0"]');
    await page.getByTestId('hw-editor-graphics').waitFor();
    await choose('#hwdisp-gfx-pw-mode', 'set');
    await page.locator('#hwdisp-gfx-pw-value').focus();
    await page.keyboard.type('e2e-pw');
    const section = page.getByTestId('hwdisp-gfx-password');
    expect(await section.getByTestId('hw-timing').textContent()).toBe('Now and at next boot');
    await reviewShots(page, 'hwdisp-graphics-editor');
    await press('[data-testid="hwdisp-gfx-password"] [data-testid="hw-apply-button"]');
    await section.getByText('Applied now and saved for next boot.').waitFor({ timeout: 30_000 });
    const { live, config } = await xmls(DomainXMLFlags.SECURE);
    expect(live.graphics[0]?.attrs.passwd).toBe('e2e-pw');
    expect(config.graphics[0]?.attrs.passwd).toBe('e2e-pw');
  }, 60_000);

  it('the other editors: video, input; an RNG plugged in and a TPM for next boot', async () => {
    await press('[data-item="video:0"]');
    await page.getByTestId('hw-editor-video').waitFor();
    await reviewShots(page, 'hwdisp-video-editor');
    await press('[data-item="input:0"]');
    await page.getByTestId('hw-editor-input').waitFor();
    await reviewShots(page, 'hwdisp-input-editor');
    await press('[data-testid="hw-add-device"]');
    await choose('#hwdisp-add-what', 'tpm');
    await reviewShots(page, 'hwdisp-add-tpm');
    await choose('#hwdisp-add-what', 'rng');
    await reviewShots(page, 'hwdisp-add-rng');
    await press('[data-testid="hw-apply-button"]');
    await page.getByTestId('hw-editor-rng').waitFor({ timeout: 60_000 });
    await reviewShots(page, 'hwdisp-rng-editor');
    await press('[data-testid="hw-add-device"]');
    await choose('#hwdisp-add-what', 'tpm');
    await press('[data-testid="hw-apply-button"]');
    await page.getByTestId('hw-editor-tpm').waitFor({ timeout: 60_000 });
    await reviewShots(page, 'hwdisp-tpm-editor');
    const { live, config } = await xmls();
    expect([rngDetails(live).length, rngDetails(config).length]).toEqual([1, 1]);
    expect([tpmDetails(live).length, tpmDetails(config).length]).toEqual([0, 1]);
  }, 60_000);
});
