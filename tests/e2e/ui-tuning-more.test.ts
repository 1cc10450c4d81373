/**
 * E2E (renderer), by keyboard: the Tuning tab's IOThreads, per-device disk I/O and Security sections on a
 * running tiny guest of the private system daemon — add an IOThread and pin it, limit reads on a host
 * block device, set a static DAC label for the next boot and back; each found in libvirt through a second
 * connection. Screenshots at 800x600 and 1280x800, light and dark, go to $VD_SHOTS_DIR when set.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainAffect,
  DomainXMLFlags,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { DomainXml, readDomainTuningMore } from '../../electron/libvirt-xml/index.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
const hostDisk = ['vda', 'sda', 'nvme0n1'].find((n) => fs.existsSync(`/dev/${n}`));

describe.skipIf(!sys.available)(
  `renderer e2e: IOThreads, per-device I/O, security${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = uniqueGuestName('ui-tune-more');
    let app: RunningApp;
    let page: Page;
    let second: LibvirtClient;
    let dom: DomainRef;
    const done = 'Done: in effect now and at next boot.';

    beforeAll(async () => {
      if (!sys.available) return;
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-ui-tuning-more');
      const disk = path.join(sys.scratchDir, `${name}.img`);
      fs.writeFileSync(disk, Buffer.alloc(8 * 1024 * 1024));
      second = await openConnection(sys.uri);
      dom = await second.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd, vcpus: 2, disk }));
      await second.domainCreate(dom);
      app = await startApp({ connections: [{ name: 'System', uri: sys.uri }] });
      page = await (await launchBrowser()).newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(app.url);
    }, 120_000);

    afterAll(async () => {
      if (!sys.available) return;
      await second?.domainDestroy(dom).catch(() => {});
      await second?.domainUndefineFlags(dom).catch(() => {});
      await second?.close();
      await stopAll();
    });

    it('adds an IOThread and pins it by keyboard; libvirt has both', async () => {
      await page.getByTestId('vm-search').fill(name);
      await page.getByTestId('vm-search').press('Enter');
      await page.keyboard.press('Enter');
      await page.locator('#tab-tuning').click();
      const count = page.getByTestId('tune-iothreads-count-field');
      await count.waitFor();
      await count.fill('1');
      await count.press('Enter');
      await page.getByTestId('tune-iothreads-count-outcome').getByText(done).waitFor();
      expect((await second.domainGetIOThreadInfo(dom, DomainAffect.LIVE)).map((t) => t.id)).toEqual([1]);

      const cpus = page.getByTestId('tune-iothread-1-cpus');
      await cpus.fill('0');
      await cpus.press('Enter');
      await page.getByTestId('tune-iothread-1-outcome').getByText(done).waitFor();
      expect((await second.domainGetIOThreadInfo(dom, DomainAffect.LIVE))[0]?.cpus).toEqual([0]);
      await page.getByTestId('tune-iothread-1-now').getByText('Asked: 0 · running VM: 0').waitFor();

      // A CPU the host lacks: refused at the field.
      const host = (await second.nodeGetInfo()).cpus;
      await page.getByTestId('tune-iothread-1-cpus').fill(String(host + 3));
      await page.getByTestId('tune-iothread-1-cpus').press('Enter');
      await page
        .getByTestId('tune-iothread-1')
        .getByText(`This host has no CPU ${host + 3}`, { exact: false })
        .waitFor();
      await reviewShots(page, 'tuning-iothreads', { scrollTo: page.getByTestId('tune-iothreads') });
    }, 60_000);

    it.skipIf(!hostDisk)(
      'limits reads on a host block device',
      async () => {
        await page.getByTestId('tune-blkdev-new-path').fill(`/dev/${hostDisk}`);
        await page.getByTestId('tune-blkdev-new-readBytesSec').fill('1024');
        await page.getByTestId('tune-blkdev-new-readBytesSec').press('Enter');
        await page.getByTestId('tune-blkdev-0').waitFor();
        // The running VM's definition (domainGetBlkioParameters fails on a running VM where the kernel
        // has no disk weights: libvirt reads the weight too).
        const live = readDomainTuningMore(DomainXml.parse(await second.domainGetXMLDesc(dom, 0)));
        expect(live.blkioDevices).toEqual([
          expect.objectContaining({ path: `/dev/${hostDisk}`, readBytesSec: 1048576 }),
        ]);
        await reviewShots(page, 'tuning-blkdev', { scrollTo: page.getByTestId('tune-blkdevs') });
      },
      60_000,
    );

    it('sets a static DAC label for the next boot, then dynamic again', async () => {
      await page
        .getByTestId('tune-sec-owner')
        .getByText(/^\+\d+:\+\d+$/)
        .waitFor();
      await page.getByTestId('tune-sec-dac-static').check();
      await page.getByTestId('tune-sec-dac-label').fill('+0:+0');
      await page.getByTestId('tune-sec-dac-label').press('Enter');
      await page
        .getByTestId('tune-sec-dac-outcome')
        .getByText('Saved: in effect from the next boot.')
        .waitFor();
      expect(await second.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).toMatch(
        /<seclabel type=["']static["'] model=["']dac["'][^>]*>\s*<label>\+0:\+0<\/label>/,
      );
      await reviewShots(page, 'tuning-security', { scrollTo: page.getByTestId('tune-security') });
      await page.getByTestId('tune-sec-dac-dynamic').focus();
      await page.keyboard.press('Space');
      await page.getByTestId('tune-sec-dac-apply').press('Enter');
      await page
        .getByTestId('tune-sec-dac-outcome')
        .getByText('Saved: in effect from the next boot.')
        .waitFor();
      expect(await second.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).toMatch(
        /<seclabel type=["']dynamic["'] model=["']dac["']/,
      );
    }, 60_000);
  },
);
