/**
 * Live migration through VirtDesk's own wire client, between two real libvirt daemons: the run's private
 * QEMU session daemon and a second private daemon started here with its own host UUID (libvirt refuses to
 * migrate to "the same host"). Both ways libvirt offers: peer to peer (the source daemon connects to the
 * destination itself) and client-managed (VirtDesk drives the five steps on both connections).
 *
 * Checks what a user relies on: the migration call runs while progress is read on the same connection
 * (pipelining), the guest arrives running with its memory (its shell answers on the destination's
 * console), the lifecycle and job-completed events fire, and a migration to an unreachable host fails
 * with libvirt's own message while the guest keeps running where it was; a refused or cancelled
 * client-managed migration is rolled back on both sides.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  constants,
  LibvirtError,
  openConnection,
  type DomainEvent,
  type DomainRef,
  type JobInfo,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import type { PrivateDaemon } from '../support/daemon.js';
import { testEnv } from '../support/env.js';
import { removeGuest, startSecondHost, bootTinyGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { guestShell } from '../support/guest-shell.js';
import { until } from '../support/poll.js';

const { MigrateFlags, DomainState } = constants;
const FLAGS = MigrateFlags.LIVE | MigrateFlags.PERSIST_DEST | MigrateFlags.UNDEFINE_SOURCE;
/** MiB/s: slow enough that progress can be watched, fast enough for a ~30 MiB guest. */
const BANDWIDTH = 16;
/** Both daemons run on this machine: migration data goes over loopback. */
const LOOPBACK = { migrate_uri: 'tcp://127.0.0.1', listen_address: '127.0.0.1', bandwidth: BANDWIDTH };

const hostUuid = async (c: LibvirtClient): Promise<string> =>
  /<host>\s*<uuid>([^<]+)<\/uuid>/.exec(await c.connectGetCapabilities())?.[1] ?? '';

/** The guest's shell answers on its console: its memory (and so its state) is intact. */
const shellAnswers = (c: LibvirtClient, dom: DomainRef, token: string) =>
  guestShell(c, dom, `echo ${token}-$((40+2))`, new RegExp(`${token}-42`));

