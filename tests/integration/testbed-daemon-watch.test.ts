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
import { systemTestEnv } from '../support/env.js';
import { until } from '../support/poll.js';
import { CRASH_ARCHIVE } from '../support/procs.js';
import { startSystemDaemon } from '../support/system-daemon.js';

const sys = systemTestEnv();

/** The crashes these tests cause keep their evidence like real ones; it goes with the test. */
function removeEvidenceOf(daemonDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(CRASH_ARCHIVE);
  } catch {
    return;
  }
  for (const n of names) {
    if (n.startsWith(`${path.basename(daemonDir)}-`))
      fs.rmSync(path.join(CRASH_ARCHIVE, n), { recursive: true });
  }
}

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
    if (daemon) removeEvidenceOf(daemon.dir);
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

describe.skipIf(!sys.available)(
  `test bed: the daemon watch on a system daemon${sys.available ? '' : ` (skipped: ${sys.skip})`}`,
  () => {
    it('restarts a crashed system daemon in a new namespace on the same socket; what was defined stays', async () => {
      const daemon = await startSystemDaemon();
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-watch-'));
      let watch: DaemonWatch | undefined;
      try {
        const file = path.join(scratch, 'incidents.jsonl');
        const client = await openConnection(daemon.uri);
        const net = await client.networkDefineXML(
          '<network><name>vdt-watch</name><bridge name="vdtwatch0"/></network>',
        );
        await client.close();
        watch = watchDaemon(
          {
            name: 'the watched system daemon',
            uri: daemon.uri,
            pid: () => daemon.daemonPid(),
            dir: daemon.dir,
            restart: () => daemon.restart(),
          },
          { intervalMs: 200, hangMs: 3000, incidentsFile: file, log: () => undefined },
        );
        await new Promise((r) => setTimeout(r, 500));
        const nsBefore = daemon.nsPid;
        process.kill(daemon.daemonPid()!, 'SIGSEGV');
        await until('the crash incident', 60_000, () => readIncidents(file).length === 1);
        expect(readIncidents(file)[0]).toMatchObject({ kind: 'crash', recovered: expect.any(Number) });
        expect(daemon.nsPid).not.toBe(nsBefore);
        expect(fs.readFileSync(path.join(daemon.dir, 'ns.pid'), 'utf8').trim()).toBe(String(daemon.nsPid));
        const again = await openConnection(daemon.uri);
        try {
          expect((await again.connectListAllNetworks()).map((n) => n.name)).toContain(net.name);
        } finally {
          await again.close();
        }
      } finally {
        await watch?.stop();
        await daemon.stop();
        removeEvidenceOf(daemon.dir);
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });
  },
);
