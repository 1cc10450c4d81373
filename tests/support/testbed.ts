/**
 * The whole test bed in one call: builds the tiny guest, starts a private libvirt daemon, stages the guest
 * where the daemon user can read it, and exports the coordinates to `process.env` (so `testEnv()` works).
 * Used by the Vitest globalSetup, and usable directly by benchmarks / scripts (`npm run bench`):
 *
 *   const bed = await startTestBed();
 *   try { … bed.env.qemuUri … } finally { await bed.stop(); }
 */
import { execFileSync } from 'node:child_process';
import { startPrivateDaemon, type PrivateDaemon, type StartDaemonOptions } from './daemon.js';
import { TEST_ENV_KEYS, type TestEnv, type TestEnvValues } from './env.js';
import { buildTinyGuest, pickVirtType, stageTinyGuest } from './guest.js';

export interface TestBed {
  daemon: PrivateDaemon;
  values: TestEnvValues;
  env: TestEnv;
  /** Stops the daemon (guests included), removes its folder and unsets the exported variables. */
  stop(): Promise<void>;
}

export async function startTestBed(
  opts: StartDaemonOptions & { log?: (msg: string) => void } = {},
): Promise<TestBed> {
  const log = opts.log ?? (() => {});
  const guest = buildTinyGuest({ log });
  const daemon = await startPrivateDaemon(opts);
  try {
    const staged = stageTinyGuest(guest, daemon.scratchDir);
    let caps = '';
    try {
      caps = execFileSync('virsh', ['-q', '-c', daemon.qemuUri, 'domcapabilities'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    } catch (err) {
      log(`domcapabilities failed, assuming TCG: ${String(err)}`);
    }
    const virtType = pickVirtType(caps);
    const values: TestEnvValues = {
      VIRTDESK_TEST_SOCKET: daemon.socketPath,
      VIRTDESK_TEST_QEMU_URI: daemon.qemuUri,
      VIRTDESK_TEST_TEST_URI: daemon.testUri,
      VIRTDESK_TEST_DIR: daemon.scratchDir,
      VIRTDESK_TEST_GUEST_KERNEL: staged.kernel,
      VIRTDESK_TEST_GUEST_INITRD: staged.initrd,
      VIRTDESK_TEST_VIRT_TYPE: virtType,
      VIRTDESK_TEST_DAEMON_UID: String(daemon.uid),
      VIRTDESK_TEST_DAEMON_GID: String(daemon.gid),
      VIRTDESK_TEST_DAEMON_PID: String(daemon.pid),
    };
    for (const key of TEST_ENV_KEYS) process.env[key] = values[key];
    const env: TestEnv = {
      socketPath: daemon.socketPath,
      qemuUri: daemon.qemuUri,
      testUri: daemon.testUri,
      scratchDir: daemon.scratchDir,
      guestKernel: staged.kernel,
      guestInitrd: staged.initrd,
      virtType,
      daemonUid: daemon.uid,
      daemonGid: daemon.gid,
      daemonPid: daemon.pid,
    };
    return {
      daemon,
      values,
      env,
      stop: async () => {
        await daemon.stop();
        for (const key of TEST_ENV_KEYS) {
          if (process.env[key] === values[key]) delete process.env[key];
        }
      },
    };
  } catch (err) {
    await daemon.stop();
    throw err;
  }
}
