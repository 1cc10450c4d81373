/**
 * A private, throw-away libvirt *session* daemon for tests.
 *
 * `startPrivateDaemon()` runs `/usr/sbin/libvirtd --timeout 0` (monolithic: it serves both
 * `qemu:///session` and `test:///…`) with its own HOME and XDG folders under a fresh temp folder. When the
 * test run is root, the daemon runs as the unprivileged user `virtdesk-test` (via `setpriv`), otherwise as
 * the current user. It never talks to the machine's system daemon.
 *
 * Everything the daemon (and its qemu/virtlogd children) started is found again by its environment
 * (HOME / XDG_* pointing into the temp folder), so `stop()` and the process-exit hooks can kill exactly
 * those processes — never another test run's daemon — and remove the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  copyCapsFiles,
  debugLogConf,
  watchForCrash,
  projectCache,
  saveMaps,
  OWNER_FILE,
  sweepStaleFolders,
  installHooks,
  live,
  procStart,
  procState,
  readProc,
  removeDir,
  signalAll,
  sleep,
  waitGone,
  waitForSocket,
  waitGoneSync,
} from './procs.js';

export const DAEMON_USER = 'virtdesk-test';
const LIBVIRTD = '/usr/sbin/libvirtd';
const SETPRIV = '/usr/bin/setpriv';
// Short on purpose: libvirt puts UNIX sockets (guest agent channels: …/config/libvirt/qemu/channel/
// target/domain-<id>-<name>/org.qemu.guest_agent.0) below this folder, and a socket path has at most
// 107 characters; with 'virtdesk-test-' a guest named vdt-xxx-xxxxxx went over once the domain ids
// reached 100 in a full run.
const DIR_PREFIX = 'vdtest-';
const DEFAULT_CAPS_CACHE = projectCache('libvirt-qemu-caps');
/** Below `$XDG_CACHE_HOME`: the session qemu driver's capability cache. */
const CAPS_SUBDIR = path.join('libvirt', 'qemu', 'cache', 'capabilities');

export interface StartDaemonOptions {
  /** Bounded wait for the socket to appear (ms). Default 30 s. */
  startTimeoutMs?: number;
  /** Parent folder for the temp folder. Default `os.tmpdir()`. */
  parentDir?: string;
  /** Extra lines for `$XDG_CONFIG_HOME/libvirt/libvirtd.conf`. */
  libvirtdConf?: string;
  /** Extra lines for `$XDG_CONFIG_HOME/libvirt/qemu.conf`. */
  qemuConf?: string;
  /**
   * Where libvirt's qemu capability probes are kept between runs (saves seconds per daemon; libvirt
   * re-probes by itself when qemu or libvirt changed). Default `.cache/libvirt-qemu-caps/`; null = off.
   */
  capsCacheDir?: string | null;
}

export interface PrivateDaemon {
  /** `<dir>/run/libvirt/libvirt-sock` */
  socketPath: string;
  /** `qemu+unix:///session?socket=<socketPath>` */
  qemuUri: string;
  /** `test+unix:///default?socket=<socketPath>` */
  testUri: string;
  /** The temp folder holding everything (removed by `stop()`). */
  dir: string;
  /** A folder the daemon user can read and write (disk images, serial logs, test-driver XML). */
  scratchDir: string;
  /** The daemon's log (stdout + stderr of libvirtd). */
  logPath: string;
  /** uid/gid the daemon runs as. */
  uid: number;
  gid: number;
  /** pid of libvirtd. */
  pid: number;
  /** Kill guests and helpers, stop the daemon, remove the folder. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL libvirtd only (a crash: guests and helpers stay); resolves when it is gone. */
  kill(): Promise<void>;
  /** Start libvirtd again on the same folder and socket path (after `kill`); resolves when it listens. */
  restart(): Promise<void>;
}

interface Account {
  uid: number;
  gid: number;
  name: string;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function lookupUser(name: string): Account | undefined {
  let passwd: string;
  try {
    passwd = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && f[3] !== undefined) {
      return { name, uid: Number(f[2]), gid: Number(f[3]) };
    }
  }
  return undefined;
}

/** The account the daemon runs as: `virtdesk-test` when root, else the current user. */
export function daemonAccount(): Account {
  if (isRoot()) {
    const acct = lookupUser(DAEMON_USER);
    if (!acct) {
      throw new Error(
        `The user '${DAEMON_USER}' does not exist. Run 'node tests/support/ensure-host.mjs' as root first ` +
          `(or: useradd --system --create-home --home-dir /var/lib/${DAEMON_USER} --shell /usr/sbin/nologin ${DAEMON_USER}).`,
      );
    }
    return acct;
  }
  const info = os.userInfo();
  return { uid: info.uid, gid: info.gid, name: info.username };
}

