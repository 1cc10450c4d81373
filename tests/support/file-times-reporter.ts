/**
 * A Vitest reporter that writes when each test file ran and how it ended, one JSON line per file, for
 * ./run-vitest.ts to lay beside the daemon incidents (Vitest's own JSON report gives every file the run's
 * start time). The file is removed by ./run-vitest.ts before each run.
 */
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { appendJsonLine, readJsonLines, type FileOutcome } from './daemon-incidents.js';
import { ARTIFACTS_DIR, projectPath } from './procs.js';

export const FILE_TIMES = path.join(ARTIFACTS_DIR, 'test-file-times.jsonl');

export default class FileTimesReporter implements Reporter {
  private readonly started = new Map<string, number>();

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
    appendJsonLine(FILE_TIMES, outcome);
  }
}

export const readFileTimes = (file = FILE_TIMES): FileOutcome[] | undefined =>
  readJsonLines<FileOutcome>(file);
