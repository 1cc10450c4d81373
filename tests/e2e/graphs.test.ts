/**
 * E2E (graphs, host pages): web mode + Chromium against the private daemon. The tiny guest (TCG here)
 * burns CPU through its serial console and the Performance tab's CPU figure rises above 50 %; the host
 * dashboard shows this machine's real figures; the readiness check reports this machine correctly.
 */
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import type { DomainRef } from '../../electron/libvirt/client.js';
import type { RunningApp } from './support/app.js';
import { readText, until } from '../support/poll.js';
import { startGuestApp, type GuestApp } from './support/guest-app.js';
import { screenshot } from './ui-helpers.js';
import { DomainXml } from '../../electron/libvirt-xml/index.js';

const pct = (text: string | null): number => {
  const m = /(-?[\d.]+)\s*%/.exec(text ?? '');
  return m ? Number(m[1]) : NaN;
};

describe('e2e: performance graphs, host dashboard, readiness', () => {
  let g: GuestApp;
  let app: RunningApp;
  let client: LibvirtClient;
  let page: Page;
  let dom: DomainRef | null = null;
  let name = '';
  let serialLog = '';
  let errors: string[] = [];

  beforeAll(async () => {
    g = await startGuestApp('graphs');
    ({ app, client, page, dom, name, serialLog, errors } = g);
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('the Performance tab shows the CPU rising above 50 % while the guest burns CPU', async () => {
    // boot, then start a busy loop through the serial console (write to the guest's pty)
    await g.waitForBoot();
    const live = await client.domainGetXMLDesc(dom!, 0);
    const pty = DomainXml.parse(live).serials.find((s) => s.type === 'pty')?.path ?? undefined;
    expect(pty, 'pty path in the live XML').toMatch(/^\/dev\/pts\/\d+$/);
    const fh = await fs.promises.open(pty!, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
    try {
      // QEMU notices a reader on its pty within about a second; before that it does not read input.
      // Keep the pty open and repeat until the guest's shell echoes the command.
      const deadline = Date.now() + 60_000;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1500));
        await fh.write('while :; do :; done &\n');
        const ok = await until(
          'the shell to echo the loop',
          5_000,
          () => readText(serialLog).includes('while :; do :; done') || undefined,
        ).catch(() => false);
        if (ok) break;
        if (Date.now() > deadline)
          throw new Error(
            `the guest shell did not take input; serial log tail: ${JSON.stringify(readText(serialLog).slice(-600))}`,
          );
      }
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await fh.close();
    }

    await page.locator(`[data-testid=vm-row][data-name="${name}"]`).dblclick({ timeout: 30_000 });
    await page.locator('#tab-performance').click();
    await page.getByTestId('vm-performance').waitFor();
    const cpu = page.getByTestId('perf-cpu-value');
    const seen = await until('CPU above 50 %', 90_000, async () => {
      const v = pct(await cpu.textContent());
      return v > 50 ? v : undefined;
    });
    expect(seen).toBeGreaterThan(50);
    expect(seen).toBeLessThanOrEqual(100);
    // the chart has drawn (uPlot canvas present) and other figures are live
    expect(await page.locator('[data-testid=perf-cpu-chart] canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('perf-mem-value').textContent()).toMatch(/iB/);
    await screenshot(page, 'graphs-performance');

    // history: a graph opened later shows the past (main kept it)
    const h = await app.core.dispatch(app.core.sessions.all()[0]!, 'stats.history', {
      connectionId: app.connectionIds[0],
      target: 'vm',
      vmUuid: dom!.uuid,
      seconds: 600,
    });
    expect(h.ok).toBe(true);
    const hist = (h as { value: { t: number[]; series: { cpu: (number | null)[] } } }).value;
    expect(hist.t.length).toBeGreaterThan(5);
    expect(Math.max(...hist.series.cpu.map((v) => v ?? 0))).toBeGreaterThan(50);
  });

  it('the host dashboard shows real figures', async () => {
    await page.getByRole('button', { name: 'Host', exact: true }).click();
    await page.getByTestId('host-dashboard').waitFor();
    await expect
      .poll(() => page.getByTestId('host-hostname').textContent(), { timeout: 30_000 })
      .toBe(os.hostname());
    const cpus = Number(await page.getByTestId('host-cpus').textContent());
    expect(cpus).toBeGreaterThan(0);
    expect(cpus).toBe(os.cpus().length);
    expect(await page.getByTestId('host-libvirt-version').textContent()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await page.getByTestId('host-hypervisor').textContent()).toMatch(/QEMU/);
    // host CPU % arrives with the ticks
    await expect
      .poll(async () => pct(await page.getByTestId('host-cpu-value').textContent()), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(0);
    // NUMA cells from the capabilities, with free memory
    expect(
      await page.getByTestId('host-numa').locator('tbody tr').first().locator('td').first().textContent(),
    ).toBe('0');
    expect(await page.getByTestId('host-numa').textContent()).toMatch(/iB/);
    expect(await page.getByTestId('host-cpu-model').textContent()).not.toBe('—');
    // KSM: what the daemon returns (the shm_* parameters on Linux)
    expect(await page.getByTestId('host-ksm').textContent()).toContain('shm_pages_shared');
    // the running guest is listed with its security labels (DAC at least, in a session daemon maybe none)
    await expect
      .poll(() => page.getByTestId('host-labels').textContent(), { timeout: 20_000 })
      .toContain(name);
    await screenshot(page, 'host-dashboard');
  });

  it('the readiness check reports this machine correctly', async () => {
    await page.getByRole('button', { name: 'KVM Readiness', exact: true }).click();
    await page.getByTestId('readiness').waitFor();
    const item = (id: string) => page.getByTestId(`readiness-item-${id}`);
    await item('daemon').waitFor({ timeout: 60_000 });
    expect(await item('daemon').getAttribute('data-status')).toBe('pass');
    const hasKvm = (() => {
      try {
        fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
        return true;
      } catch {
        return false;
      }
    })();
    if (hasKvm) {
      expect(await item('dev-kvm').getAttribute('data-status')).toBe('pass');
    } else {
      expect(await item('dev-kvm').getAttribute('data-status')).toBe('fail');
      const fixes = await item('dev-kvm').getByTestId('readiness-fix-debian').textContent();
      expect(fixes).toMatch(/sudo modprobe kvm_(intel|amd)/);
      expect(await item('dev-kvm').getByTestId('readiness-fix-fedora').textContent()).toContain(
        'sudo dnf install',
      );
      expect(await page.getByTestId('readiness-summary').getAttribute('data-ok')).toBe('false');
    }
    // the session URI needs no group membership
    expect(await item('groups').getAttribute('data-status')).toBe('skip');
    await screenshot(page, 'readiness');
    expect(errors).toEqual([]);
  });
});
