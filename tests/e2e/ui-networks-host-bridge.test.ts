/**
 * E2E (renderer), by keyboard: a host-bridge network chosen from the host's interfaces. A bridge and a
 * veth pair are made with `ip link` inside the private system daemon's network namespace; the New
 * network dialog lists them read-only (the bridge can be picked for a host-bridge network, the NIC for
 * macvtap), picking fills the field, and the network is created and started on that bridge — checked
 * through a second connection. The Hardware tab's Add NIC form suggests the same bridges and NICs for a
 * bridge or macvtap connection. Screenshots of both kinds go to $VD_SHOTS_DIR when set (800×600 and
 * 1280×800, light and dark).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml } from '../support/guest.js';
import { until } from '../support/poll.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
const BRIDGE = `vdub${TAG}`;
const VETH = `vduv${TAG}`;
const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

describe.skipIf(!sys.available)(
  `renderer e2e: host-bridge network from the host's interfaces${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = `vdui-hostbr-${TAG}`;
    const vm = `vdui-brvm-${TAG}`;
    let app: RunningApp;
    let page: Page;
    let other: LibvirtClient;
    const ns = (argv: string[]): string =>
      sys.available
        ? execFileSync('/usr/bin/nsenter', [`--target=${sys.nsPid}`, '--mount', '--net', '--', ...argv], {
            encoding: 'utf8',
            timeout: 15_000,
          })
        : '';

    beforeAll(async () => {
      if (!sys.available) return;
      ns(['ip', 'link', 'add', BRIDGE, 'type', 'bridge']);
      ns(['ip', 'link', 'add', VETH, 'type', 'veth', 'peer', 'name', `${VETH}p`]);
      other = await openConnection(sys.uri);
      // A stopped tiny guest for the Hardware tab (never started: only its Add NIC form is looked at).
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, vm);
      await other.domainDefineXML(tinyGuestXml({ name: vm, kernel, initrd, virtType }));
      app = await startApp({ connections: [{ name: 'This computer', uri: sys.uri }] });
      page = await (await launchBrowser()).newPage();
      await page.setViewportSize(SIZES[1]);
      await page.goto(app.url);
    }, 180_000);

    afterAll(async () => {
      if (other) {
        const net = await other.networkLookupByName(name).catch(() => null);
        if (net) {
          await other.networkDestroy(net).catch(() => undefined);
          await other.networkUndefine(net).catch(() => undefined);
        }
        const dom = await other.domainLookupByName(vm).catch(() => null);
        if (dom) await other.domainUndefineFlags(dom, 0).catch(() => undefined);
        await other.close();
      }
      await stopAll();
      for (const dev of [BRIDGE, VETH])
        try {
          ns(['ip', 'link', 'del', dev]);
        } catch {
          /* never made, or gone */
        }
    });

    it('picks the bridge from the list of host interfaces and starts a network on it', async () => {
      await page.getByTestId('vm-search').waitFor();
      await page.getByRole('button', { name: 'Networks', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('networks-page').waitFor();
      await page.getByTestId('networks-new').focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('new-network-dialog');
      await dialog.waitFor();
      await page.keyboard.type(name); // the name has focus
      await dialog.getByLabel('Kind').selectOption('macvtap');
      const list = dialog.getByTestId('host-interfaces');
      await list.waitFor();
      // For macvtap the NIC is a choice and the bridge is listed but cannot be picked.
      await list.locator(`li[data-name="${VETH}"] button`).waitFor();
      expect(await list.locator(`li[data-name="${BRIDGE}"] button`).count()).toBe(0);
      await reviewShots(page, 'networks-new-macvtap', { settleMs: 200 });

      await dialog.getByLabel('Kind').selectOption('bridge');
      const pick = list.locator(`li[data-name="${BRIDGE}"] button`);
      await pick.waitFor();
      expect(await list.locator(`li[data-name="${VETH}"] button`).count()).toBe(0);
      expect(await pick.textContent()).toContain('bridge');
      expect(await dialog.getByLabel('Host bridge').inputValue()).toBe('');
      await pick.focus();
      await page.keyboard.press('Enter');
      expect(await dialog.getByLabel('Host bridge').inputValue()).toBe(BRIDGE);
      expect(await pick.getAttribute('aria-pressed')).toBe('true');
      await reviewShots(page, 'networks-new-host-bridge', { settleMs: 200 });

      await dialog.getByLabel('Name').focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      const row = page.getByTestId(`network-row-${name}`);
      await row.waitFor();
      await until('the network to show as active', 15_000, async () =>
        (await row.getByTestId('network-state').textContent()) === 'Active' ? true : undefined,
      );
      const ref = await other.networkLookupByName(name);
      expect(await other.networkIsActive(ref)).toBe(true);
      expect(await other.networkGetXMLDesc(ref)).toContain(`<bridge name='${BRIDGE}'/>`);
    }, 120_000);

    it("suggests the host's bridges and NICs in the Hardware tab's Add NIC form", async () => {
      await page
        .getByRole('button', { name: /^Virtual Machines/ })
        .first()
        .focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('vm-search').fill(vm);
      await page.getByTestId('vm-search').press('Enter');
      await page.keyboard.press('Enter');
      await page.locator('#tab-hardware').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('vm-hardware').waitFor();
      await page.getByTestId('hw-add-nic').focus();
      await page.keyboard.press('Enter');
      const form = page.getByTestId('hw-add-nic-form');
      await form.waitFor();
      await form.locator('#hwd-add-nic-type').selectOption('bridge');
      const bridges = form.locator('#hwd-add-nic-bridge-list option');
      await until('the bridges to be suggested', 15_000, async () =>
        (await bridges.count()) > 0 ? true : undefined,
      );
      expect(await bridges.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
        BRIDGE,
      ]);
      await form.locator('#hwd-add-nic-type').selectOption('direct');
      const nics = form.locator('#hwd-add-nic-dev-list option');
      await until('the NICs to be suggested', 15_000, async () =>
        (await nics.count()) > 0 ? true : undefined,
      );
      const names = await nics.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(names).toContain(VETH);
      expect(names).not.toContain(BRIDGE);
      expect(names).not.toContain('lo');
    }, 120_000);
  },
);
