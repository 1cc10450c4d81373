/**
 * A userspace iSCSI target (Debian's `tgt`) inside the private system daemon's namespaces, for the iSCSI
 * pool tests: one target with one LUN backed by a sparse file, listening on the namespace's own loopback.
 *
 * tgtd runs in the daemon's mount, network *and* pid namespaces:
 * - network: its portal (127.0.0.1:<port>) is on the namespace's loopback, which only the daemon can
 *   reach, so the port never clashes with anything on the host (each target takes its own port);
 * - mount: its control socket folder (/run/tgtd) is a tmpfs of the namespace's own, so nothing is left in
 *   the host's /run;
 * - pid: it dies with the namespace at the end of the run even when the test process is killed, and it can
 *   read /proc/self (the namespace mounts its own /proc; tgtd refuses to start without its oom_score_adj).
 * `stop()` takes the target down and removes the LUN's file; it is idempotent.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { until } from './poll.js';

const TGTD = '/usr/sbin/tgtd';
const TGTADM = '/usr/sbin/tgtadm';
const NSENTER = '/usr/bin/nsenter';

export interface IscsiTarget {
  /** The portal as the daemon reaches it. */
  host: string;
  port: number;
  /** The target's name. */
  iqn: string;
  /** The LUN's size in bytes. */
  lunBytes: number;
  /** The sparse file behind the LUN. */
  lunPath: string;
  /** Where tgtd's output goes (shown when a test fails). */
  logPath: string;
  stop(): Promise<void>;
}

/** Why no target can be started here, or null when it can. */
export function iscsiTargetUnavailable(): string | null {
  for (const bin of [TGTD, TGTADM, NSENTER])
    if (!fs.existsSync(bin))
      return `${bin} is missing: run 'node tests/support/ensure-host.mjs' as root (tgt)`;
  return null;
}

/** The host pid of `pid`'s first child (nsenter forks tgtd into the pid namespace). */
function firstChild(pid: number): number | undefined {
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    const first = Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

/** A process's name, or null when it is gone. */
function commOf(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

export async function startIscsiTarget(opts: {
  /** Host pid of the private system daemon's namespace init. */
  nsPid: number;
  /** A folder the daemon's namespace sees at the same path (the LUN's file goes there). */
  scratchDir: string;
  lunBytes?: number;
}): Promise<IscsiTarget> {
  const why = iscsiTargetUnavailable();
  if (why) throw new Error(`iSCSI target: ${why}`);
  const tag = randomBytes(3).toString('hex');
  const iqn = `iqn.2026-12.org.virtdesk.test:lun-${tag}`;
  const lunBytes = opts.lunBytes ?? 64 * 1024 * 1024;
  const lunPath = path.join(opts.scratchDir, `iscsi-lun-${tag}.img`);
  const logPath = path.join(opts.scratchDir, `tgtd-${tag}.log`);
  // A control port of our own: tgtd's socket is /run/tgtd/socket.<port>, in the namespace's tmpfs (tgtd
  // refuses values much above 10000).
  const control = 1000 + (randomBytes(2).readUInt16BE() % 9000);
  // A portal of its own: test files run in parallel against one namespace, each with its own target.
  // (13260–14259: never the default 3260, nor 3261, which the tests use as "nothing listens here".)
  const port = 13260 + (randomBytes(2).readUInt16BE() % 1000);
  const inNs = [`--target=${opts.nsPid}`, '--mount', '--net'];
  const adm = (...args: string[]): string =>
    execFileSync(NSENTER, [...inNs, '--', TGTADM, '-C', String(control), '--lld', 'iscsi', ...args], {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  fs.writeFileSync(lunPath, '');
  fs.truncateSync(lunPath, lunBytes);
  const logFd = fs.openSync(logPath, 'a');
  // The mount is made once per namespace (a second tmpfs over the first would hide an earlier target's socket).
  const script =
    'mkdir -p /run/tgtd; grep -q " /run/tgtd tmpfs " /proc/mounts || mount -t tmpfs -o mode=0700 tgt /run/tgtd; ' +
    `exec ${TGTD} -f -C "$1" --iscsi "portal=127.0.0.1:$2"`;
  const child = spawn(
    NSENTER,
    [...inNs, '--pid', '--', '/bin/sh', '-c', script, 'tgtd', String(control), String(port)],
    {
      stdio: ['ignore', logFd, logFd],
      detached: true,
    },
  );
  fs.closeSync(logFd);
  let tgtdPid: number | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        adm('--mode', 'target', '--op', 'delete', '--force', '--tid', '1');
      } catch {
        /* not made, or tgtd already gone */
      }
      // Only our own processes, by pid, each checked to be what we started (never a pid ≤ 1 or a group).
      const tgtd = tgtdPid ?? firstChild(child.pid ?? 0);
      if (tgtd !== undefined && tgtd > 1 && commOf(tgtd) === 'tgtd') signal(tgtd, 'SIGTERM');
      if (child.pid !== undefined && child.pid > 1 && child.exitCode === null) signal(child.pid, 'SIGKILL');
      fs.rmSync(lunPath, { force: true });
    })();
    return stopping;
  };

  try {
    const log = () => fs.readFileSync(logPath, 'utf8');
    await until('tgtd to answer', 15_000, () => {
      if (child.exitCode !== null) throw new Error(`tgtd exited (${child.exitCode}): ${log()}`);
      try {
        adm('--mode', 'sys', '--op', 'show');
        return true;
      } catch {
        return undefined;
      }
    });
    tgtdPid = firstChild(child.pid!);
    adm('--mode', 'target', '--op', 'new', '--tid', '1', '-T', iqn);
    adm('--mode', 'logicalunit', '--op', 'new', '--tid', '1', '--lun', '1', '-b', lunPath);
    // Any initiator may log in: only the daemon's namespace can reach this portal.
    adm('--mode', 'target', '--op', 'bind', '--tid', '1', '-I', 'ALL');
    return { host: '127.0.0.1', port, iqn, lunBytes, lunPath, logPath, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
