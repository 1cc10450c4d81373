/**
 * E2E (renderer), by keyboard: the Tuning tab of a running tiny guest on the private system daemon
 * (cgroup tuning needs one) — pin two vCPUs on the host map and find the pinning in libvirt's XML through
 * a second connection; a memory hard limit below the VM's memory refused at the field (nothing sent, the
 * XML unchanged), then a good one set. Screenshots at 800x600 and 1280x800, light and dark, go to
 * $VD_SHOTS_DIR when set.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainAffect,
  DomainXMLFlags,
  openConnection,
  paramsToRecord,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { DomainXml, readDomainTuning } from '../../electron/libvirt-xml/index.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();

describe.skipIf(!sys.available)(
  `renderer e2e: tuning${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = uniqueGuestName('ui-tune');
    let app: RunningApp;
    let page: Page;
    let second: LibvirtClient;
    let dom: DomainRef;
    const configTuning = async () =>
      readDomainTuning(DomainXml.parse(await second.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)));

    beforeAll(async () => {
      if (!sys.available) return;
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-ui-tuning');
      second = await openConnection(sys.uri);
      dom = await second.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd, vcpus: 2 }));
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

    it('pins two vCPUs on the host map by keyboard; libvirt’s XML has the pinning', async () => {
      const host = (await second.nodeGetInfo()).cpus;
      await page.getByTestId('vm-search').fill(name);
      await page.getByTestId('vm-search').press('Enter');
      await page.keyboard.press('Enter');
      await page.locator('#tab-tuning').click();
      await page.getByTestId('tune-map').waitFor();
      expect(await page.getByTestId('tune-timing').first().textContent()).toBe(
        'Applies now and at next boot',
      );

      // vCPU 0: everything but CPU 0 (unpinned, every CPU is on: Space turns the first one off).
      await page.getByTestId('tune-target-0').focus();
      await page.keyboard.press('Tab'); // into the map, on its first CPU
      await page.keyboard.press('Space');
      await page.keyboard.press('Enter');
      await page.getByTestId('tune-pin-outcome').getByText('Done: in effect now and at next boot.').waitFor();
      const rest = Array.from({ length: host - 1 }, (_, i) => i + 1);

      // vCPU 1: only CPU 0 (turn every other CPU off).
      await page.getByTestId('tune-target-0').focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.getByTestId('tune-target-1').getAttribute('aria-checked')).toBe('true');
      await page.keyboard.press('Tab');
      for (let i = 1; i < host; i++) {
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Space');
      }
      await page.keyboard.press('Enter');
      await page.getByTestId('tune-pin-outcome').getByText('Done: in effect now and at next boot.').waitFor();

      const t = await configTuning();
      expect(t.vcpuPins).toEqual([
        { vcpu: 0, cpus: rest },
        { vcpu: 1, cpus: [0] },
      ]);
      expect(await second.domainGetVcpuPinInfo(dom, DomainAffect.LIVE)).toEqual([rest, [0]]);
      await page.getByTestId('tune-asked').getByText('0', { exact: true }).waitFor();
      await reviewShots(page, 'tuning');
    }, 60_000);

    it('refuses a hard limit below the VM’s memory at the field, then sets a good one', async () => {
      const field = page.getByTestId('tune-mem-hardLimitKiB');
      await field.focus();
      await field.fill('64');
      await page.keyboard.press('Enter');
      await page
        .getByTestId('tune-mem')
        .getByText(
          'A hard limit of 64 MiB is below the 128 MiB this VM has; it would be killed. Give at least 128 MiB.',
        )
        .waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect((await configTuning()).memtune.hardLimitKiB).toBeNull();
      await reviewShots(page, 'tuning-refused');

      await field.fill('512');
      await page.keyboard.press('Enter');
      await page.getByTestId('tune-mem-outcome').getByText('Done: in effect now and at next boot.').waitFor();
      expect((await configTuning()).memtune.hardLimitKiB).toBe(512 * 1024);
      const live = paramsToRecord(await second.domainGetMemoryParameters(dom, DomainAffect.LIVE));
      expect(live.hard_limit).toBe(512 * 1024);

      // An empty NUMA node set: refused at the field, nothing sent.
      const nodes = page.getByTestId('tune-numa-nodes');
      await nodes.focus();
      await nodes.fill('');
      await page.keyboard.press('Enter');
      await page.getByTestId('tune-numa').getByText('Choose at least one NUMA node.').waitFor();
      expect((await configTuning()).numa).toBeNull();
    }, 60_000);
  },
);
