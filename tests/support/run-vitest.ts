/**
 * `npm test`'s Vitest run. When it fails, and the run's shared private daemons had incidents (a libvirtd
 * that crashed or hung mid-run: ./daemon-incidents.ts), the failed test files that ran while a daemon was
 * down are run once more, on fresh daemons, and that second run decides. A failed file that no incident
 * explains fails the run at once, and nothing is run twice otherwise. Everything it decides is printed
 * last, so it is read together with the failures.
 *
 *   node --import tsx tests/support/run-vitest.ts [vitest run arguments…]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import {
  describeIncident,
  planRerun,
  readIncidents,
  type DaemonIncident,
  type FileOutcome,
} from './daemon-incidents.js';
import { FILE_TIMES, readFileTimes } from './file-times-reporter.js';
import { projectPath } from './procs.js';

const VITEST = projectPath('node_modules', 'vitest', 'vitest.mjs');
const TIMES_REPORTER = projectPath('tests', 'support', 'file-times-reporter.ts');
const say = (msg: string) => process.stderr.write(`[run-vitest] ${msg}\n`);

function vitest(args: string[]): number {
  const r = spawnSync(process.execPath, [VITEST, 'run', ...args], { stdio: 'inherit', cwd: projectPath() });
  return r.status ?? 1;
}

function main(): number {
  const args = process.argv.slice(2);
  fs.rmSync(FILE_TIMES, { force: true });
  const first = vitest(['--reporter=default', `--reporter=${TIMES_REPORTER}`, ...args]);
  const runEnd = Date.now();
  if (first === 0) return 0;
  const incidents: DaemonIncident[] = readIncidents();
  if (incidents.length === 0) return first;
  for (const i of incidents) say(`daemon incident: ${describeIncident(i)}`);
  const files: FileOutcome[] | undefined = readFileTimes();
  if (!files) {
    say(`no file times from the run (${FILE_TIMES}): nothing is run again`);
    return first;
  }
  const plan = planRerun(files, incidents, runEnd);
  if (plan.unexplained.length > 0 || plan.rerun.length === 0) {
    say(`failed outside every daemon incident, so the run fails: ${plan.unexplained.join(', ') || '(none)'}`);
    return first;
  }
  say(`these files failed while a daemon was down; running them once more on fresh daemons:`);
  for (const f of plan.rerun) say(`  ${f}`);
  const second = vitest(['--project', 'integration', ...plan.rerun]);
  const after = readIncidents();
  for (const i of after) say(`daemon incident in the second run: ${describeIncident(i)}`);
  say(
    second === 0
      ? `the ${plan.rerun.length} files passed on fresh daemons; the first run's failures were the daemon incidents above`
      : `the files failed again on fresh daemons: the run fails`,
  );
  return second;
}

process.exit(main());
