/**
 * Incidents of the run's shared private daemons: a libvirtd that crashed or stopped answering mid-run
 * (libvirt 9.0's daemon does both now and then: a SIGSEGV in its GLib timer clean-up, or an event loop
 * that no longer answers even keepalive). ./daemon-watch.ts records them as it finds them; after a failed
 * run, ./run-vitest.ts asks `planRerun` which failed test files ran while a daemon was down, and runs those
 * once more on fresh daemons. A failure outside every incident is never run again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR } from './procs.js';

export interface DaemonIncident {
  /** Which daemon, in words ("private libvirtd (session)"). */
  daemon: string;
  kind: 'crash' | 'hang';
  /** The last time it answered (ms since the epoch): the incident began after this. */
  lastAnswer: number;
  detected: number;
  /** When the restarted daemon answered again; absent when it was not brought back. */
  recovered?: number;
  /** What was seen, and where the evidence (logs, stacks) was kept. */
  detail: string;
}

/** One line of JSON per incident, written as they happen (a run that is killed keeps what it found). */
export const INCIDENTS_FILE = path.join(ARTIFACTS_DIR, 'daemon-incidents.jsonl');

/** Appends `value` to a JSON-lines file (the incidents, the file times of ./file-times-reporter.ts). */
export function appendJsonLine(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, JSON.stringify(value) + '\n');
}

/** Every value of a JSON-lines file, or undefined when there is no such file. */
export function readJsonLines<T>(file: string): T[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export function recordIncident(incident: DaemonIncident, file = INCIDENTS_FILE): void {
  appendJsonLine(file, incident);
}

export function readIncidents(file = INCIDENTS_FILE): DaemonIncident[] {
  return readJsonLines<DaemonIncident>(file) ?? [];
}

const time = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

export function describeIncident(i: DaemonIncident): string {
  const back = i.recovered === undefined ? 'not brought back' : `back at ${time(i.recovered)}`;
  return `${i.daemon} ${i.kind === 'crash' ? 'crashed' : 'stopped answering'} after ${time(i.lastAnswer)}, found at ${time(i.detected)}, ${back}: ${i.detail}`;
}

/** How a test file ended and when it ran (ms since the epoch), from ./file-times-reporter.ts. */
export interface FileOutcome {
  name: string;
  status: string;
  startTime: number;
  endTime: number;
}

export interface RerunPlan {
  /** Failed integration/e2e files that ran, at least in part, while a daemon was down. */
  rerun: string[];
  /** Failed files no incident explains: the run fails on them, whatever a rerun would say. */
  unexplained: string[];
}

const USES_DAEMONS = /(^|\/)tests\/(integration|e2e)\//;

/**
 * Which failed files to run again. A file counts as hit when its run overlaps an incident's window, from
 * the daemon's last answer to its recovery (to the end of the run when it never came back).
 */
export function planRerun(files: FileOutcome[], incidents: DaemonIncident[], runEnd: number): RerunPlan {
  const plan: RerunPlan = { rerun: [], unexplained: [] };
  for (const f of files) {
    if (f.status !== 'failed') continue;
    const hit =
      USES_DAEMONS.test(f.name) &&
      incidents.some((i) => f.startTime <= (i.recovered ?? runEnd) && f.endTime >= i.lastAnswer);
    (hit ? plan.rerun : plan.unexplained).push(f.name);
  }
  return plan;
}
