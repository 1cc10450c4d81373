/**
 * Vitest globalSetup for the 'integration' project (tests/integration, tests/e2e): builds the tiny guest,
 * starts one private libvirt session daemon for the whole run and hands its coordinates to the tests via
 * `provide()` (read them with `testEnv()` from ./env.ts) and `process.env` (set before any worker is
 * spawned, so workers and the processes they start inherit them). The teardown stops the daemon — its
 * guests included — and removes its folder; exit/signal hooks in ./daemon.ts cover aborted runs.
 *
 * Both shared daemons are watched (./daemon-watch.ts): one that crashes or hangs mid-run is recorded as
 * an incident, and the daemon is restarted at the same socket. The incidents are repeated last,
 * after the daemons stopped, so they are at the end of the run's output with the failures they explain.
 */
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { describeIncident, INCIDENTS_FILE } from './daemon-incidents.js';
import { watchDaemon, type DaemonWatch } from './daemon-watch.js';
import { SYSTEM_ENV_KEYS, TEST_ENV_KEYS, type SystemEnvValues } from './env.js';
import { startSystemDaemon, systemDaemonUnavailable, type SystemDaemon } from './system-daemon.js';
import { startTestBed, type TestBed } from './testbed.js';

const log = (msg: string) => process.stderr.write(`[virtdesk-test] ${msg}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  fs.rmSync(INCIDENTS_FILE, { force: true });
  let bed: TestBed | undefined = await startTestBed({ log });
  for (const key of TEST_ENV_KEYS) project.provide(key, bed.values[key]);
  log(
    `private libvirtd pid ${bed.daemon.pid} (uid ${bed.daemon.uid}) at ${bed.daemon.socketPath}, ` +
      `virt type ${bed.env.virtType}, ready in ${Date.now() - t0} ms`,
  );

  let system: SystemDaemon | undefined;
  const systemValues: SystemEnvValues = {
    VIRTDESK_TEST_SYSTEM_URI: '',
    VIRTDESK_TEST_SYSTEM_DIR: '',
    VIRTDESK_TEST_SYSTEM_NSPID: '',
    VIRTDESK_TEST_SYSTEM_SKIP: systemDaemonUnavailable() ?? '',
  };
  if (!systemValues.VIRTDESK_TEST_SYSTEM_SKIP) {
    const t1 = Date.now();
    try {
      system = await startSystemDaemon();
    } catch (err) {
      await bed.stop();
      throw err;
    }
    systemValues.VIRTDESK_TEST_SYSTEM_URI = system.uri;
    systemValues.VIRTDESK_TEST_SYSTEM_DIR = system.scratchDir;
    systemValues.VIRTDESK_TEST_SYSTEM_NSPID = String(system.nsPid);
    log(
      `private system libvirtd (own mount/net/pid namespaces) at ${system.socketPath}, ready in ${Date.now() - t1} ms`,
    );
  } else {
    log(
      `no private system libvirtd: ${systemValues.VIRTDESK_TEST_SYSTEM_SKIP}; pool, network and tuning tests skip`,
    );
  }
  for (const key of SYSTEM_ENV_KEYS) {
    project.provide(key, systemValues[key]);
    process.env[key] = systemValues[key];
  }

  const session = bed.daemon;
  const watches: DaemonWatch[] = [
    watchDaemon(
      {
        name: 'private libvirtd (session)',
        uri: session.qemuUri,
        pid: () => session.pid,
        dir: session.dir,
        restart: () => session.restart(),
      },
      { log },
    ),
  ];
  if (system) {
    const sys = system;
    watches.push(
      watchDaemon(
        {
          name: 'private system libvirtd',
          uri: sys.uri,
          pid: () => sys.daemonPid(),
          dir: sys.dir,
          restart: () => sys.restart(),
        },
        { log },
      ),
    );
  }

  return async () => {
    await Promise.all(watches.map((w) => w.stop()));
    const s = system;
    system = undefined;
    if (s) {
      await s.stop();
      log(`private system libvirtd stopped, ${s.dir} removed`);
    }
    if (!bed) return;
    const b = bed;
    bed = undefined;
    await b.stop();
    log(`private libvirtd stopped, ${b.daemon.dir} removed`);
    for (const incident of watches.flatMap((w) => w.incidents)) {
      log(`daemon incident: ${describeIncident(incident)}`);
    }
  };
}
