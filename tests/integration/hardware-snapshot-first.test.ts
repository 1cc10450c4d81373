/**
 * "Take a snapshot first" (renderer/src/features/snapshots/snapshotFirst.ts, what the Hardware tab's
 * ApplyBar and the XML tab run) through the core on the QEMU session daemon: hardware.get says whether the
 * VM can have an internal snapshot; two changes within one second each get their own snapshot, named by
 * time and kind, taken before the change (the snapshot holds the old config); a VM libvirt cannot snapshot
 * (a raw disk) refuses with libvirt's text, and the caller then applies nothing.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainXMLFlags, type DomainRef } from '../../electron/libvirt/index.js';
import { child, parseXml, serializeXml } from '../../electron/libvirt-xml/dom.js';
import { DomainXml, readCpu, setVcpus } from '../../electron/libvirt-xml/index.js';
import { createApi, setApi } from '../../renderer/src/api/client.js';
import { toApiError } from '../../renderer/src/api/transport.js';
import { snapshotFirstName, takeSnapshotFirst } from '../../renderer/src/features/snapshots/snapshotFirst.js';
import type { HardwareGetOutput } from '../../shared/contract/hardware.js';
import type { Snapshot } from '../../shared/contract/snapshots.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { removeGuest } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { createTestPool, type TestPool } from '../support/pool.js';

const TAG = randomBytes(3).toString('hex');

describe('take a snapshot first', () => {
  const env = testEnv();
  const qcow = uniqueGuestName('snapfirst');
  const raw = uniqueGuestName('snapraw');
  let fx: CoreFixture;
  let pool: TestPool;
  let dom: DomainRef;
  let rawDom: DomainRef;
  const ref = (d: DomainRef) => ({ connectionId: fx.connectionId, uuid: d.uuid });

  const define = async (name: string, disk: string, format: 'qcow2' | 'raw') => {
    const xml = DomainXml.parse(
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        disk,
        diskFormat: format,
      }),
    );
    setVcpus(xml, 1, 4);
    return fx.client.domainDefineXML(xml.toString());
  };

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    // The renderer's API, over the core (what the preload bridge does in the app).
    setApi(
      createApi({
        // Failures as the preload bridge hands them over: the RemoteError (code, libvirt's text).
        call: (name, input) =>
          fx.call(name, input).catch((e: { remote?: unknown }) => {
            throw toApiError(e.remote ?? e);
          }),
        onEvent: () => () => undefined,
        onStatus: () => () => undefined,
        status: 'open',
      }),
    );
    pool = await createTestPool(fx.client, `vd-snapfirst-${TAG}`);
    dom = await define(qcow, await pool.volume(`${qcow}.qcow2`, 16), 'qcow2');
    rawDom = await define(raw, await pool.volume(`${raw}.img`, 16, 'raw'), 'raw');
  }, 120_000);

  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], qcow);
      await removeGuest([fx.client], raw);
      await pool?.remove();
      await fx.stop();
    }
  });

  it('hardware.get says which VM can have one', async () => {
    expect((await fx.call<HardwareGetOutput>('hardware.get', ref(dom))).internalSnapshots).toBe(true);
    expect((await fx.call<HardwareGetOutput>('hardware.get', ref(rawDom))).internalSnapshots).toBe(false);
  });

  it('takes one before each change, uniquely named even within one second, holding the old config', async () => {
    const vcpusInSnapshot = async (name: string) => {
      const snap = await fx.client.domainSnapshotLookupByName(dom, name, 0);
      // The snapshot's <domain> is the definition at the time it was taken.
      const domain = child(parseXml(await fx.client.domainSnapshotGetXMLDesc(snap, 0)), 'domain');
      return readCpu(DomainXml.parse(serializeXml(domain!))).vcpus;
    };
    const names: string[] = [];
    const started = new Date();
    for (const vcpus of [2, 3]) {
      names.push(await takeSnapshotFirst(ref(dom), 'cpu', 'before a hardware change'));
      await fx.call('hardware.apply', { ...ref(dom), change: { kind: 'cpu', vcpus } });
    }
    const sameSecond = new Date().getSeconds() === started.getSeconds();
    expect(names[0]).toMatch(/^before-cpu-\d{4}-\d\d-\d\d-\d{6}$/);
    expect(names[0]).toBe(snapshotFirstName('cpu', [], started));
    expect(names[1]).not.toBe(names[0]);
    if (sameSecond) expect(names[1]).toBe(`${names[0]}-2`);
    const listed = await fx.call<Snapshot[]>('snapshots.list', ref(dom));
    expect(listed.map((s) => s.name)).toEqual(names);
    expect(listed[0]!.description).toBe('before a hardware change');
    expect(await vcpusInSnapshot(names[0]!)).toBe(1);
    expect(await vcpusInSnapshot(names[1]!)).toBe(2);
    expect(
      readCpu(DomainXml.parse(await fx.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE))).vcpus,
    ).toBe(3);
  }, 60_000);

  it('a VM libvirt cannot snapshot refuses with libvirt’s text', async () => {
    const err = await takeSnapshotFirst(ref(rawDom), 'memory', 'x').then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(err?.code).toBe('libvirt');
    expect(err?.message).toMatch(/internal snapshot|qcow2|raw/i);
    expect(await fx.call<Snapshot[]>('snapshots.list', ref(rawDom))).toEqual([]);
  });
});