/** Make a path (file or folder) usable by the daemon user; a no-op when not root. */
export function shareWithDaemon(p: string, recursive = false): void {
  if (!isRoot()) return;
  const { uid, gid } = daemonAccount();
  fs.chownSync(p, uid, gid);
  if (recursive && fs.statSync(p).isDirectory()) {
    for (const entry of fs.readdirSync(p)) shareWithDaemon(path.join(p, entry), true);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Finding the processes that belong to a daemon folder
// ---------------------------------------------------------------------------------------------------------

const ENV_KEYS = ['HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME'];

function under(value: string, dir: string): boolean {
  return value === dir || value.startsWith(dir + '/');
}

/**
 * pids (other than ours) whose HOME/XDG_* environment or command line points into `dir`, restricted to
 * `uid` when given. Used for the daemon itself, virtlogd, and every qemu it started.
 */
export function findDaemonProcesses(dir: string, uid?: number): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const st = procState(pid);
    if (!st || st.state === 'Z' || st.state === 'X') continue;
    if (uid !== undefined && st.uid !== uid) continue;
    let match = false;
    const environ = readProc(pid, 'environ');
    if (environ) {
      for (const kv of environ.toString('utf8').split('\0')) {
        const eq = kv.indexOf('=');
        if (eq > 0 && ENV_KEYS.includes(kv.slice(0, eq)) && under(kv.slice(eq + 1), dir)) {
          match = true;
          break;
        }
      }
    }
    if (!match) {
      const cmdline = readProc(pid, 'cmdline')?.toString('utf8') ?? '';
      const argv0 = cmdline.split('\0')[0] ?? '';
      // qemu's -pidfile/-chardev paths live under the folder; only trust this for libvirt's own children.
      if (/qemu|libvirt|virtlog|dnsmasq/.test(argv0) && cmdline.includes(dir + '/')) match = true;
    }
    if (match) found.push(pid);
  }
  return found;
}

/** Synchronous best-effort teardown (exit hooks, stale folders). */
function killAndRemoveSync(dir: string, uid: number | undefined, daemonPid?: number): void {
  const guests = findDaemonProcesses(dir, uid).filter((p) => p !== daemonPid);
  signalAll(guests, 'SIGKILL');
  if (daemonPid !== undefined) signalAll([daemonPid], 'SIGKILL');
  const all = findDaemonProcesses(dir, uid);
  signalAll(all, 'SIGKILL');
  waitGoneSync([...guests, ...all, ...(daemonPid !== undefined ? [daemonPid] : [])], 3000);
  removeDir(dir);
}

// ---------------------------------------------------------------------------------------------------------
// Exit hooks: clean up even when the run fails, exits early or is interrupted
// ---------------------------------------------------------------------------------------------------------

/** Remove folders of earlier runs whose owner process is gone (e.g. killed with SIGKILL). */
export function cleanStaleDaemons(parentDir = os.tmpdir()): string[] {
  return sweepStaleFolders(parentDir, DIR_PREFIX, (dir) => killAndRemoveSync(dir, undefined));
}

// ---------------------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------------------

function mkdirOwned(p: string, acct: Account, mode = 0o700): string {
  fs.mkdirSync(p, { recursive: true, mode });
  fs.chmodSync(p, mode);
  if (isRoot()) fs.chownSync(p, acct.uid, acct.gid);
  return p;
}

function seedCaps(from: string, to: string, cacheHome: string, acct: Account): void {
  // The session daemon insists on owning every folder of its cache path.
  let p = cacheHome;
  for (const part of CAPS_SUBDIR.split(path.sep)) mkdirOwned((p = path.join(p, part)), acct);
  copyCapsFiles(from, to, isRoot() ? acct : undefined);
}

