/**
 * The test bed's daemon watch (tests/support/daemon-watch.ts) against a private daemon of its own: a
 * daemon killed by SIGSEGV (as libvirt 9.0's crashes it) and one that stops answering (frozen with
 * SIGSTOP past the threshold) are each recorded as an incident, a hung one with its thread stacks, and
 * restarted at the same socket, where a new connection works again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../electron/libvirt/index.js';
import { readIncidents } from '../support/daemon-incidents.js';
import { watchDaemon, type DaemonWatch } from '../support/daemon-watch.js';
import { startPrivateDaemon, type PrivateDaemon } from '../support/daemon.js';
import { until } from '../support/poll.js';

describe('test bed: the daemon watch', () => {
  let daemon: PrivateDaemon;
  let watch: DaemonWatch | undefined;
  let scratch: string;
  const logs: string[] = [];

  beforeAll(async () => {
    daemon = await startPrivateDaemon();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-watch-'));
  });
  afterEach(async () => {
    try {
      process.kill(daemon.pid, 'SIGCONT');
    } catch {
      /* gone */
    }
    await watch?.stop();
    watch = undefined;
  });
  afterAll(async () => {
    await daemon?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const start = (incidentsFile: string) =>
    watchDaemon(
      {
        name: 'the watched daemon',
        uri: daemon.testUri,
        pid: () => daemon.pid,
        dir: daemon.dir,
        restart: () => daemon.restart(),
      },
      { intervalMs: 200, hangMs: 3000, incidentsFile, log: (m) => logs.push(m) },
    );

  const answersAgain = async () => {
    const client = await openConnection(daemon.testUri);
    try {
      expect(await client.connectGetVersion()).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  };

  it('records a crashed daemon and restarts it', async () => {
    const file = path.join(scratch, 'crash.jsonl');
    watch = start(file);
    await new Promise((r) => setTimeout(r, 500));
    const before = daemon.pid;
    const t0 = Date.now();
    process.kill(before, 'SIGSEGV');
    await until('the crash incident', 60_000, () => readIncidents(file).length === 1);
    const [incident] = readIncidents(file);
    expect(incident).toMatchObject({ daemon: 'the watched daemon', kind: 'crash' });
    expect(incident!.lastAnswer).toBeLessThanOrEqual(t0);
    expect(incident!.recovered).toBeGreaterThan(incident!.detected);
    expect(daemon.pid).not.toBe(before);
    await answersAgain();
  });

  it('records a daemon that stops answering, with its thread stacks, and restarts it', async () => {
    const file = path.join(scratch, 'hang.jsonl');
    watch = start(file);
    await new Promise((r) => setTimeout(r, 500));
    const before = daemon.pid;
    process.kill(before, 'SIGSTOP');
    await until('the hang incident', 90_000, () => readIncidents(file).length === 1);
    const [incident] = readIncidents(file);
    expect(incident).toMatchObject({ kind: 'hang' });
    expect(incident!.detected - incident!.lastAnswer).toBeGreaterThanOrEqual(3000);
    expect(incident!.recovered).toBeDefined();
    // The main thread of a libvirtd waits in its event loop: gdb names the loop's functions.
    expect(incident!.detail).toMatch(/main thread in .*(poll|g_main_context)/);
    const evidence = /kept in (\S+)$/.exec(incident!.detail)?.[1];
    expect(fs.readFileSync(path.join(evidence!, 'stacks.txt'), 'utf8')).toMatch(/^Thread 1 /m);
    expect(daemon.pid).not.toBe(before);
    await answersAgain();
  });
});
