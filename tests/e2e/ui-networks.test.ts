/**
 * E2E (renderer): the Networks page on the private *system* daemon, by keyboard — open the page from the
 * sidebar, create an isolated network with New network, see it listed and started, attach a tiny guest
 * whose DHCP client takes an address and see its lease (with the VM's name) appear on the page by itself,
 * delete the network with the confirmation that says what goes, checked through a second connection. Screenshots of the page and the
 * dialog go to $VD_SHOTS_DIR when set (800×600 and 1280×800, light and dark).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { removeGuest, waitForGuestBoot } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml } from '../support/guest.js';
import { until } from '../support/poll.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

describe.skipIf(!sys.available)(
  `renderer e2e: networks page${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = `vdui-iso-${TAG}`;
    const guest = `vdui-lease-${TAG}`;
    let app: RunningApp;
    let page: Page;
    let other: LibvirtClient;

    beforeAll(async () => {
      if (!sys.available) return;
      other = await openConnection(sys.uri);
      app = await startApp({ connections: [{ name: 'This computer', uri: sys.uri }] });
      page = await (await launchBrowser()).newPage();
      await page.setViewportSize(SIZES[1]);
      await page.goto(app.url);
    }, 180_000);

    afterAll(async () => {
      if (other) {
        await removeGuest([other], guest).catch(() => undefined);
        const net = await other.networkLookupByName(name).catch(() => null);
        if (net) {
          await other.networkDestroy(net).catch(() => undefined);
          await other.networkUndefine(net).catch(() => undefined);
        }
        await other.close();
      }
      await stopAll();
    });

    it('creates an isolated network by keyboard, sees it running and a VM lease on it, deletes it', async () => {
      await page.getByTestId('vm-search').waitFor();
      await page.getByRole('button', { name: 'Networks', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('networks-page').waitFor();
      await page.getByTestId('networks-new').focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('new-network-dialog');
      await dialog.waitFor();
      await reviewShots(page, 'networks-new-dialog', { settleMs: 200 });
      await page.keyboard.type(name); // the name has focus
      await page.keyboard.press('Tab'); // Kind: NAT → Isolated
      await page.keyboard.press('ArrowDown');
      expect(await dialog.getByLabel('Kind').inputValue()).toBe('isolated');
      // A first try on a range outside the subnet is refused at the field, nothing made.
      await dialog.getByLabel('DHCP range end').fill('192.168.101.10');
      await page.keyboard.press('Enter');
      await dialog
        .getByText('The DHCP range must lie inside the network 192.168.100.0/24: 192.168.101.10 does not')
        .waitFor();
      expect((await other.connectListAllNetworks()).map((n) => n.name)).not.toContain(name);
      await dialog.getByLabel('DHCP range end').fill('192.168.100.254');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });

      const row = page.getByTestId(`network-row-${name}`);
      await row.waitFor();
      await until('the network to show as active', 15_000, async () =>
        (await row.getByTestId('network-state').textContent()) === 'Active' ? true : undefined,
      );
      expect(await row.getByTestId('network-mode').textContent()).toBe('Isolated');
      const ref = await other.networkLookupByName(name);
      expect(await other.networkIsActive(ref)).toBe(true);
      expect(await other.networkGetAutostart(ref)).toBe(true);
      await row.click();
      await page.getByTestId('network-details').waitFor();
      await page.getByTestId('network-leases-none').waitFor();

      // A VM attached to it asks for an address (busybox udhcpc in the tiny guest): its lease appears on
      // the page by itself, with the VM's name.
      const { kernel, initrd } = stageTinyGuest(
        sys.available ? sys.scratchDir : '',
        'tiny-guest-ui-networks',
      );
      const serialLog = path.join(path.dirname(kernel), `${guest}.serial.log`);
      const xml = tinyGuestXml({
        name: guest,
        kernel,
        initrd,
        virtType: testEnv().virtType,
        nic: true,
        serial: 'pty',
        serialLog,
      }).replace("<interface type='user'>", `<interface type='network'><source network='${name}'/>`);
      const dom = await other.domainDefineXML(xml);
      await other.domainCreate(dom);
      await waitForGuestBoot(serialLog);
      await guestShell(
        other,
        dom,
        "ip link set eth0 up; printf '#!/bin/sh\\nexit 0\\n' > /tmp/u; chmod +x /tmp/u; " +
          'busybox udhcpc -i eth0 -n -q -f -t 5 -T 2 -s /tmp/u; echo DHCP-$((40+2))',
        /DHCP-42/,
        60_000,
        30_000,
      );
      const lease = page.getByTestId('network-leases').locator('tbody tr');
      await lease.filter({ hasText: guest }).waitFor({ timeout: 30_000 });
      expect(await lease.first().textContent()).toMatch(/192\.168\.100\.\d+\/24/);
      await reviewShots(page, 'networks-page', { settleMs: 200 });
      await other.domainDestroy(dom);
      await other.domainUndefineFlags(dom, 0);

      // Delete: the key on the row asks first, saying what goes; Cancel has focus, Tab to Delete.
      await row.focus();
      await page.keyboard.press('Delete');
      const confirm = page.getByTestId('delete-network-dialog');
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain('it stops now');
      expect(await confirm.textContent()).toContain('Its definition is removed from the host.');
      await reviewShots(page, 'networks-delete-dialog', { settleMs: 200 });
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await confirm.waitFor({ state: 'detached' });
      await row.waitFor({ state: 'detached' });
      expect((await other.connectListAllNetworks()).map((n) => n.name)).not.toContain(name);
    }, 240_000);
  },
);
