/**
 * A Vitest reporter that writes when each test file ran and how it ended, one JSON line per file, for
 * ./run-vitest.ts to lay beside the daemon incidents (Vitest's own JSON report gives every file the run's
 * start time).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import type { FileOutcome } from './daemon-incidents.js';
import { ARTIFACTS_DIR, projectPath } from './procs.js';

export const FILE_TIMES = path.join(ARTIFACTS_DIR, 'test-file-times.jsonl');

export default class FileTimesReporter implements Reporter {
  private readonly started = new Map<string, number>();

  onInit(): void {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    fs.rmSync(FILE_TIMES, { force: true });
  }

  onTestModuleQueued(m: TestModule): void {
    this.started.set(m.moduleId, Date.now());
  }

  onTestModuleStart(m: TestModule): void {
    this.started.set(m.moduleId, Date.now());
  }

  onTestModuleEnd(m: TestModule): void {
    const endTime = Date.now();
    const outcome: FileOutcome = {
      name: path.relative(projectPath(), m.moduleId),
      status: m.state(),
      startTime: this.started.get(m.moduleId) ?? endTime,
      endTime,
    };
    fs.appendFileSync(FILE_TIMES, JSON.stringify(outcome) + '\n');
  }
}

export function readFileTimes(file = FILE_TIMES): FileOutcome[] | undefined {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as FileOutcome);
  } catch {
    return undefined;
  }
}
