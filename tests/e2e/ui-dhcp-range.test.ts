/**
 * E2E (renderer, web mode) on the private *system* daemon: a running NAT network's DHCP range changed on
 * the Networks page — a range holding a static host's address and one leaving the subnet are refused at
 * the field with nothing changed, a good one is applied live and to the definition (read through a
 * second connection). Screenshots at 800×600 and 1280×800, light and dark, go to $VD_SHOTS_DIR when set.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openConnection,
  VIR_NETWORK_XML_INACTIVE,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { NetworkXml } from '../../electron/libvirt-xml/index.js';
import { systemTestEnv } from '../support/env.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
const OCTETS = [...randomBytes(2)].map((b) => 20 + (b % 200));
const NET = `10.${OCTETS[0]}.${OCTETS[1]}`;
const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
] as const;

describe.skipIf(!sys.available)(
  `renderer e2e: DHCP range edit${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = `vdui-range-${TAG}`;
    let app: RunningApp;
    let page: Page;
    let other: LibvirtClient;

    const ranges = async () => {
      const net = await other.networkLookupByName(name);
      const of = async (flags: number) =>
        NetworkXml.parse(await other.networkGetXMLDesc(net, flags)).ips[0]!.dhcpRanges;
      return { live: await of(0), config: await of(VIR_NETWORK_XML_INACTIVE) };
    };

    beforeAll(async () => {
      if (!sys.available) return;
      other = await openConnection(sys.uri);
      const net = await other.networkDefineXML(
        `<network><name>${name}</name><forward mode='nat'/>` +
          `<ip address='${NET}.1' prefix='24'><dhcp><range start='${NET}.100' end='${NET}.199'/>` +
          `<host mac='52:54:00:12:34:56' name='fixed' ip='${NET}.50'/></dhcp></ip></network>`,
      );
      await other.networkCreate(net);
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
        await other.close();
      }
      await stopAll();
    });

    it('refuses bad ranges at the field, applies a good one live and to the definition', async () => {
      await page.getByTestId('vm-search').waitFor();
      await page.getByRole('button', { name: 'Networks', exact: true }).focus();
      await page.keyboard.press('Enter');
      const row = page.getByTestId(`network-row-${name}`);
      await row.waitFor();
      await row.click();
      const form = page.getByTestId('network-dhcp-range');
      await form.waitFor();
      const first = form.getByLabel('First address');
      const last = form.getByLabel('Last address');
      expect(await first.inputValue()).toBe(`${NET}.100`);
      expect(await last.inputValue()).toBe(`${NET}.199`);

      // Holds the static host .50: refused at the field, in words.
      await first.fill(`${NET}.40`);
      await last.press('Enter');
      await form.getByText(`Holds ${NET}.50, the fixed address of fixed`).waitFor();
      // Leaves the subnet.
      await first.fill(`${NET}.120`);
      await last.fill(`10.250.250.9`);
      await last.press('Enter');
      await form.getByText(`Outside the network's subnet ${NET}.0/24`).waitFor();
      expect(await last.getAttribute('aria-invalid')).toBe('true');
      await reviewShots(page, 'networks-dhcp-range-refused', { settleMs: 200 });
      expect(await ranges()).toEqual({
        live: [{ start: `${NET}.100`, end: `${NET}.199` }],
        config: [{ start: `${NET}.100`, end: `${NET}.199` }],
      });

      // A good range: applied (Enter in the field), live and in the definition.
      await last.fill(`${NET}.220`);
      await last.press('Enter');
      await page.getByText(`The DHCP range of ${name} is now ${NET}.120 to ${NET}.220`).waitFor();
      const want = [{ start: `${NET}.120`, end: `${NET}.220` }];
      await expect.poll(ranges).toEqual({ live: want, config: want });
      await expect
        .poll(() => page.getByTestId('network-dhcp-range').getByLabel('First address').inputValue())
        .toBe(`${NET}.120`);
      await reviewShots(page, 'networks-dhcp-range', { settleMs: 200 });
    });
  },
);
