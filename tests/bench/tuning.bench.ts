/**
 * Tuning benchmark (renderer in Chromium, web mode, private libvirt daemon, test driver):
 *
 * - tuning.open_ms: the Tuning tab of a 64-vCPU VM opened (its tab clicked) → its host map painted: 2 NUMA
 *   nodes × 1 socket × 8 cores × 2 threads = 2 sockets, 32 threads (the test driver's node file; libvirt
 *   draws no topology for it, so VirtDesk draws it from node info's counts) and the 65 placement targets.
 *   tuning.get over the WebSocket, React render, the frame after it. Median of REPS opens after a warm-up
 *   (each open starts from the Overview tab, so the tab mounts afresh). Target < 100 ms.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startPrivateDaemon, type PrivateDaemon } from '../support/daemon.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startApp, type RunningApp } from '../e2e/support/app.js';
import { testUriForFile } from '../e2e/ui-helpers.js';

const REPS = Number(process.env.VD_BENCH_TUNING_REPS ?? 7);
const VM = 'bench-tune-64';

const NODE_XML =
  `<node><cpu><mhz>2000</mhz><model>x86_64</model><nodes>2</nodes><sockets>1</sockets><cores>8</cores>` +
  `<threads>2</threads><active>32</active></cpu><memory>67108864</memory>` +
  `<domain type='test'><name>${VM}</name><uuid>7e5e0000-0000-4000-8000-000000000064</uuid>` +
  `<memory>8388608</memory><vcpu>64</vcpu><os><type arch='x86_64'>hvm</type></os></domain></node>`;

/** In the page: after the click, resolves with the time until the map's 32 threads are on screen. */
const MAP_PAINTED = `async () => {
  const t0 = performance.now();
  document.getElementById('tab-tuning').click();
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    if (document.querySelectorAll('[data-testid=tune-map] [data-cpu]').length === 32 &&
        document.querySelectorAll('[data-testid^=tune-target-]').length === 65) break;
    if (performance.now() - t0 > 30000) throw new Error('the map did not appear');
  }
  await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - t0;
}`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function tuningBench(): Promise<void> {
  let daemon: PrivateDaemon | undefined;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let nodeFile = '';
  try {
    daemon = await startPrivateDaemon();
    nodeFile = join(daemon.scratchDir, `bench-tuning-${process.pid}.xml`);
    writeFileSync(nodeFile, NODE_XML);
    chmodSync(nodeFile, 0o644);
    app = await startApp({ connections: [{ name: 'Bench', uri: testUriForFile(daemon.testUri, nodeFile) }] });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.url);
    await page.getByTestId('vm-search').fill(VM);
    await page.getByTestId('vm-search').press('Enter');
    await page.keyboard.press('Enter');
    await page.locator('#tab-tuning').waitFor();
    const runs: number[] = [];
    for (let i = 0; i < REPS + 1; i++) {
      await page.locator('#tab-overview').click();
      await page.getByTestId('vm-tuning').waitFor({ state: 'detached' });
      const ms = (await page.evaluate(`(${MAP_PAINTED})()`)) as number;
      if (i > 0) runs.push(ms); // the first is a warm-up (code paths, JIT)
    }
    // For review: the big map, when VD_SHOTS_DIR is set (not part of the figure).
    if (process.env.VD_SHOTS_DIR)
      await page.screenshot({
        path: join(process.env.VD_SHOTS_DIR, 'tuning-64vcpu-1280x800.png'),
        fullPage: true,
      });
    console.log(
      `tuning: tab click → 64 vCPUs on a 32-thread map painted, runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms`,
    );
    const value = median(runs);
    console.log(`BENCH tuning.open_ms ${value.toFixed(1)} ms target <100 ${value < 100 ? 'PASS' : 'MISS'}`);
  } finally {
    await browser?.close().catch(() => {});
    await app?.stop().catch(() => {});
    if (nodeFile) rmSync(nodeFile, { force: true });
    await daemon?.stop().catch(() => {});
  }
}