describe('live migration between two private daemons', () => {
  const env = testEnv();
  const name = uniqueGuestName('migrate');
  let dest: PrivateDaemon;
  let src: LibvirtClient;
  let dst: LibvirtClient;
  const srcEvents: DomainEvent[] = [];
  const dstEvents: DomainEvent[] = [];

  beforeAll(async () => {
    dest = await startSecondHost();
    src = await openConnection(env.qemuUri);
    dst = await openConnection(dest.qemuUri);
    src.on('domainEvent', (e: DomainEvent) => srcEvents.push(e));
    dst.on('domainEvent', (e: DomainEvent) => dstEvents.push(e));
    await src.subscribeDomainEvents();
    await dst.subscribeDomainEvents();
    await bootTinyGuest(src, name);
  }, 180_000);

  afterAll(async () => {
    await removeGuest([src, dst], name);
    for (const c of [src, dst]) await c?.close().catch(() => undefined);
    await dest?.stop();
  });

  it('the two daemons are different hosts to libvirt', async () => {
    const [a, b] = [await hostUuid(src), await hostUuid(dst)];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('migrates the running guest live, with progress read meanwhile on the same connection', async () => {
    const dom = await src.domainLookupByName(name);
    let settled = false;
    const migration = src
      .domainMigrateToHost(dom, dest.qemuUri, LOOPBACK, FLAGS)
      .finally(() => (settled = true));
    const samples: JobInfo[] = [];
    while (!settled) {
      const job = await src.domainGetJobInfo(dom).catch(() => null);
      if (job && job.type !== 0) samples.push(job);
      await new Promise((r) => setTimeout(r, 100));
    }
    await migration;

    // Progress was visible while the call was in flight (JOB_UNBOUNDED with bytes moving).
    const moving = samples.filter((s) => s.type === constants.DomainJobType.UNBOUNDED && s.dataTotal > 0);
    expect(moving.length).toBeGreaterThan(0);
    expect(Math.max(...moving.map((s) => s.dataProcessed))).toBeGreaterThan(0);

    // Gone from the source (UNDEFINE_SOURCE), running and persistent on the destination.
    await expect(src.domainLookupByName(name)).rejects.toBeInstanceOf(LibvirtError);
    const arrived = await dst.domainLookupByName(name);
    expect(arrived.uuid).toBe(dom.uuid);
    expect((await dst.domainGetState(arrived)).state).toBe(DomainState.RUNNING);
    expect(await dst.domainIsPersistent(arrived)).toBe(true);
    // Live: the guest's memory came along, its shell still answers.
    await shellAnswers(dst, arrived, 'vd-migrated');

    await until('the lifecycle and job events', 10_000, () => {
      const stopped = srcEvents.some(
        (e) =>
          e.kind === 'lifecycle' &&
          e.dom.uuid === dom.uuid &&
          e.event === 'stopped' &&
          e.detail === 'migrated',
      );
      const jobDone = srcEvents.some((e) => e.kind === 'jobCompleted' && e.dom.uuid === dom.uuid);
      const resumed = dstEvents.some(
        (e) => e.kind === 'lifecycle' && e.dom.uuid === dom.uuid && e.detail === 'migrated',
      );
      return stopped && jobDone && resumed;
    });
  }, 120_000);

  it("fails with libvirt's own message when the destination is unreachable, and the guest stays", async () => {
    const dom = await dst.domainLookupByName(name);
    const nowhere = `qemu+unix:///session?socket=${path.join(dest.dir, 'no-such-daemon.sock')}`;
    const err = await dst.domainMigrateToHost(dom, nowhere, LOOPBACK, FLAGS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).message).toMatch(/no-such-daemon\.sock/);
    expect((await dst.domainGetState(dom)).state).toBe(DomainState.RUNNING);
    await shellAnswers(dst, dom, 'vd-still-here');
  }, 60_000);

  it('migrates back to the first daemon (peer to peer)', async () => {
    const dom = await dst.domainLookupByName(name);
    await dst.domainMigrateToHost(dom, env.qemuUri, LOOPBACK, FLAGS);
    const back = await src.domainLookupByName(name);
    expect((await src.domainGetState(back)).state).toBe(DomainState.RUNNING);
    await shellAnswers(src, back, 'vd-home-again');
  }, 120_000);

  it('client-managed migration: VirtDesk drives Begin/Prepare/Perform/Finish/Confirm on both daemons', async () => {
    const dom = await src.domainLookupByName(name);
    const arrived = await src.domainMigrate(dom, dst, LOOPBACK, FLAGS);
    expect(arrived.uuid).toBe(dom.uuid);
    expect((await dst.domainGetState(arrived)).state).toBe(DomainState.RUNNING);
    expect(await dst.domainIsPersistent(arrived)).toBe(true);
    await expect(src.domainLookupByName(name)).rejects.toBeInstanceOf(LibvirtError);
    await shellAnswers(dst, arrived, 'vd-managed');
  }, 120_000);

  it('client-managed migration that the destination refuses: cancelled on both sides, the guest stays', async () => {
    const dom = await dst.domainLookupByName(name);
    // Port 1 is privileged: the destination's QEMU cannot listen there, so Prepare fails.
    const err = await dst
      .domainMigrate(dom, src, { ...LOOPBACK, migrate_uri: 'tcp://127.0.0.1:1' }, FLAGS)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).message.length).toBeGreaterThan(0);
    expect((await dst.domainGetState(dom)).state).toBe(DomainState.RUNNING);
    await expect(src.domainLookupByName(name)).rejects.toBeInstanceOf(LibvirtError);
    // The source's migration job was cancelled: it can migrate again right away.
    const back = await dst.domainMigrate(dom, src, LOOPBACK, FLAGS);
    expect((await src.domainGetState(back)).state).toBe(DomainState.RUNNING);
    await shellAnswers(src, back, 'vd-managed-back');
  }, 120_000);

  it('cancelling a client-managed migration (abort job) leaves the guest running on the source only', async () => {
    const dom = await src.domainLookupByName(name);
    let settled = false;
    const migration = src
      .domainMigrate(dom, dst, LOOPBACK, FLAGS)
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    await until('the migration job to start', 20_000, async () => {
      const job = await src.domainGetJobInfo(dom).catch(() => null);
      return settled || (job !== null && job.type === constants.DomainJobType.UNBOUNDED && job.dataTotal > 0);
    });
    await src.domainAbortJob(dom);
    const err = await migration;
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).message).toMatch(/cancel|abort/i);
    expect((await src.domainGetState(dom)).state).toBe(DomainState.RUNNING);
    // Finish(cancelled) removed the half-arrived guest from the destination.
    await expect(dst.domainLookupByName(name)).rejects.toBeInstanceOf(LibvirtError);
    await shellAnswers(src, dom, 'vd-cancelled');
  }, 120_000);
});
