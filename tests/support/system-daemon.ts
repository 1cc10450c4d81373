/**
 * A private, throw-away libvirt *system* daemon for tests of what needs privilege: storage pools other than
 * dir, virtual networks (bridges, dnsmasq, firewall rules) and cgroup tuning.
 *
 * It runs as root in namespaces of its own, so it can never touch the machine's libvirt, networks or VMs:
 * - a mount namespace in which private folders are bound over libvirt's system folders (/run/libvirt,
 *   /var/lib/libvirt, /etc/libvirt, /var/log/libvirt, /var/cache/libvirt) and over /run/lock (its
 *   console lock files): it sees none of the host's
 *   domains, networks, pools or secrets, and what it writes stays in its temp folder;
 * - a network namespace with only `lo`: bridges, dnsmasq and iptables rules live and die there;
 * - a pid namespace whose init is a small shell: killing the namespace kills every guest, dnsmasq and
 *   helper it started, and the shell reaps orphans (libvirtd as init would leave the zombies of the qemu
 *   capability probes behind, and then wait for them).
 * What namespaces do not cover is undone by `stop()`: libvirt's cgroups of guests that were still running
 * (libvirt removes them itself on a clean stop) and the folder.
 *
 * Paths under `scratchDir` are the same inside and outside the namespace, so pools, volumes and images
 * put there are visible to both the daemon and the tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NS_PID_FILE } from './env.js';
import {
  copyCapsFiles,
  projectCache,
  OWNER_FILE,
  sweepStaleFolders,
  debugLogConf,
  watchForCrash,
  saveMaps,
  type FolderOwner,
  installHooks,
  live,
  procStart,
  readProc,
  removeDir,
  signalAll,
  waitGone,
  waitForSocket,
  waitGoneSync,
} from './procs.js';

const LIBVIRTD = '/usr/sbin/libvirtd';
const UNSHARE = '/usr/bin/unshare';
const NSENTER = '/usr/bin/nsenter';
const DIR_PREFIX = 'virtdesk-sysd-';
const CGROUP_ROOT = '/sys/fs/cgroup';
const DEFAULT_CAPS_CACHE = projectCache('libvirt-qemu-caps-system');

/** Private folder name → the libvirt system folder it is bound over inside the namespace. */
const BINDS: readonly (readonly [string, string])[] = [
  ['run', '/run/libvirt'],
  ['state', '/var/lib/libvirt'],
  ['config', '/etc/libvirt'],
  ['log', '/var/log/libvirt'],
  ['cache', '/var/cache/libvirt'],
  // libvirt locks a serial console's pty with /run/lock/LCK..<tty> holding its pid *in this namespace*.
  // On the host's /run/lock, a lock left by a daemon that was killed looked held by whatever process had
  // that small pid in the next run's namespace: "Requested device '/dev/pts/0' is locked", and every
  // console open failed until someone deleted the file.
  ['lock', '/run/lock'],
];

/**
 * The namespace's init. A fixed script: every path comes in as a positional argument, none is spliced
 * into the text. It binds the folders, brings `lo` up and runs libvirtd as its child (not `exec`: see the
 * module comment on reaping).
 */
const INIT_SCRIPT = [
  'set -e',
  'dir=$1; shift',
  'while [ $# -ge 2 ]; do mkdir -p "$2"; mount --bind "$1" "$2"; shift 2; done',
  'ip link set lo up',
  // The namespace's own network devices under /sys/class/net (libvirt's udev interface backend and its
  // bridge code read them there): a sysfs mounted in this network namespace shows only its devices.
  'mkdir -p "$dir/sysfs"; mount -t sysfs virtdesk-sysfs "$dir/sysfs"',
  'mount --bind "$dir/sysfs/class/net" /sys/class/net',
  'mount --bind "$dir/sysfs/devices/virtual/net" /sys/devices/virtual/net',
  '/usr/sbin/libvirtd --pid-file "$dir/libvirtd.pid"',
].join('\n');

export interface SystemDaemon {
  /** `qemu+unix:///system?socket=<socketPath>` */
  uri: string;
  /** The daemon's read-write socket (only root may connect). */
  socketPath: string;
  /** The temp folder holding everything (removed by `stop()`). */
  dir: string;
  /** A folder with the same path inside and outside the namespace (pools, images, files for guests). */
  scratchDir: string;
  logPath: string;
  /** Host pid of the namespace's init now: `nsenter --target <nsPid>` runs a command inside. */
  nsPid: number;
  /** Host pid of libvirtd (the namespace init's child), or undefined when it is gone. */
  daemonPid(): number | undefined;
  /** Runs a command inside the daemon's mount and network namespaces (e.g. `ip link`) and returns stdout. */
  inNamespace(argv: string[]): string;
  /** Kills guests, dnsmasq and the daemon, removes leftover guest cgroups and the folder. Idempotent. */
  stop(): Promise<void>;
  /**
   * Starts it again in a new namespace on the same folder and socket (after a crash or hang): what was
   * defined stays, what ran is gone. `nsPid` changes; `systemTestEnv()` reads the current one.
   */
  restart(): Promise<void>;
}

