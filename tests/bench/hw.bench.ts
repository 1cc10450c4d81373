/**
 * Hardware tab benchmark (renderer in Chromium, web mode, private QEMU session daemon):
 *
 * - hw.open_ms: a VM with 100 disks (defined, not started); the Hardware tab is opened and the time from
 *   the hardware's arrival in the renderer (`hardware.get` answered: mark `virtdesk:hw-data`) to the frame
 *   after the item list (CPU, Memory, Boot, 100+ devices) and the CPU editor are on screen — the tab is
 *   interactive. Median of REPS page loads after a warm-up. Target < 100 ms.
 * - hw.apply_changes: the libvirt calls that change something (define, set…, attach…) made by one
 *   `hardware.apply` (the memory of that VM), counted at the wire client; target ≤ 2 (config + live). The
 *   reads around it (lookup, the XML read, the VM list's own refresh after libvirt's event) are printed.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { add, child } from '../../electron/libvirt-xml/dom.js';
import { DomainXml } from '../../electron/libvirt-xml/index.js';
import { startPrivateDaemon, type PrivateDaemon } from '../support/daemon.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startApp, type RunningApp } from '../e2e/support/app.js';
import { tinyGuestXml } from '../support/guest.js';

const DISKS = 100;
const REPS = Number(process.env.VD_BENCH_HW_REPS ?? 5);

const line = (name: string, value: number, unit: string, op: '<' | '<=', target: number): void => {
  const pass = op === '<' ? value < target : value <= target;
  console.log(`BENCH ${name} ${value.toFixed(1)} ${unit} target ${op}${target} ${pass ? 'PASS' : 'MISS'}`);
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** vda … vdz, vdaa … (libvirt's disk names). */
const diskName = (i: number): string => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return `vd${s}`;
};

/** In the page (a string: no bundler helpers leak into it): ms from the data's arrival to interactive. */
const TAB_READY = `async (items) => {
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const mark = performance.getEntriesByName('virtdesk:hw-data')[0];
    if (mark && document.querySelectorAll('[data-item]').length >= items && document.querySelector('[data-testid=hw-editor-cpu]')) break;
    if (performance.now() > 60000) throw new Error('the Hardware tab did not appear');
  }
  await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - performance.getEntriesByName('virtdesk:hw-data')[0].startTime;
}`;

/** Procedures that only read (lookups, XML and state reads, lists). */
const READ_ONLY = /Lookup|Get|Is[A-Z]|List|Num[A-Z]/;

/** The libvirt procedures issued while one `hardware.apply` runs, through the core as a renderer calls it. */
async function applyCalls(app: RunningApp, uuid: string): Promise<string[]> {
  type Caller = { call: (proc: string, ...rest: unknown[]) => Promise<unknown> };
  const connectionId = app.connectionIds[0]!;
  const client = app.core.getClient(connectionId) as unknown as Caller;
  const real = client.call.bind(client);
  const procs: string[] = [];
  client.call = (proc, ...rest) => {
    procs.push(proc);
    return real(proc, ...rest);
  };
  try {
    const session = app.core.openSession(() => undefined);
    const change = { kind: 'memory', maxKiB: 160 * 1024, currentKiB: 160 * 1024 };
    const r = await app.core.dispatch(session, 'hardware.apply', { connectionId, uuid, change });
    if (!r.ok) throw new Error(`hardware.apply: ${r.error.message}`);
  } finally {
    client.call = real;
  }
  return procs;
}

async function openOnce(page: Page, url: string, name: string): Promise<number> {
  await page.goto(url);
  await page.getByTestId('vm-search').fill(name);
  await page.getByTestId('vm-search').press('Enter');
  await page.keyboard.press('Enter');
  await page.locator('#tab-hardware').click();
  return page.evaluate(`(${TAB_READY})(${DISKS + 3})`) as Promise<number>;
}

export default async function hwBench(): Promise<void> {
  let daemon: PrivateDaemon | undefined;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let client: LibvirtClient | undefined;
  try {
    daemon = await startPrivateDaemon();
    client = await openConnection(daemon.qemuUri);
    const name = 'bench-hw-100-disks';
    const xml = DomainXml.parse(
      tinyGuestXml({ name, kernel: '/nonexistent/vmlinuz', initrd: '/nonexistent/initrd', virtType: 'qemu' }),
    );
    const devices = child(xml.root, 'devices')!;
    for (let i = 0; i < DISKS; i++) {
      const disk = add(devices, 'disk', { type: 'file', device: 'disk' });
      add(disk, 'driver', { name: 'qemu', type: 'raw' });
      add(disk, 'source', { file: `${daemon.scratchDir}/${name}-${i}.raw` });
      add(disk, 'target', { dev: diskName(i), bus: 'virtio' });
    }
    await client.domainDefineXML(xml.toString());
    app = await startApp({ connections: [{ name: 'Bench', uri: daemon.qemuUri }] });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openOnce(page, app.url, name); // warm-up (Chromium's caches, the core's host limits)
    const runs: number[] = [];
    for (let i = 0; i < REPS; i++) runs.push(await openOnce(page, app.url, name));
    console.log(
      `hw: Hardware tab of a VM with ${DISKS} disks, data → interactive: ${runs.map((r) => r.toFixed(1)).join(', ')} ms`,
    );
    line('hw.open_ms', median(runs), 'ms', '<', 100);
    const procs = await applyCalls(app, (await client.domainLookupByName(name)).uuid);
    const changes = procs.filter((p) => !READ_ONLY.test(p));
    console.log(`hw: one hardware.apply (memory, VM shut off) → libvirt: ${procs.join(', ')}`);
    line('hw.apply_changes', changes.length, 'calls', '<=', 2);
  } finally {
    await browser?.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    await client?.close().catch(() => undefined);
    await daemon?.stop().catch(() => undefined);
  }
}
