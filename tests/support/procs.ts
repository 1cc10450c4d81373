/**
 * Process plumbing shared by the private test daemons (./daemon.ts: session mode; ./system-daemon.ts:
 * system mode in its own namespaces): /proc readers, signalling, bounded waits, and the exit/signal hooks
 * that tear every live daemon down even when a run is aborted.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
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

/** A folder under the project's `.cache/` (kept between runs, ignored by git). */
export const projectCache = (name: string): string =>
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', name);
