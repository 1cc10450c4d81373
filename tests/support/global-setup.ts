/**
 * Vitest globalSetup for the 'integration' project (tests/integration, tests/e2e): builds the tiny guest,
 * starts one private libvirt session daemon for the whole run and hands its coordinates to the tests via
 * `provide()` (read them with `testEnv()` from ./env.ts) and `process.env` (set before any worker is
 * spawned, so workers and the processes they start inherit them). The teardown stops the daemon — its
 * guests included — and removes its folder; exit/signal hooks in ./daemon.ts cover aborted runs.
 */
import type { TestProject } from 'vitest/node';
import { TEST_ENV_KEYS } from './env.js';
import { startTestBed, type TestBed } from './testbed.js';

const log = (msg: string) => process.stderr.write(`[virtdesk-test] ${msg}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  let bed: TestBed | undefined = await startTestBed({ log });
  for (const key of TEST_ENV_KEYS) project.provide(key, bed.values[key]);
  log(
    `private libvirtd pid ${bed.daemon.pid} (uid ${bed.daemon.uid}) at ${bed.daemon.socketPath}, ` +
      `virt type ${bed.env.virtType}, ready in ${Date.now() - t0} ms`,
  );

  return async () => {
    if (!bed) return;
    const b = bed;
    bed = undefined;
    await b.stop();
    log(`private libvirtd stopped, ${b.daemon.dir} removed`);
  };
}
