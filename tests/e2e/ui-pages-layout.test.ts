/**
 * E2E (renderer): every page and dialog of the app at 800×600, 1280×800, 1920×1080 and 4K (3840×2160),
 * light and dark, screenshotted into $VD_SHOTS_DIR (default test-artifacts/ui/, names `pages-<scene>-<w>x<h>-<theme>.png`)
 * and checked automatically at each size (support/layout-check.ts): no two sibling text boxes overlap, no
 * list column is narrower than the minimum its CSS declares, dialog buttons stay in the window, no bar is
 * cut off. The pages come from the app itself where it can tell (every tab in a VM's tab bar, every host page
 * in the sidebar), so tabs and pages added later are covered too.
 *
 * Scenes: first run, the connection dialog (empty and after a failed connect), a connection not connected,
 * the VM list (empty → New VM; with VMs; a row menu open), the sidebar overlay, each VM tab on a running
 * tiny guest and on a shut-off one (Display and Console on the shut-off VM show Start), New VM (empty, OS
 * list open, refused input at the fields, a created VM that did not start — kept with "Keep it and edit"),
 * clone, migrate, rename, delete, every host page (the test driver's readiness shows the KVM item as not
 * applicable), shortcuts and about.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../electron/libvirt/client.js';
import type { LibvirtClient } from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';
import { removeGuest } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { writeFakeIso } from '../support/iso.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { gridTemplates, layoutProblems } from './support/layout-check.js';
import { ARTIFACTS, isolatedName, testUriForFile, until, writeTestNode } from './ui-helpers.js';

const SIZES = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
type Size = (typeof SIZES)[number];
const SHOTS = process.env.VD_SHOTS_DIR ?? ARTIFACTS;
const TEMPLATES = gridTemplates();

describe('renderer e2e: every page at four sizes, light and dark, with a layout check', () => {
  const env = testEnv();
  let app: RunningApp;
  let fresh: RunningApp;
  let page: Page;
  let qemu: LibvirtClient;
  const running = uniqueGuestName('pages-run');
  const off = uniqueGuestName('pages-off');
  let runningDom: DomainRef | undefined;
  let offDom: DomainRef | undefined;
  const ids = { test: '', empty: '', qemu: '', offline: '' };

  beforeAll(async () => {
    const node = writeTestNode(env.scratchDir, 24, 'pages-vm-with-a-rather-long-name');
    const empty = writeTestNode(env.scratchDir, 0, 'pages-empty');
    app = await startApp({
      connections: [
        { name: 'Test driver', uri: testUriForFile(env.testUri, node.path) },
        { name: 'Empty host', uri: testUriForFile(env.testUri, empty.path) },
        { name: 'Private QEMU', uri: env.qemuUri },
        { name: 'Offline host', uri: testUriForFile(env.testUri, empty.path), autoconnect: false },
      ],
    });
    [ids.test, ids.empty, ids.qemu, ids.offline] = app.connectionIds as [string, string, string, string];
    qemu = app.core.getClient(ids.qemu) as unknown as LibvirtClient;
    const guest = (name: string, vnc: boolean): string =>
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        vcpus: 1,
        memoryMiB: 128,
        serial: 'pty',
        vnc,
      });
    runningDom = await qemu.domainDefineXML(guest(running, true));
    await qemu.domainCreate(runningDom);
    offDom = await qemu.domainDefineXML(guest(off, true));
    fresh = await startApp({ connections: [] });
    page = await (await launchBrowser({ viewport: SIZES[0] })).newPage();
    await page.goto(app.url);
    await page.getByTestId('vm-row').first().waitFor({ timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    try {
      if (qemu) for (const name of [running, off]) await removeGuest([qemu], name);
    } finally {
      await stopAll();
    }
  });

  /** Light and dark screenshots of what the page shows now. */
  const shots = async (name: string): Promise<void> => {
    mkdirSync(SHOTS, { recursive: true });
    const { width, height } = page.viewportSize()!;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `pages-${name}-${width}x${height}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };

  /** At every size: `show` brings the scene up, then the layout check and the screenshots. */
  const scene = async (name: string, show: (size: Size) => Promise<void>, hide?: () => Promise<void>) => {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await show(size);
      await page.waitForTimeout(250); // transitions (sidebar, dialogs) and charts settle
      expect(await layoutProblems(page, TEMPLATES), `${name} at ${size.width}×${size.height}`).toEqual([]);
      await shots(name);
      if (hide) await hide();
    }
  };

  const closeDialog = async (): Promise<void> => {
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
  };

  /** Opens the sidebar when it is an overlay (narrow window). */
  const sidebar = async (): Promise<void> => {
    const toggle = page.getByTestId('sidebar-toggle');
    if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true') {
      await toggle.click();
      await until(async () => (await page.locator('nav.sidebar').boundingBox())?.x === 0, 'sidebar', 5_000);
    }
  };
  /** Waits until an overlay sidebar has slid away (after navigating). */
  const sidebarGone = async (): Promise<void> => {
    const toggle = page.getByTestId('sidebar-toggle');
    await until(
      async () => !(await toggle.isVisible()) || !(await page.locator('nav.sidebar').isVisible()),
      'the sidebar to close',
      5_000,
    );
  };
  /** Page `i` of a connection in the sidebar: 0 the VM list, then its host pages. */
  const navRows = (conn: string) => page.getByTestId(`conn-${conn}`).locator('.nav-row');
  const openNav = async (conn: string, i: number): Promise<void> => {
    await sidebar();
    await navRows(conn).nth(i).click();
    await sidebarGone();
  };
  const openList = async (conn: string): Promise<void> => {
    await openNav(conn, 0);
    await page.getByTestId('vm-search').fill('');
    await page.getByTestId('empty-new-vm').or(page.getByTestId('vm-row').first()).first().waitFor();
  };
  const row = (name: string) => page.locator(`[data-testid=vm-row][data-name="${name}"]`);
  const openVm = async (conn: string, name: string): Promise<void> => {
    await openList(conn);
    await page.getByTestId('vm-search').fill(name);
    await row(name).dblclick();
    await expect.poll(() => page.getByTestId('header-title').textContent()).toContain(name);
  };
  /** The ids of the tabs in the VM page's tab bar, as the app shows them. */
  const tabIds = (): Promise<string[]> =>
    page.locator('.tabs [role=tab]').evaluateAll((tabs) => tabs.map((t) => t.id.replace(/^tab-/, '')));
  const rowMenu = async (conn: string, name: string, item: string): Promise<void> => {
    await openList(conn);
    await page.getByTestId('vm-search').fill(name);
    await row(name).getByTestId('vm-menu').click();
    await page.getByRole('menuitem', { name: item }).click();
  };

  it('first run, and the connection dialog (empty, then after a failed connect)', async () => {
    await page.goto(fresh.url);
    await page.getByTestId('first-run').waitFor();
    await scene('first-run', async () => {
      await page.getByTestId('readiness-summary').and(page.locator('[data-ok]:not([data-ok=""])')).waitFor();
    });
    await scene(
      'connection-dialog',
      async () => {
        await page.getByRole('button', { name: /Other Connection/ }).click();
        await page.getByTestId('connection-dialog').waitFor();
      },
      closeDialog,
    );
    await scene(
      'connection-dialog-failed',
      async () => {
        await page.getByRole('button', { name: /Other Connection/ }).click();
        const dialog = page.getByTestId('connection-dialog');
        await dialog
          .locator('#conn-uri')
          .fill(`test+unix:///nonexistent.xml?socket=${env.scratchDir}/none.sock`);
        await dialog.locator('#conn-uri').press('Enter');
        await dialog.getByTestId('connect-failed').waitFor({ timeout: 20_000 });
      },
      closeDialog,
    );
    await page.goto(app.url);
    await page.getByTestId('vm-row').first().waitFor({ timeout: 30_000 });
  }, 120_000);

  it('the VM list: empty (New VM offered), with VMs, a row menu open; the sidebar overlay; not connected', async () => {
    if (!page.url().startsWith(app.baseUrl)) await page.goto(app.url); // after a failed first run
    await scene('list-empty', async () => {
      await openList(ids.empty);
      await page.getByTestId('empty-new-vm').waitFor();
    });
    await scene('list', () => openList(ids.test));
    await scene(
      'list-row-menu',
      async () => {
        await openList(ids.test);
        await page.getByTestId('vm-row').nth(1).getByTestId('vm-menu').click();
        await page.locator('.popover [role^=menuitem]').first().waitFor();
      },
      () => page.keyboard.press('Escape'),
    );
    await page.setViewportSize(SIZES[0]);
    await openList(ids.test);
    await sidebar();
    await page.waitForTimeout(250);
    expect(await layoutProblems(page, TEMPLATES), 'sidebar overlay').toEqual([]);
    await shots('sidebar-overlay');
    await page.keyboard.press('Escape');
    await scene('not-connected', async () => {
      await openNav(ids.offline, 0);
      await page.getByTestId('not-connected').waitFor();
    });
  }, 120_000);

  it('every VM tab on a running and on a shut-off VM; Display on the shut-off VM offers Start', async () => {
    for (const [state, name] of [
      ['running', running],
      ['off', off],
    ] as const) {
      await openVm(ids.qemu, name);
      const tabs = await tabIds();
      expect(tabs).toEqual(
        expect.arrayContaining(['overview', 'console', 'display', 'performance', 'snapshots']),
      );
      for (const tab of tabs) {
        await scene(`vm-${tab}-${state}`, async () => {
          await openVm(ids.qemu, name);
          await page.locator(`#tab-${tab}`).click();
          await page.locator(`#tab-${tab}[aria-selected=true]`).waitFor();
          // status pages carry their next action
          if (tab === 'display' && state === 'off') await page.getByTestId('display-start').waitFor();
          if (tab === 'console' && state === 'off') await page.getByTestId('console-start').waitFor();
          if (tab === 'display' && state === 'running')
            await page.locator('[data-testid=vm-display][data-phase=connected]').waitFor({ timeout: 30_000 });
          await page.waitForTimeout(500); // first samples, terminal attach
        });
      }
    }
  }, 300_000);

  it("the Console tab's Start starts the shut-off VM and shows its console", async () => {
    await openVm(ids.qemu, off);
    await page.locator('#tab-console').click();
    await page.getByTestId('console-start').click();
    await page.getByTestId('vm-console').waitFor({ timeout: 30_000 });
    expect((await qemu.domainGetState(offDom!, 0)).state).toBe(1); // running
    await qemu.domainDestroy(offDom!);
    await page.getByTestId('console-start').waitFor({ timeout: 30_000 });
  });

  it('New VM: the empty form, the OS list open, refused input at its fields', async () => {
    const dialog = page.getByTestId('newvm-dialog');
    const open = async (): Promise<void> => {
      await openList(ids.qemu);
      await page.getByTestId('new-vm').click();
      await dialog.waitFor();
      await dialog.getByTestId('newvm-host-memory').waitFor(); // the host's figures are in
    };
    await scene('newvm', open, closeDialog);
    await scene(
      'newvm-os-list',
      async () => {
        await open();
        await dialog.getByRole('combobox', { name: 'Operating system' }).fill('deb');
        await dialog.locator('#newvm-os-list [role=option]').first().waitFor();
      },
      closeDialog,
    );
    await scene(
      'newvm-refused',
      async () => {
        await open();
        await dialog.getByLabel('Name').fill(running); // taken
        await dialog.getByText(`A VM named "${running}" exists already`).waitFor();
        await dialog.getByLabel(/Install from ISO/).fill('/nonexistent/install.iso');
        await dialog.getByText(/Cannot read .*install\.iso/).waitFor({ timeout: 10_000 });
        await dialog.getByLabel('Memory (MiB)').fill('99999999');
        await dialog.getByText(/More than this host has/).waitFor();
        await dialog.getByLabel('CPUs').fill('4096');
        await dialog.getByTestId('newvm-cpus-warning').waitFor();
        expect(await dialog.getByTestId('newvm-create').isDisabled()).toBe(true);
      },
      closeDialog,
    );
  }, 120_000);

  it("New VM's last step: a VM created that did not start — “Keep it and edit” keeps it and opens it", async () => {
    // Readable by VirtDesk (root), not by the daemon's user: the dialog accepts it, QEMU cannot open it.
    const secret = join(env.scratchDir, `pages-secret-${process.pid}.iso`);
    writeFakeIso(secret, { volumeId: 'SECRET' });
    chmodSync(secret, 0o600);
    // short: a long name makes libvirt's guest-agent socket path too long, a failure of another kind
    const failing = `vdk-${process.pid.toString(16)}`;
    try {
      await page.setViewportSize(SIZES[0]);
      await openList(ids.qemu);
      await page.getByTestId('new-vm').click();
      const dialog = page.getByTestId('newvm-dialog');
      await dialog.getByTestId('newvm-host-memory').waitFor();
      await dialog.getByLabel('Name').fill(failing);
      await dialog.getByLabel(/Install from ISO/).fill(secret);
      await dialog.getByTestId('newvm-detected').waitFor({ timeout: 10_000 });
      await dialog.getByLabel('Memory (MiB)').fill('128');
      await dialog.getByLabel('CPUs').fill('1');
      await dialog.getByLabel('Create a disk').uncheck(); // nothing in a pool
      await dialog.getByTestId('newvm-create').click();
      await dialog
        .getByTestId('newvm-start-failed')
        .filter({ hasText: `${failing} was created but did not start.` })
        .waitFor({ timeout: 30_000 });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.waitForTimeout(250);
        expect(await layoutProblems(page, TEMPLATES), `newvm-start-failed at ${size.width}`).toEqual([]);
        await shots('newvm-start-failed');
      }
      await dialog.getByTestId('newvm-keep').click();
      await dialog.waitFor({ state: 'detached' });
      await page
        .getByRole('status')
        .getByText(`${isolatedName(failing)} was kept (not running)`)
        .waitFor();
      await expect.poll(() => page.getByTestId('header-title').textContent()).toContain(failing);
      await page.locator('#tab-hardware[aria-selected=true]').waitFor(); // where the edit is made
      const kept = await qemu.domainLookupByName(failing);
      expect((await qemu.domainGetState(kept, 0)).state).toBe(5); // defined, shut off
    } finally {
      rmSync(secret, { force: true });
      await removeGuest([qemu], failing);
    }
  }, 90_000);

  it('clone, migrate, rename and delete dialogs', async () => {
    const cases: [string, string, string, string][] = [
      ['clone', off, 'Clone…', 'clone-dialog'],
      ['migrate', running, 'Migrate…', 'migrate-dialog'],
      ['rename', off, 'Rename…', 'rename-dialog'],
      ['delete', off, 'Delete…', 'delete-dialog'],
    ];
    for (const [scenario, vm, item, testId] of cases)
      await scene(
        scenario,
        async () => {
          await rowMenu(ids.qemu, vm, item);
          await page.getByTestId(testId).waitFor();
        },
        closeDialog,
      );
  }, 120_000);

  it('every host page in the sidebar; readiness on the test driver says the KVM item does not apply', async () => {
    for (const [conn, label] of [
      [ids.qemu, 'qemu'],
      [ids.test, 'test'],
    ] as const) {
      await openList(conn);
      await sidebar();
      const pages = await navRows(conn).count();
      await page.keyboard.press('Escape');
      expect(pages).toBeGreaterThanOrEqual(3); // VMs, Host, KVM readiness, …
      for (let i = 1; i < pages; i++) {
        await openNav(conn, i);
        const title = (await navRows(conn).nth(i).textContent())!.trim();
        const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
        await scene(`host-${label}-${slug}`, async () => {
          await openNav(conn, i);
          await page.waitForTimeout(300);
          const readiness = page.getByTestId('readiness-summary');
          if (await readiness.isVisible())
            await page.locator('[data-testid=readiness-summary]:not([data-ok=""])').waitFor();
        });
        if (label === 'test' && (await page.getByTestId('readiness').isVisible())) {
          const item = page.getByTestId('readiness-item-kvm-domcaps');
          expect(await item.getAttribute('data-status')).toBe('skip');
          expect(await item.textContent()).toContain('does not run KVM guests');
        }
      }
    }
  }, 180_000);

  it('shortcuts and about', async () => {
    await scene(
      'shortcuts',
      async () => {
        await openList(ids.test);
        await page.keyboard.press('Control+Shift+Slash');
        await page.getByTestId('shortcuts-dialog').waitFor();
      },
      closeDialog,
    );
    await scene(
      'about',
      async () => {
        await page.getByTestId('main-menu').click();
        await page.getByRole('menuitem', { name: /About/ }).click();
        await page.locator('dialog[open]').waitFor();
      },
      closeDialog,
    );
  });

  it('the check fails on a real overlap, a column below its minimum and dialog buttons off screen', async () => {
    await page.setViewportSize(SIZES[0]);
    await openList(ids.test);
    const broken = async (css: string): Promise<string[]> => {
      const style = await page.addStyleTag({ content: css });
      await page.waitForTimeout(100);
      try {
        return await layoutProblems(page, TEMPLATES);
      } finally {
        await style.evaluate((s) => (s as HTMLElement).remove());
      }
    };
    expect(await layoutProblems(page, TEMPLATES)).toEqual([]);
    // labels of the list's toolbar pushed onto each other
    const overlap = await broken('[data-testid=vm-toolbar] > * + * { margin-left: -60px; }');
    expect(
      overlap.some((p) => p.startsWith('overlap:')),
      overlap.join('\n'),
    ).toBe(true);
    // the Name column squeezed below the minimum the list's CSS declares
    const squeezed = await broken('.vm-grid { --name-min: 0px !important; column-gap: 200px !important; }');
    expect(
      squeezed.some((p) => p.startsWith('columns:')),
      squeezed.join('\n'),
    ).toBe(true);
    // a dialog taller than the window with its buttons below it
    await page.getByTestId('new-vm').click();
    await page.getByTestId('newvm-dialog').waitFor();
    const tall = await broken(
      'dialog.dialog[open] { max-height: none !important; height: 900px; overflow: visible; }',
    );
    expect(
      tall.some((p) => p.startsWith('dialog button off screen')),
      tall.join('\n'),
    ).toBe(true);
    await closeDialog();
  });
});