export interface StartSystemDaemonOptions {
  parentDir?: string;
  startTimeoutMs?: number;
  /** Extra lines for the daemon's qemu.conf. */
  qemuConf?: string;
  /** Where libvirt's qemu capability probes are kept between runs; null = off. */
  capsCacheDir?: string | null;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Why the private system daemon cannot run here, or null when it can. Tests that need it skip with this
 * text, so a run without root says exactly what it did not cover.
 */
export function systemDaemonUnavailable(): string | null {
  if (!isRoot()) {
    return (
      'needs root: the private system-mode libvirtd (pools, networks, cgroup tuning) runs as root in its ' +
      'own mount, network and pid namespaces; run the tests as root (CI does)'
    );
  }
  for (const bin of [LIBVIRTD, UNSHARE, NSENTER, '/usr/sbin/ip']) {
    if (!fs.existsSync(bin)) return `${bin} is missing: run 'node tests/support/ensure-host.mjs' as root`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Leftovers: guest cgroups and folders of runs that were killed
// ---------------------------------------------------------------------------------------------------------

/** Domain names the daemon had defined or running (its config and runtime status files). */
function domainNames(dir: string): string[] {
  const names = new Set<string>();
  for (const sub of [path.join('config', 'qemu'), path.join('run', 'qemu')]) {
    try {
      for (const f of fs.readdirSync(path.join(dir, sub))) if (f.endsWith('.xml')) names.add(f.slice(0, -4));
    } catch {
      /* none */
    }
  }
  return [...names];
}

function rmdirTree(p: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(p, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) rmdirTree(path.join(p, e.name));
  try {
    fs.rmdirSync(p); // cgroupfs: an empty group's control files go with it
  } catch {
    /* still in use or already gone */
  }
}

/**
 * libvirt (without systemd) puts a guest in `<controller>/machine/qemu-<id>-<name>.libvirt-qemu`. When the
 * namespace is killed with guests running, those groups stay behind, empty: remove the ones of our guests.
 */
function removeGuestCgroups(names: string[]): void {
  if (names.length === 0) return;
  let controllers: string[];
  try {
    controllers = fs.readdirSync(CGROUP_ROOT);
  } catch {
    return;
  }
  for (const ctl of controllers) {
    const machine = path.join(CGROUP_ROOT, ctl, 'machine');
    let groups: string[];
    try {
      groups = fs.readdirSync(machine);
    } catch {
      continue;
    }
    for (const g of groups) {
      const m = /^qemu-\d+-(.+)\.libvirt-qemu$/.exec(g);
      if (m && names.includes(m[1]!)) rmdirTree(path.join(machine, g));
    }
  }
}

interface Owner extends FolderOwner {
  unsharePid?: number;
  unshareStart?: string;
}

function killNamespaceSync(dir: string, owner: Owner | undefined): void {
  const names = domainNames(dir);
  if (owner?.unsharePid !== undefined && procStart(owner.unsharePid) === owner.unshareStart) {
    // unshare --kill-child: its death kills the namespace's init, and with it every process inside.
    signalAll([owner.unsharePid], 'SIGKILL');
    waitGoneSync([owner.unsharePid], 3000);
  }
  removeGuestCgroups(names);
  removeDir(dir);
}

/** Remove folders (and namespaces) of earlier runs whose owner process is gone. */
export function cleanStaleSystemDaemons(parentDir = os.tmpdir()): string[] {
  return sweepStaleFolders<Owner>(parentDir, DIR_PREFIX, killNamespaceSync);
}

// ---------------------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------------------

/** The init's host pid: unshare's only child. */
function childOf(pid: number): number | undefined {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    const first = Number(children[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

export async function startSystemDaemon(opts: StartSystemDaemonOptions = {}): Promise<SystemDaemon> {
  const why = systemDaemonUnavailable();
  if (why) throw new Error(`private system libvirtd: ${why}`);
  const parentDir = opts.parentDir ?? os.tmpdir();
  cleanStaleSystemDaemons(parentDir);
  installHooks();

  const dir = fs.mkdtempSync(path.join(parentDir, DIR_PREFIX));
  // Guests run as libvirt's qemu user: they must be able to walk down to scratch/.
  fs.chmodSync(dir, 0o755);
  const owner: Owner = { pid: process.pid, start: procStart(process.pid) };
  const writeOwner = () => fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner) + '\n');
  writeOwner();
  const syncCleanup = () => killNamespaceSync(dir, owner);
  live.set(dir, syncCleanup);

  try {
    for (const [name] of BINDS) fs.mkdirSync(path.join(dir, name), { mode: 0o755 });
    const scratchDir = path.join(dir, 'scratch');
    fs.mkdirSync(scratchDir, { mode: 0o777 });
    fs.chmodSync(scratchDir, 0o777);
    const config = path.join(dir, 'config');
    for (const sub of ['qemu', path.join('qemu', 'networks'), 'storage', 'secrets', 'nwfilter']) {
      fs.mkdirSync(path.join(config, sub), { recursive: true });
    }
    // Written from scratch (not copied from /etc/libvirt): nothing of the host's configuration applies.
    fs.writeFileSync(
      path.join(config, 'libvirtd.conf'),
      [
        '# written by tests/support/system-daemon.ts',
        ...debugLogConf(dir),
        // Only root may use this daemon; no polkit in a test namespace.
        'unix_sock_group="root"',
        'unix_sock_ro_perms="0700"',
        'unix_sock_rw_perms="0700"',
        'auth_unix_ro="none"',
        'auth_unix_rw="none"',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(config, 'qemu.conf'),
      [
        '# written by tests/support/system-daemon.ts',
        // No virtlogd in the namespace: qemu's output goes to files.
        'stdio_handler = "file"',
        'vnc_listen = "127.0.0.1"',
        opts.qemuConf ?? '',
        '',
      ].join('\n'),
    );
    const capsCacheDir = opts.capsCacheDir === undefined ? DEFAULT_CAPS_CACHE : opts.capsCacheDir;
    const capsDir = path.join(dir, 'cache', 'qemu', 'capabilities');
    if (capsCacheDir) copyCapsFiles(capsCacheDir, capsDir);

    const socketPath = path.join(dir, 'run', 'libvirt-sock');
    const logPath = path.join(dir, 'libvirtd.log');
    const bindArgs = BINDS.flatMap(([name, target]) => [path.join(dir, name), target]);
    let stopping: Promise<void> | undefined;
    let unsharePid = 0;
    let nsPid = 0;
    const launch = async (): Promise<void> => {
      const logFd = fs.openSync(logPath, 'a');
      const child = spawn(
        UNSHARE,
        [
          '--mount',
          '--net',
          '--pid',
          '--fork',
          '--kill-child',
          '--mount-proc',
          '--propagation',
          'private',
          '--',
          '/bin/sh',
          '-c',
          INIT_SCRIPT,
          'virtdesk-sysd-init',
          dir,
          ...bindArgs,
        ],
        {
          env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
          stdio: ['ignore', logFd, logFd],
          detached: true,
        },
      );
      fs.closeSync(logFd);
      // The namespace lives as long as libvirtd: the init shell ends with libvirtd's status, 128 + n for
      // a signal, and unshare passes it on.
      watchForCrash(child, `private system libvirtd (${socketPath})`, dir, () => stopping !== undefined);
      unsharePid = child.pid!;
      owner.unsharePid = unsharePid;
      owner.unshareStart = procStart(unsharePid);
      writeOwner();
      await waitForSocket(child, socketPath, logPath, 'system libvirtd', opts.startTimeoutMs ?? 60_000);
      const init = childOf(unsharePid);
      if (init === undefined) throw new Error('system libvirtd: the namespace init could not be found');
      nsPid = init;
      fs.writeFileSync(path.join(dir, NS_PID_FILE), `${nsPid}\n`);
      saveMaps(childOf(nsPid), dir);
    };
    await launch();

    const uri = `qemu+unix:///system?socket=${socketPath}`;
    const inNamespace = (argv: string[]): string =>
      execFileSync(NSENTER, [`--target=${nsPid}`, '--mount', '--net', '--', ...argv], {
        encoding: 'utf8',
        timeout: 30_000,
      });

    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        // Guests first, through libvirt, so it removes their cgroups itself; whatever is left is undone
        // after the namespace is gone.
        try {
          const running = execFileSync('virsh', ['-q', '-c', uri, 'list', '--name'], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
            timeout: 15_000,
          });
          for (const name of running.split('\n').filter(Boolean)) {
            try {
              execFileSync('virsh', ['-q', '-c', uri, 'destroy', name], { stdio: 'ignore', timeout: 15_000 });
            } catch {
              /* gone meanwhile */
            }
          }
        } catch {
          /* daemon already unusable: the namespace kill below covers it */
        }
        if (capsCacheDir) copyCapsFiles(capsDir, capsCacheDir);
        const names = domainNames(dir);
        signalAll([unsharePid], 'SIGKILL');
        await waitGone([unsharePid, nsPid], 5000);
        removeGuestCgroups(names);
        removeDir(dir);
        live.delete(dir);
      })();
      return stopping;
    };

    const restart = async (): Promise<void> => {
      // Killing unshare ends the namespace and every process in it; its guests' cgroups stay behind.
      const names = domainNames(dir);
      signalAll([unsharePid], 'SIGKILL');
      await waitGone([unsharePid, nsPid], 5000);
      removeGuestCgroups(names);
      fs.rmSync(socketPath, { force: true });
      await launch();
    };

    const daemonPid = () => {
      const pid = childOf(nsPid);
      return pid !== undefined && readProc(pid, 'comm')?.toString('utf8').trim() === 'libvirtd'
        ? pid
        : undefined;
    };
    return {
      uri,
      socketPath,
      dir,
      scratchDir,
      logPath,
      get nsPid() {
        return nsPid;
      },
      daemonPid,
      inNamespace,
      stop,
      restart,
    };
  } catch (err) {
    syncCleanup();
    live.delete(dir);
    throw err;
  }
}
