/**
 * E2E (renderer): a VM that cannot start because KVM went away offers "Open Readiness Check", which opens
 * the connection's readiness page. KVM is really taken away, but only from a private system daemon of this
 * file's own: inside its mount namespace an empty, unreadable file is bound over /dev/kvm after the VM
 * was defined with KVM, so QEMU (or libvirt's own check) refuses at start — the host's /dev/kvm, every
 * other daemon and every other test are untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';
import { tinyGuestXml } from '../support/guest.js';
import { startSystemDaemon, systemDaemonUnavailable, type SystemDaemon } from '../support/system-daemon.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { isolatedName } from './ui-helpers.js';

/** Why this file cannot run here (it needs the root-only private daemon and a KVM to take away). */
function unavailable(): string | null {
  const why = systemDaemonUnavailable();
  if (why) return why;
  if (!fs.existsSync('/dev/kvm')) return 'this host has no /dev/kvm, so there is no KVM to take away';
  return null;
}
const skip = unavailable();

describe.skipIf(skip !== null)(
  `renderer e2e: a VM that cannot start for want of KVM offers the readiness check${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const name = `vdkvm-${randomBytes(3).toString('hex')}`;
    let daemon: SystemDaemon;
    let client: LibvirtClient;
    let app: RunningApp;
    let page: Page;
    let kvmOffered = false;

    beforeAll(async () => {
      daemon = await startSystemDaemon();
      client = await openConnection(daemon.uri);
      const caps = await client
        .connectGetDomainCapabilities({ arch: 'x86_64', virttype: 'kvm' })
        .catch(() => null);
      kvmOffered = caps !== null;
      if (!kvmOffered) return;
      const env = testEnv();
      // The guest's files, where the daemon's qemu user can read them.
      const kernel = path.join(daemon.scratchDir, 'vmlinuz');
      const initrd = path.join(daemon.scratchDir, 'initrd');
      fs.copyFileSync(env.guestKernel, kernel);
      fs.copyFileSync(env.guestInitrd, initrd);
      for (const f of [kernel, initrd]) fs.chmodSync(f, 0o644);
      await client.domainDefineXML(tinyGuestXml({ name, kernel, initrd, virtType: 'kvm' }));
      // Now KVM goes away, for this daemon's namespace only.
      const gone = path.join(daemon.scratchDir, 'no-kvm');
      fs.writeFileSync(gone, '');
      fs.chmodSync(gone, 0o000);
      daemon.inNamespace(['/usr/bin/mount', '--bind', gone, '/dev/kvm']);
      app = await startApp({ connections: [{ name: 'This computer', uri: daemon.uri }] });
      page = await (await launchBrowser()).newPage();
      await page.goto(app.url);
    }, 180_000);

    afterAll(async () => {
      await stopAll();
      await Promise.resolve(client?.close()).catch(() => undefined);
      await daemon?.stop();
    });

    it('Start fails in plain words, and the toast opens the readiness check', async (ctx) => {
      if (!kvmOffered) ctx.skip(); // libvirt on this host does not offer KVM at all: nothing to take away
      const row = page.locator(`[data-testid=vm-row][data-name="${name}"]`);
      await row.waitFor({ timeout: 30_000 });
      await row.getByRole('button', { name: `Start ${name}` }).click();
      const toast = page.getByTestId('toast-error');
      await toast.waitFor({ timeout: 60_000 });
      expect(await toast.locator('.msg').evaluate((n) => n.firstChild?.textContent)).toBe(
        `Could not start “${isolatedName(name)}”.`,
      );
      await toast.getByTestId('toast-detail').locator('summary').click();
      expect(await toast.getByTestId('toast-detail').locator('.mono').textContent()).toMatch(/kvm/i);
      const open = toast.getByTestId('toast-action');
      expect(await open.textContent()).toBe('Open Readiness Check');
      await open.click();
      await page.getByTestId('readiness-item-kvm-domcaps').waitFor({ timeout: 30_000 });
      const dom = await client.domainLookupByName(name);
      expect((await client.domainGetState(dom)).state).toBe(5); // still shut off, nothing half-started
    }, 120_000);
  },
);
