/**
 * Watches one of the run's shared private daemons through a libvirt connection of its own: it asks for
 * the version every few seconds. A daemon that is gone (crashed) or has not answered for `hangMs` (hung:
 * libvirt 9.0's event loop has been seen to stop answering even keepalive, which made every later test
 * file time out for half an hour) becomes an incident: its logs are kept, a hung one's thread stacks are
 * taken with gdb first, and it is restarted at the same socket when it can be, so only the test files that
 * ran meanwhile are hit. Those are named by ./daemon-incidents.ts for ./run-vitest.ts to run again.
 *
 * The threshold is far above the few seconds a test freezes the daemon on purpose (SIGSTOP).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { describeIncident, recordIncident, type DaemonIncident } from './daemon-incidents.js';
import { archiveDaemonLogs, isAlive } from './procs.js';

export interface WatchedDaemon {
  /** In words, for messages and the incident record. */
  name: string;
  uri: string;
  /** Its pid now (a restart changes it); undefined when it cannot be found. */
  pid(): number | undefined;
  /** Its folder, whose logs are kept. */
  dir: string;
  /** Brings it back at the same socket; without it the rest of the run goes without this daemon. */
  restart?: () => Promise<void>;
}

export interface WatchOptions {
  intervalMs?: number;
  hangMs?: number;
  incidentsFile?: string;
  log?: (msg: string) => void;
}

export interface DaemonWatch {
  readonly incidents: readonly DaemonIncident[];
  /** Ends the watch (before the daemon is stopped on purpose). */
  stop(): Promise<void>;
}

const GDB = '/usr/bin/gdb';

/** Every thread's stack of a live process, by gdb (in Debian's package list for this). */
export function threadStacks(pid: number): Promise<string> {
  if (!fs.existsSync(GDB)) return Promise.resolve(`(no ${GDB}: install Debian's gdb to see the stacks)`);
  return new Promise((resolve) => {
    execFile(
      GDB,
      ['-nx', '-batch', '-p', String(pid), '-ex', 'set debuginfod enabled off', '-ex', 'thread apply all bt'],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DEBUGINFOD_URLS: '' } },
      (err, stdout, stderr) => resolve(err && !stdout ? `(gdb failed: ${err.message} ${stderr})` : stdout),
    );
  });
}

/** The function names of the main thread's top frames ("poll ← g_main_context_iterate ← …"). */
export function mainThreadTop(stacks: string, frames = 8): string {
  const section = /^Thread 1 [^\n]*\n((?:#[^\n]*\n?)+)/m.exec(stacks)?.[1] ?? '';
  const names = [...section.matchAll(/^#\d+\s+(?:0x[0-9a-f]+ in )?([^\s(]+)/gm)].map((m) => m[1]);
  return names.length > 0 ? names.slice(0, frames).join(' ← ') : '(no stack)';
}

export function watchDaemon(daemon: WatchedDaemon, opts: WatchOptions = {}): DaemonWatch {
  const intervalMs = opts.intervalMs ?? 2000;
  const hangMs = opts.hangMs ?? 30_000;
  const log = opts.log ?? ((msg: string) => process.stderr.write(`[virtdesk-test] ${msg}\n`));
  const incidents: DaemonIncident[] = [];
  let stopped = false;
  /** Set when the loop ended on an incident it could not recover from (already recorded). */
  let gaveUp = false;
  let handling = false;
  let lastAnswer = Date.now();
  let client: LibvirtClient | undefined;
  let wake: (() => void) | undefined;

  /** Waits `ms`, or less when the daemon's process ends meanwhile (a crash is seen within 200 ms). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const deadline = Date.now() + ms;
      const done = () => {
        clearInterval(timer);
        wake = undefined;
        resolve();
      };
      const timer = setInterval(
        () => {
          const pid = daemon.pid();
          if (Date.now() >= deadline || pid === undefined || !isAlive(pid)) done();
        },
        Math.min(200, ms),
      );
      wake = done;
    });

  const dropClient = () => {
    const c = client;
    client = undefined;
    void c?.close().catch(() => undefined);
  };

  const answers = async (): Promise<boolean> => {
    try {
      if (!client?.isOpen) {
        dropClient();
        client = await openConnection(daemon.uri, { readTimeoutMs: hangMs });
      }
      await client.connectGetVersion();
      return true;
    } catch {
      dropClient();
      return false;
    }
  };

  const answersWithin = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!stopped && Date.now() < deadline) {
      if (await answers()) return true;
      await pause(500);
    }
    return false;
  };

  /** Records an incident and brings the daemon back if it can; true when it answers again. */
  const handle = async (kind: DaemonIncident['kind'], pid: number | undefined, since: number) => {
    handling = true;
    try {
      const detected = Date.now();
      const evidence = archiveDaemonLogs(daemon.dir, new Date(detected).toISOString());
      let detail = `logs kept in ${evidence}`;
      if (kind === 'hang' && pid !== undefined) {
        const stacks = await threadStacks(pid);
        fs.writeFileSync(path.join(evidence, 'stacks.txt'), stacks);
        detail = `main thread in ${mainThreadTop(stacks)}; every thread's stack and the logs kept in ${evidence}`;
      }
      const record: DaemonIncident = { daemon: daemon.name, kind, lastAnswer: since, detected, detail };
      if (daemon.restart && !stopped) {
        log(`${daemon.name} ${kind === 'crash' ? 'is gone' : 'does not answer'}: restarting it`);
        try {
          await daemon.restart();
          if (await answersWithin(60_000)) record.recovered = Date.now();
        } catch (err) {
          record.detail += `; the restart failed: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      incidents.push(record);
      recordIncident(record, opts.incidentsFile);
      log(describeIncident(record));
      return record.recovered !== undefined;
    } finally {
      handling = false;
    }
  };

  const loop = (async () => {
    while (!stopped) {
      if (await answers()) {
        lastAnswer = Date.now();
        await pause(intervalMs);
        continue;
      }
      if (stopped) break;
      const pid = daemon.pid();
      const alive = pid !== undefined && isAlive(pid);
      if (alive && Date.now() - lastAnswer < hangMs) {
        await pause(1000);
        continue;
      }
      if (!(await handle(alive ? 'hang' : 'crash', pid, lastAnswer))) {
        gaveUp = true;
        break;
      }
      lastAnswer = Date.now();
    }
    dropClient();
  })();

  return {
    incidents,
    stop: async () => {
      stopped = true;
      wake?.();
      dropClient();
      // A probe stuck in a handshake ends when the daemon is stopped right after; do not wait for it.
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 2000))]);
      // A crash in the last seconds of the run, after the last probe, still counts.
      const pid = daemon.pid();
      if (!gaveUp && !handling && (pid === undefined || !isAlive(pid)))
        await handle('crash', pid, lastAnswer);
    },
  };
}