export async function startPrivateDaemon(opts: StartDaemonOptions = {}): Promise<PrivateDaemon> {
  if (!fs.existsSync(LIBVIRTD)) {
    throw new Error(
      `${LIBVIRTD} not found: run 'node tests/support/ensure-host.mjs' (libvirt-daemon-system).`,
    );
  }
  const acct = daemonAccount();
  const parentDir = opts.parentDir ?? os.tmpdir();
  cleanStaleDaemons(parentDir);
  installHooks();

  const dir = fs.mkdtempSync(path.join(parentDir, DIR_PREFIX));
  fs.writeFileSync(
    path.join(dir, OWNER_FILE),
    JSON.stringify({ pid: process.pid, start: procStart(process.pid) }) + '\n',
  );
  fs.chmodSync(dir, 0o755);
  // Until the daemon runs, a failure here must still remove the folder.
  let daemonPid: number | undefined;
  const syncCleanup = () => killAndRemoveSync(dir, isRoot() ? acct.uid : undefined, daemonPid);
  live.set(dir, syncCleanup);

  let child: ChildProcess | undefined;
  try {
    const home = mkdirOwned(path.join(dir, 'home'), acct);
    const runtime = mkdirOwned(path.join(dir, 'run'), acct);
    const config = mkdirOwned(path.join(dir, 'config'), acct);
    const cache = mkdirOwned(path.join(dir, 'cache'), acct);
    const data = mkdirOwned(path.join(dir, 'data'), acct);
    const scratchDir = mkdirOwned(path.join(dir, 'scratch'), acct, 0o777);
    const libvirtConf = mkdirOwned(path.join(config, 'libvirt'), acct);

    const writeOwned = (file: string, text: string) => {
      fs.writeFileSync(file, text);
      if (isRoot()) fs.chownSync(file, acct.uid, acct.gid);
    };
    // The daemon user cannot create files in `dir` itself: a debug log there is made for it.
    writeOwned(path.join(dir, 'libvirtd-debug.log'), '');
    writeOwned(
      path.join(libvirtConf, 'libvirtd.conf'),
      ['# written by tests/support/daemon.ts', ...debugLogConf(dir), opts.libvirtdConf ?? '', ''].join('\n'),
    );
    writeOwned(
      path.join(libvirtConf, 'qemu.conf'),
      ['# written by tests/support/daemon.ts', 'vnc_listen = "127.0.0.1"', opts.qemuConf ?? '', ''].join(
        '\n',
      ),
    );

    const capsCacheDir = opts.capsCacheDir === undefined ? DEFAULT_CAPS_CACHE : opts.capsCacheDir;
    const capsDir = path.join(cache, CAPS_SUBDIR);
    if (capsCacheDir) seedCaps(capsCacheDir, capsDir, cache, acct);

    const socketPath = path.join(runtime, 'libvirt', 'libvirt-sock');
    const logPath = path.join(dir, 'libvirtd.log');

    const env: Record<string, string> = {
      HOME: home,
      XDG_RUNTIME_DIR: runtime,
      XDG_CONFIG_HOME: config,
      XDG_CACHE_HOME: cache,
      XDG_DATA_HOME: data,
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      USER: acct.name,
      LOGNAME: acct.name,
      LANG: 'C.UTF-8',
      TMPDIR: scratchDir,
    };
    const daemonArgs = ['--timeout', '0'];
    let file: string;
    let args: string[];
    if (isRoot()) {
      file = SETPRIV;
      args = [
        `--reuid=${acct.uid}`,
        `--regid=${acct.gid}`,
        '--init-groups',
        '--',
        'env',
        '-i',
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        LIBVIRTD,
        ...daemonArgs,
      ];
    } else {
      file = LIBVIRTD;
      args = daemonArgs;
    }
    let stopping: Promise<void> | undefined;
    const launch = async (): Promise<ChildProcess> => {
      const fd = fs.openSync(logPath, 'a');
      const c = spawn(file, args, {
        cwd: home,
        env: isRoot() ? { PATH: env.PATH } : env,
        stdio: ['ignore', fd, fd],
        detached: true, // own process group: a terminal ^C reaches us, and we tear down in order
      });
      fs.closeSync(fd);
      daemonPid = c.pid;
      watchForCrash(c, `private libvirtd ${c.pid} (${socketPath})`, dir, () => stopping !== undefined);
      await waitForSocket(c, socketPath, logPath, 'libvirtd', opts.startTimeoutMs ?? 30_000);
      saveMaps(c.pid, dir);
      return c;
    };
    child = await launch();
    let started: ChildProcess = child;

    const uidFilter = isRoot() ? acct.uid : undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        // 1. Guests (qemu) and helpers (virtlogd, …): kill like `virsh destroy` would.
        const helpers = findDaemonProcesses(dir, uidFilter).filter((p) => p !== started.pid);
        signalAll(helpers, 'SIGKILL');
        await waitGone(helpers, 5000);
        // 2. The daemon: SIGTERM, then SIGKILL.
        if (started.exitCode === null && started.signalCode === null) {
          const gone = new Promise<void>((resolve) => started.once('exit', () => resolve()));
          signalAll([started.pid!], 'SIGTERM');
          const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000));
          if ((await Promise.race([gone, timer])) === 'timeout') {
            signalAll([started.pid!], 'SIGKILL');
            await Promise.race([gone, sleep(3000)]);
          }
        }
        // 3. Anything that was spawned meanwhile.
        const rest = findDaemonProcesses(dir, uidFilter);
        signalAll(rest, 'SIGKILL');
        await waitGone(rest, 5000);
        if (capsCacheDir) copyCapsFiles(capsDir, capsCacheDir);
        removeDir(dir);
        live.delete(dir);
      })();
      return stopping;
    };

    const kill = async (): Promise<void> => {
      if (started.exitCode !== null || started.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => started.once('exit', () => resolve()));
      signalAll([started.pid!], 'SIGKILL');
      await Promise.race([gone, sleep(5000)]);
    };
    const restart = async (): Promise<void> => {
      await kill();
      // The dead daemon's socket file stays behind; without removing it the wait below would pass at once.
      fs.rmSync(socketPath, { force: true });
      started = await launch();
    };

    return {
      socketPath,
      qemuUri: `qemu+unix:///session?socket=${socketPath}`,
      testUri: `test+unix:///default?socket=${socketPath}`,
      dir,
      scratchDir,
      logPath,
      uid: acct.uid,
      gid: acct.gid,
      get pid() {
        return started.pid!;
      },
      stop,
      kill,
      restart,
    };
  } catch (err) {
    syncCleanup();
    live.delete(dir);
    throw err;
  }
}
