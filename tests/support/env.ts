/**
 * The test bed's values for integration/e2e tests (set by tests/support/global-setup.ts).
 *
 *   import { testEnv } from '../support/env.js';
 *   const { testUri, qemuUri, scratchDir, guestKernel, guestInitrd, virtType } = testEnv();
 *
 * Inside Vitest the values come from `inject()` (provided by the globalSetup); outside (e.g. a bench
 * script run with tsx after the global setup exported them) from `process.env`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

export interface TestEnvValues {
  VIRTDESK_TEST_SOCKET: string;
  VIRTDESK_TEST_QEMU_URI: string;
  VIRTDESK_TEST_TEST_URI: string;
  VIRTDESK_TEST_DIR: string;
  VIRTDESK_TEST_GUEST_KERNEL: string;
  VIRTDESK_TEST_GUEST_INITRD: string;
  /** 'kvm' or 'qemu' (TCG), from the private daemon's domain capabilities. */
  VIRTDESK_TEST_VIRT_TYPE: string;
  /** uid/gid the private daemon runs as (virtdesk-test when the run is root). */
  VIRTDESK_TEST_DAEMON_UID: string;
  VIRTDESK_TEST_DAEMON_GID: string;
  /**
   * pid of the private libvirtd at start (`testEnv().daemonPid` is the current one). Tests that stop it
   * with SIGSTOP must SIGCONT it in a `finally`.
   */
  VIRTDESK_TEST_DAEMON_PID: string;
}

export const TEST_ENV_KEYS = [
  'VIRTDESK_TEST_SOCKET',
  'VIRTDESK_TEST_QEMU_URI',
  'VIRTDESK_TEST_TEST_URI',
  'VIRTDESK_TEST_DIR',
  'VIRTDESK_TEST_GUEST_KERNEL',
  'VIRTDESK_TEST_GUEST_INITRD',
  'VIRTDESK_TEST_VIRT_TYPE',
  'VIRTDESK_TEST_DAEMON_UID',
  'VIRTDESK_TEST_DAEMON_GID',
  'VIRTDESK_TEST_DAEMON_PID',
] as const satisfies readonly (keyof TestEnvValues)[];

/**
 * The private system-mode daemon (./system-daemon.ts), for pools, networks and cgroup tuning. Empty
 * strings when it is not running; VIRTDESK_TEST_SYSTEM_SKIP then says why.
 */
export interface SystemEnvValues {
  VIRTDESK_TEST_SYSTEM_URI: string;
  VIRTDESK_TEST_SYSTEM_DIR: string;
  VIRTDESK_TEST_SYSTEM_NSPID: string;
  VIRTDESK_TEST_SYSTEM_SKIP: string;
}

export const SYSTEM_ENV_KEYS = [
  'VIRTDESK_TEST_SYSTEM_URI',
  'VIRTDESK_TEST_SYSTEM_DIR',
  'VIRTDESK_TEST_SYSTEM_NSPID',
  'VIRTDESK_TEST_SYSTEM_SKIP',
] as const satisfies readonly (keyof SystemEnvValues)[];

declare module 'vitest' {
  export interface ProvidedContext extends TestEnvValues, SystemEnvValues {}
}

export interface TestEnv {
  /** The private daemon's unix socket. */
  socketPath: string;
  /** `qemu+unix:///session?socket=…` */
  qemuUri: string;
  /** `test+unix:///default?socket=…` */
  testUri: string;
  /** A scratch folder the daemon user can read and write (disk images, serial logs, test-driver XML). */
  scratchDir: string;
  /** The tiny guest's kernel and initramfs (readable by the daemon user). */
  guestKernel: string;
  guestInitrd: string;
  virtType: 'kvm' | 'qemu';
  daemonUid: number;
  daemonGid: number;
  daemonPid: number;
}

function lookup(key: keyof TestEnvValues | keyof SystemEnvValues): string | undefined {
  let value: string | undefined;
  try {
    value = inject(key);
  } catch {
    /* not inside a Vitest worker */
  }
  return value ?? process.env[key];
}

function read(key: (typeof TEST_ENV_KEYS)[number]): string {
  const value = lookup(key);
  if (!value) {
    throw new Error(
      `${key} is not set: run this test in the 'integration' Vitest project (its globalSetup ` +
        `tests/support/global-setup.ts starts the private libvirt daemon).`,
    );
  }
  return value;
}

export function testEnv(): TestEnv {
  return {
    socketPath: read('VIRTDESK_TEST_SOCKET'),
    qemuUri: read('VIRTDESK_TEST_QEMU_URI'),
    testUri: read('VIRTDESK_TEST_TEST_URI'),
    scratchDir: read('VIRTDESK_TEST_DIR'),
    guestKernel: read('VIRTDESK_TEST_GUEST_KERNEL'),
    guestInitrd: read('VIRTDESK_TEST_GUEST_INITRD'),
    virtType: read('VIRTDESK_TEST_VIRT_TYPE') === 'kvm' ? 'kvm' : 'qemu',
    daemonUid: Number(read('VIRTDESK_TEST_DAEMON_UID')),
    daemonGid: Number(read('VIRTDESK_TEST_DAEMON_GID')),
    daemonPid: currentDaemonPid(read('VIRTDESK_TEST_SOCKET')),
  };
}

/**
 * The private daemon's pid now: libvirtd's pid file beside its socket, which a restart by the run's
 * daemon watch (./daemon-watch.ts) rewrites; the pid it started with when there is no file.
 */
function currentDaemonPid(socketPath: string): number {
  return (
    pidFromFile(path.join(path.dirname(socketPath), 'libvirtd.pid')) ??
    Number(read('VIRTDESK_TEST_DAEMON_PID'))
  );
}

export type SystemEnv =
  | {
      available: true;
      /** `qemu+unix:///system?socket=…` of the private system daemon. */
      uri: string;
      /** Same path inside and outside the daemon's namespaces: pools, volumes, guest files. */
      scratchDir: string;
      /** Host pid of the namespace's init (`nsenter --target`). */
      nsPid: number;
    }
  | { available: false; skip: string };

/**
 * The private system daemon, or why there is none. Tests skip with `skip` as their reason:
 *
 *   const sys = systemTestEnv();
 *   describe.skipIf(!sys.available)(`networks${sys.available ? '' : ` (skipped: ${sys.skip})`}`, …)
 */
export function systemTestEnv(): SystemEnv {
  const uri = lookup('VIRTDESK_TEST_SYSTEM_URI');
  if (!uri) {
    return {
      available: false,
      skip:
        lookup('VIRTDESK_TEST_SYSTEM_SKIP') ||
        'the private system daemon was not started (run in the integration project)',
    };
  }
  const scratchDir = lookup('VIRTDESK_TEST_SYSTEM_DIR') ?? '';
  return {
    available: true,
    uri,
    scratchDir,
    nsPid:
      pidFromFile(path.join(path.dirname(scratchDir), NS_PID_FILE)) ??
      Number(lookup('VIRTDESK_TEST_SYSTEM_NSPID')),
  };
}

/**
 * The system daemon's namespace init pid, in the daemon's folder (beside `scratch/`): a restart by the
 * run's daemon watch (./daemon-watch.ts) starts a new namespace and rewrites it.
 */
export const NS_PID_FILE = 'ns.pid';

function pidFromFile(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
