/**
 * Process plumbing shared by the private test daemons (./daemon.ts: session mode; ./system-daemon.ts:
 * system mode in its own namespaces): /proc readers, signalling, bounded waits, and the exit/signal hooks
 * that tear every live daemon down even when a run is aborted.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function readProc(pid: number, file: string): Buffer | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`);
  } catch {
    return undefined;
  }
}

export function procState(pid: number): { state: string; uid: number; ppid: number } | undefined {
  const status = readProc(pid, 'status')?.toString('utf8');
  if (!status) return undefined;
  const state = /^State:\s+(\S)/m.exec(status)?.[1] ?? '?';
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
  const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
  return { state, uid, ppid };
}

export function isAlive(pid: number): boolean {
  const st = procState(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pids.some(isAlive)) return true;
    await sleep(50);
  }
  return !pids.some(isAlive);
}

export function waitGoneSync(pids: number[], timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pids.some(isAlive)) return true;
    sleepSync(50);
  }
  return !pids.some(isAlive);
}

export function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    process.stderr.write(`[virtdesk-test] could not remove ${dir}: ${String(err)}\n`);
  }
}

export const live = new Map<string, () => void>();
let hooksInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const cleanup of [...live.values()]) cleanup();
  live.clear();
  process.removeListener(signal, onSignal);
  // If nobody else handles the signal, re-raise it so the process ends the usual way.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

export function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const cleanup of [...live.values()]) cleanup();
    live.clear();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
}

export function procStart(pid: number): string | undefined {
  const stat = readProc(pid, 'stat')?.toString('utf8');
  if (!stat) return undefined;
  // Field 22 (starttime), counted after the ")" that ends the command name.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19];
}

export function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export function tail(file: string, max = 8000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > max ? '…' + text.slice(-max) : text;
  } catch {
    return '(no log)';
  }
}

/** What a daemon folder records about the test process that owns it (`owner.json`). */
export interface FolderOwner {
  pid?: number;
  start?: string;
}

export const OWNER_FILE = 'owner.json';

/**
 * Sweeps `parentDir` for daemon folders named `<prefix>…` whose owner process is gone (a run killed with
 * SIGKILL) and hands each to `remove`. A folder without an owner file is only taken once it is old (a
 * crashed start), never one being set up right now.
 */
export function sweepStaleFolders<O extends FolderOwner>(
  parentDir: string,
  prefix: string,
  remove: (dir: string, owner: O | undefined) => void,
): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(parentDir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(parentDir, name);
    let owner: O | undefined;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as O;
    } catch {
      try {
        if (Date.now() - fs.statSync(dir).mtimeMs < 10 * 60_000) continue;
      } catch {
        continue;
      }
    }
    if (owner?.pid !== undefined && isAlive(owner.pid) && procStart(owner.pid) === owner.start) continue;
    remove(dir, owner);
    removed.push(dir);
  }
  return removed;
}

/**
 * Copies libvirt's qemu capability probes (`*.xml`) between a daemon's cache and the run-to-run cache
 * under `.cache/` (each probe saves seconds). Written through a temp name so a concurrent reader never
 * sees half a file. A cache only: failures are ignored.
 */
export function copyCapsFiles(from: string, to: string, chown?: { uid: number; gid: number }): void {
  let files: string[];
  try {
    files = fs.readdirSync(from).filter((f) => f.endsWith('.xml'));
  } catch {
    return;
  }
  if (files.length === 0) return;
  try {
    fs.mkdirSync(to, { recursive: true });
  } catch {
    return;
  }
  for (const f of files) {
    try {
      const tmp = path.join(to, `.${f}.${process.pid}`);
      fs.copyFileSync(path.join(from, f), tmp);
      if (chown) fs.chownSync(tmp, chown.uid, chown.gid);
      fs.renameSync(tmp, path.join(to, f));
    } catch {
      /* a cache only */
    }
  }
}

/**
 * Waits until a freshly spawned daemon answers on its socket; fails with its log when it exits first or
 * does not come up within `timeoutMs`.
 */
export async function waitForSocket(
  child: ChildProcess,
  socketPath: string,
  logPath: string,
  what: string,
  timeoutMs: number,
): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.once('error', (err) => {
    exited = `spawn error: ${err.message}`;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${what} exited during start-up (${exited}). Log:\n${tail(logPath)}`);
    if (fs.existsSync(socketPath) && (await canConnect(socketPath))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${what} socket ${socketPath} did not appear within ${timeoutMs} ms. Log:\n${tail(logPath)}`,
      );
    }
    await sleep(50);
  }
}

/** A path under the project's root (this file is tests/support/procs.ts). */
export const projectPath = (...parts: string[]): string =>
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', ...parts);

