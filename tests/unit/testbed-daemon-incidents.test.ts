/**
 * Which failed test files a run gives a second chance after a private daemon crashed or hung
 * (tests/support/daemon-incidents.ts), and how a hung daemon's main thread is summed up from gdb's
 * stacks (tests/support/daemon-watch.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeIncident,
  planRerun,
  readIncidents,
  recordIncident,
  type DaemonIncident,
  type FileOutcome,
} from '../support/daemon-incidents.js';
import { mainThreadTop } from '../support/daemon-watch.js';

const T = Date.UTC(2026, 11, 6, 3, 0, 0);
const s = (sec: number) => T + sec * 1000;

const incident = (over: Partial<DaemonIncident> = {}): DaemonIncident => ({
  daemon: 'private libvirtd (session)',
  kind: 'hang',
  lastAnswer: s(100),
  detected: s(130),
  recovered: s(133),
  detail: 'main thread in poll',
  ...over,
});

const file = (name: string, from: number, to: number, status = 'failed'): FileOutcome => ({
  name,
  status,
  startTime: s(from),
  endTime: s(to),
});

describe('planRerun', () => {
  it('runs again the failed files that overlap the incident, from the last answer to the recovery', () => {
    const plan = planRerun(
      [
        file('tests/integration/a.test.ts', 90, 101), // still running when the daemon last answered
        file('tests/e2e/ui-b.test.ts', 101, 140), // ran through it
        file('tests/integration/c.test.ts', 133, 150), // started the moment it was back
      ],
      [incident()],
      s(1000),
    );
    expect(plan).toEqual({
      rerun: ['tests/integration/a.test.ts', 'tests/e2e/ui-b.test.ts', 'tests/integration/c.test.ts'],
      unexplained: [],
    });
  });

  it('does not excuse failures before or after the incident, nor unit tests, and ignores passes', () => {
    const plan = planRerun(
      [
        file('tests/integration/before.test.ts', 10, 99),
        file('tests/integration/after.test.ts', 134, 160),
        file('tests/unit/during.test.ts', 110, 111),
        file('tests/integration/passed.test.ts', 110, 120, 'passed'),
      ],
      [incident()],
      s(1000),
    );
    expect(plan).toEqual({
      rerun: [],
      unexplained: [
        'tests/integration/before.test.ts',
        'tests/integration/after.test.ts',
        'tests/unit/during.test.ts',
      ],
    });
  });

  it('counts a daemon that never came back as down until the end of the run', () => {
    const plan = planRerun(
      [file('tests/integration/late.test.ts', 500, 600)],
      [incident({ kind: 'crash', recovered: undefined })],
      s(700),
    );
    expect(plan.rerun).toEqual(['tests/integration/late.test.ts']);
  });

  it('excuses nothing without incidents', () => {
    const plan = planRerun([file('tests/integration/a.test.ts', 100, 140)], [], s(200));
    expect(plan).toEqual({ rerun: [], unexplained: ['tests/integration/a.test.ts'] });
  });
});

describe('incident records', () => {
  it('are appended one JSON line each and read back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-incidents-'));
    try {
      const f = path.join(dir, 'sub', 'incidents.jsonl');
      expect(readIncidents(f)).toEqual([]);
      recordIncident(incident(), f);
      recordIncident(incident({ kind: 'crash', recovered: undefined }), f);
      expect(readIncidents(f)).toEqual([incident(), incident({ kind: 'crash', recovered: undefined })]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are described in words with their times', () => {
    expect(describeIncident(incident())).toBe(
      'private libvirtd (session) stopped answering after 03:01:40, found at 03:02:10, back at 03:02:13: main thread in poll',
    );
    expect(
      describeIncident(incident({ kind: 'crash', recovered: undefined, detail: 'logs kept in /x' })),
    ).toBe(
      'private libvirtd (session) crashed after 03:01:40, found at 03:02:10, not brought back: logs kept in /x',
    );
  });
});

describe('mainThreadTop', () => {
  const stacks = [
    'Thread 2 (Thread 0x7f (LWP 11) "rpc-worker"):',
    '#0  0x00007f in __futex_abstimed_wait_common64 (private=0) at futex.c:57',
    '#1  0x00007f in virCondWait () from /lib/x86_64-linux-gnu/libvirt.so.0',
    '',
    'Thread 1 (Thread 0x7f (LWP 10) "libvirtd"):',
    '#0  0x00007fd839be226f in __GI___lll_lock_wait (futex=0x5) at lowlevellock.c:49',
    '#1  0x00007fd839f1c91e in ?? () from /lib/x86_64-linux-gnu/libglib-2.0.so.0',
    '#2  virEventGLibTimeoutRemove () from /lib/x86_64-linux-gnu/libvirt.so.0',
    '#3  0x000056401892f0c7 in main ()',
    '[Inferior 1 (process 10) detached]',
  ].join('\n');

  it("names the main thread's frames, innermost first", () => {
    expect(mainThreadTop(stacks)).toBe('__GI___lll_lock_wait ← ?? ← virEventGLibTimeoutRemove ← main');
    expect(mainThreadTop(stacks, 2)).toBe('__GI___lll_lock_wait ← ??');
  });

  it('says so when gdb gave no stack', () => {
    expect(mainThreadTop('(gdb failed: ptrace: Operation not permitted.)')).toBe('(no stack)');
  });
});
