/**
 * Process plumbing shared by the private test daemons (./daemon.ts: session mode; ./system-daemon.ts:
 * system mode in its own namespaces): /proc readers, signalling, bounded waits, and the exit/signal hooks
 * that tear every live daemon down even when a run is aborted.
 */
import fs from 'node:fs';
import net from 'node:net';

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