/** A folder under the project's `.cache/` (kept between runs, ignored by git). */
export const projectCache = (name: string): string => projectPath('.cache', name);

/** What a test run leaves for people to look at (screenshots, daemon logs): ignored by git. */
export const ARTIFACTS_DIR = projectPath('test-artifacts');

/**
 * libvirt 9.0's daemon has been seen to crash mid-run (SIGSEGV in its GLib timer clean-up), and a
 * crashed private daemon's folder — its log with it — used to go at the end of the run, leaving only
 * "connection refused" in the failing tests. These are the signals that mean it ended by itself.
 */
const CRASH_SIGNALS: ReadonlySet<string> = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE']);

/**
 * The crash signal behind an exit, or undefined when it was not a crash: a signal seen directly, or a
 * shell's `128 + n` exit code (the system daemon's namespace init is a shell waiting for libvirtd).
 */
export function crashSignal(code: number | null, signal: NodeJS.Signals | null): string | undefined {
  if (signal) return CRASH_SIGNALS.has(signal) ? signal : undefined;
  if (code === null || code <= 128) return undefined;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === code - 128)?.[0];
  return name && CRASH_SIGNALS.has(name) ? name : undefined;
}

/** Where the logs of crashed daemons are kept (ignored by git, like the screenshots beside it). */
export const CRASH_ARCHIVE = path.join(ARTIFACTS_DIR, 'daemon-crashes');

/**
 * Copies a crashed daemon's logs (`*.log`, and the `libvirtd.maps` taken at start, which turns the
 * addresses in a debug log or the kernel's segfault line into library offsets) out of its folder before
 * the folder goes, and says so on stderr with the time, so the failing tests can be matched to it.
 */
export function keepCrashEvidence(what: string, dir: string, signal: string): string {
  const when = new Date().toISOString();
  const dest = archiveDaemonLogs(dir, when);
  process.stderr.write(
    `[virtdesk-test] ${what} crashed (${signal}) at ${when}; the tests using it fail until it is back. ` +
      `Its logs are kept in ${dest}. Log tail:\n${tail(path.join(dir, 'libvirtd.log'), 2000)}\n`,
  );
  return dest;
}

/**
 * Copies a daemon's logs (`*.log`) and the memory map taken at its start out of its folder, which goes at
 * the end of the run, into a new folder of the archive named after it and `when`; returns that folder.
 */
export function archiveDaemonLogs(dir: string, when: string): string {
  const dest = path.join(CRASH_ARCHIVE, `${path.basename(dir)}-${when.replace(/[:.]/g, '-')}`);
  try {
    fs.mkdirSync(dest, { recursive: true });
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.log') || f === MAPS_FILE) fs.copyFileSync(path.join(dir, f), path.join(dest, f));
    }
  } catch (err) {
    process.stderr.write(`[virtdesk-test] could not keep the logs of ${dir}: ${String(err)}\n`);
  }
  return dest;
}

/** Keeps a crashed daemon's evidence when `child` ends by a crash signal while nobody is stopping it. */
export function watchForCrash(child: ChildProcess, what: string, dir: string, stopping: () => boolean): void {
  child.once('exit', (code, signal) => {
    const crash = crashSignal(code, signal);
    if (crash && !stopping()) keepCrashEvidence(what, dir, crash);
  });
}

export const MAPS_FILE = 'libvirtd.maps';

/** Saves a running daemon's memory map into its folder (see keepCrashEvidence). */
export function saveMaps(pid: number | undefined, dir: string): void {
  if (pid === undefined) return;
  const maps = readProc(pid, 'maps');
  if (maps) fs.writeFileSync(path.join(dir, MAPS_FILE), maps);
}

/**
 * Extra libvirtd.conf lines when `VIRTDESK_TEST_LIBVIRTD_LOG_FILTERS` is set (libvirt's log_filters
 * syntax, e.g. "1:util.eventglib 1:rpc"): those messages go to `<dir>/libvirtd-debug.log`, kept with
 * the rest if the daemon crashes. For chasing a daemon crash; off by default (the files get large).
 */
export function debugLogConf(dir: string): string[] {
  const filters = process.env.VIRTDESK_TEST_LIBVIRTD_LOG_FILTERS;
  if (!filters) return ['log_outputs="3:stderr"'];
  if (!/^[\w.:+ -]+$/.test(filters))
    throw new Error(`VIRTDESK_TEST_LIBVIRTD_LOG_FILTERS: bad filters: ${filters}`);
  return [
    `log_filters="${filters}"`,
    `log_outputs="3:stderr 1:file:${path.join(dir, 'libvirtd-debug.log')}"`,
  ];
}
