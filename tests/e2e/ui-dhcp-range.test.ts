/**
 * E2E (renderer, web mode) on the private *system* daemon: a running dual-stack NAT network's DHCP
 * ranges changed on the Networks page — an IPv4 range holding a static host's address and one leaving
 * the subnet are refused at the field with nothing changed, a good one is applied live and to the
 * definition (read through a second connection); the same for its IPv6 range (one leaving the /64
 * refused, a good one applied). Then the static DHCP host and DNS host forms: an entry of each added by
 * keyboard, a bad one refused at its field, both removed again, each step seen through the second
 * connection. Screenshots at 800×600 and 1280×800, light and dark, go to $VD_SHOTS_DIR when set.
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
import { randomUla64 } from '../support/ipv6.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
const OCTETS = [...randomBytes(2)].map((b) => 20 + (b % 200));
const NET = `10.${OCTETS[0]}.${OCTETS[1]}`;
/** A random unique-local /64 for the network's IPv6 block. */
const NET6 = randomUla64();
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

    /** The ranges of the IPv4 (0) or IPv6 (1) block, live and stored, as a second connection sees them. */
    const ranges = async (block = 0) => {
      const net = await other.networkLookupByName(name);
      const of = async (flags: number) =>
        NetworkXml.parse(await other.networkGetXMLDesc(net, flags)).ips[block]!.dhcpRanges;
      return { live: await of(0), config: await of(VIR_NETWORK_XML_INACTIVE) };
    };
    /** The static DHCP hosts and DNS hosts, live and stored. */
    const entries = async () => {
      const net = await other.networkLookupByName(name);
      const of = async (flags: number) => {
        const x = NetworkXml.parse(await other.networkGetXMLDesc(net, flags));
        return { dhcp: x.ips[0]!.dhcpHosts.map((h) => h.ip), dns: x.dnsHosts };
      };
      return { live: await of(0), config: await of(VIR_NETWORK_XML_INACTIVE) };
    };

    beforeAll(async () => {
      if (!sys.available) return;
      other = await openConnection(sys.uri);
      const net = await other.networkDefineXML(
        `<network><name>${name}</name><forward mode='nat'/>` +
          `<ip address='${NET}.1' prefix='24'><dhcp><range start='${NET}.100' end='${NET}.199'/>` +
          `<host mac='52:54:00:12:34:56' name='fixed' ip='${NET}.50'/></dhcp></ip>` +
          `<ip family='ipv6' address='${NET6}::1' prefix='64'><dhcp>` +
          `<range start='${NET6}::100' end='${NET6}::1ff'/></dhcp></ip></network>`,
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
      const v4 = page.getByTestId('network-dhcp-ranges-ipv4');
      const form = v4.getByTestId('network-dhcp-range');
      await form.waitFor();
      expect(await v4.getByRole('heading').textContent()).toBe('DHCP range (IPv4)');
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
        .poll(() => v4.getByTestId('network-dhcp-range').getByLabel('First address').inputValue())
        .toBe(`${NET}.120`);

      // The IPv6 range, in its own section: one leaving the /64 refused at the field, a good one applied.
      const v6 = page.getByTestId('network-dhcp-ranges-ipv6');
      expect(await v6.getByRole('heading').textContent()).toBe('DHCP range (IPv6)');
      const form6 = v6.getByTestId('network-dhcp-range');
      const first6 = form6.getByLabel('First address');
      const last6 = form6.getByLabel('Last address');
      expect(await first6.inputValue()).toBe(`${NET6}::100`);
      await last6.fill('fd00:ffff:ffff:ffff::1ff');
      await last6.press('Enter');
      await form6.getByText(`Outside the network's subnet ${NET6}::/64`).waitFor();
      expect(await last6.getAttribute('aria-invalid')).toBe('true');
      expect(await ranges(1)).toEqual({
        live: [{ start: `${NET6}::100`, end: `${NET6}::1ff` }],
        config: [{ start: `${NET6}::100`, end: `${NET6}::1ff` }],
      });
      await first6.fill(`${NET6}::200`);
      await last6.fill(`${NET6}::2ff`);
      await last6.press('Enter');
      await page.getByText(`The DHCP range of ${name} is now ${NET6}::200 to ${NET6}::2ff`).waitFor();
      const want6 = [{ start: `${NET6}::200`, end: `${NET6}::2ff` }];
      await expect.poll(() => ranges(1)).toEqual({ live: want6, config: want6 });
      await expect.poll(() => v6.getByLabel('First address').inputValue()).toBe(`${NET6}::200`);
      expect((await ranges(0)).live).toEqual(want);
      await reviewShots(page, 'networks-dhcp-range', { settleMs: 200 });
    });

    it('adds and removes a static DHCP host and a DNS host by keyboard; a bad one is refused at its field', async () => {
      const dhcpAdd = page.getByTestId('network-dhcp-add');
      await dhcpAdd.getByLabel('MAC address').focus();
      await page.keyboard.type('52:54:00:aa:00:01');
      await page.keyboard.press('Tab');
      await page.keyboard.type('web');
      await page.keyboard.press('Tab');
      await page.keyboard.type(`${NET}.60`);
      await page.keyboard.press('Enter');
      const hosts = page.getByTestId('network-dhcp-hosts');
      await hosts.getByText(`${NET}.60`).waitFor();
      await expect.poll(async () => (await entries()).config.dhcp).toEqual([`${NET}.50`, `${NET}.60`]);
      expect((await entries()).live.dhcp).toEqual([`${NET}.50`, `${NET}.60`]);
      // The add form is empty again.
      expect(await dhcpAdd.getByLabel('MAC address').inputValue()).toBe('');

      const dnsAdd = page.getByTestId('network-dns-add');
      // Host names without an address: refused at the address field, nothing added.
      await dnsAdd.getByLabel('Host names').focus();
      await page.keyboard.type('db.example');
      await page.keyboard.press('Enter');
      await expect.poll(() => dnsAdd.getByLabel('IP address').getAttribute('aria-invalid')).toBe('true');
      expect((await entries()).config.dns).toEqual([]);
      await dnsAdd.getByLabel('IP address').fill(`${NET}.70`);
      await dnsAdd.getByLabel('IP address').press('Enter');
      const dns = page.getByTestId('network-dns-hosts');
      await dns.getByText('db.example').waitFor();
      await expect
        .poll(async () => (await entries()).config.dns)
        .toEqual([{ ip: `${NET}.70`, hostnames: ['db.example'] }]);
      await reviewShots(page, 'networks-entries', { settleMs: 200 });

      // Remove both again (Enter on the focused Remove button).
      await dns.getByRole('button', { name: `Remove ${NET}.70` }).focus();
      await page.keyboard.press('Enter');
      await dns.waitFor({ state: 'detached' });
      await hosts.getByRole('button', { name: `Remove ${NET}.60` }).focus();
      await page.keyboard.press('Enter');
      await hosts.getByText(`${NET}.60`).waitFor({ state: 'detached' });
      await expect.poll(entries).toEqual({
        live: { dhcp: [`${NET}.50`], dns: [] },
        config: { dhcp: [`${NET}.50`], dns: [] },
      });
    });
  },
);
