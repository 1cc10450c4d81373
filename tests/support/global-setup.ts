/**
 * Vitest globalSetup for the 'integration' project (tests/integration, tests/e2e): builds the tiny guest,
 * starts one private libvirt session daemon for the whole run and hands its coordinates to the tests via
 * `provide()` (read them with `testEnv()` from ./env.ts) and `process.env` (set before any worker is
 * spawned, so workers and the processes they start inherit them). The teardown stops the daemon — its
 * guests included — and removes its folder; exit/signal hooks in ./daemon.ts cover aborted runs.
 */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startPrivateDaemon, type PrivateDaemon } from './daemon.js';
import type { TestEnvValues } from './env.js';
import { buildTinyGuest, pickVirtType, stageTinyGuest } from './guest.js';

const log = (msg: string) => process.stderr.write(`[virtdesk-test] ${msg}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const guest = buildTinyGuest({ log });
  let daemon: PrivateDaemon | undefined = await startPrivateDaemon();
  try {
    const staged = stageTinyGuest(guest, daemon.scratchDir);
    let caps = '';
    try {
      caps = execFileSync('virsh', ['-q', '-c', daemon.qemuUri, 'domcapabilities'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
    } catch (err) {
      log(`domcapabilities failed, assuming TCG: ${String(err)}`);
    }
    const values: TestEnvValues = {
      VIRTDESK_TEST_SOCKET: daemon.socketPath,
      VIRTDESK_TEST_QEMU_URI: daemon.qemuUri,
      VIRTDESK_TEST_TEST_URI: daemon.testUri,
      VIRTDESK_TEST_DIR: daemon.scratchDir,
      VIRTDESK_TEST_GUEST_KERNEL: staged.kernel,
      VIRTDESK_TEST_GUEST_INITRD: staged.initrd,
      VIRTDESK_TEST_VIRT_TYPE: pickVirtType(caps),
      VIRTDESK_TEST_DAEMON_UID: String(daemon.uid),
      VIRTDESK_TEST_DAEMON_GID: String(daemon.gid),
    };
    for (const [key, value] of Object.entries(values) as [keyof TestEnvValues, string][]) {
      process.env[key] = value;
      project.provide(key, value);
    }
    log(
      `private libvirtd pid ${daemon.pid} (uid ${daemon.uid}) at ${daemon.socketPath}, ` +
        `virt type ${values.VIRTDESK_TEST_VIRT_TYPE}, ready in ${Date.now() - t0} ms`,
    );
  } catch (err) {
    await daemon.stop();
    throw err;
  }

  return async () => {
    if (!daemon) return;
    const d = daemon;
    daemon = undefined;
    await d.stop();
    log(`private libvirtd stopped, ${d.dir} removed`);
  };
}
