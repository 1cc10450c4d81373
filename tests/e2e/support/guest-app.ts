/**
 * E2E fixture shared by the guest-driven suites (consoles, graphs): web mode with one connection to the
 * private QEMU daemon, the tiny guest defined and started on it with its serial port logged, and a Chromium
 * page on the app. `stop()` destroys and undefines the guest and stops everything, also after a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { DomainRef } from '../../../electron/libvirt/client.js';
import type { LibvirtClient } from '../../../electron/libvirt/index.js';
import { testEnv } from '../../support/env.js';
import { waitForGuestBoot } from '../../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './app.js';

export interface GuestApp {
  name: string;
  serialLog: string;
  app: RunningApp;
  client: LibvirtClient;
  dom: DomainRef;
  page: Page;
  /** Uncaught errors of the page. */
  errors: string[];
  /** Resolves once the guest printed its banner or prompt on the serial port. */
  waitForBoot(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startGuestApp(prefix: string, opts: { vnc?: boolean } = {}): Promise<GuestApp> {
  const env = testEnv();
  const name = uniqueGuestName(prefix);
  const serialLog = path.join(env.scratchDir, `${name}.serial.log`);
  let client: LibvirtClient | undefined;
  let dom: DomainRef | undefined;
  const stop = async (): Promise<void> => {
    try {
      if (dom && client) {
        await client.domainDestroy(dom).catch(() => undefined);
        await client.domainUndefineFlags(dom, 0).catch(() => undefined);
      }
    } finally {
      fs.rmSync(serialLog, { force: true });
      await stopAll();
    }
  };
  try {
    const app = await startApp({ connections: [{ name: 'Private QEMU', uri: env.qemuUri }] });
    client = app.core.getClient(app.connectionIds[0]!) as unknown as LibvirtClient;
    const xml = tinyGuestXml({
      name,
      kernel: env.guestKernel,
      initrd: env.guestInitrd,
      virtType: env.virtType,
      vcpus: 1,
      memoryMiB: 128,
      serial: 'pty',
      serialLog,
      vnc: opts.vnc ?? false,
    });
    dom = await client.domainDefineXML(xml);
    await client.domainCreate(dom);
    const browser = await launchBrowser();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (process.env.VD_E2E_DEBUG) page.on('console', (m) => console.log(`[page] ${m.type()}: ${m.text()}`));
    await page.goto(app.url);
    const waitForBoot = (timeoutMs?: number) => waitForGuestBoot(serialLog, timeoutMs);
    return { name, serialLog, app, client, dom, page, errors, waitForBoot, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
