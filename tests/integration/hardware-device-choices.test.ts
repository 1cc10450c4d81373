/**
 * hardware.deviceChoices on the private session daemon, with two VMs defined whose disks are volumes of a
 * test pool: the picker's listing reads no domain XML (the Storage and Networks pages' listings read every
 * domain's, the storage one once per pool listed, to say who uses each volume or network — the picker does
 * not show that), and its pools and volumes are the Storage page's own, cut down.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HardwareDeviceService } from '../../electron/hardware/devices/choices.js';
import { openConnection, type DomainRef, type LibvirtClient } from '../../electron/libvirt/index.js';
import { NetworkService } from '../../electron/networks/service.js';
import { StorageService } from '../../electron/storage/service.js';
import { testEnv } from '../support/env.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { createTestPool, type TestPool } from '../support/pool.js';

describe('hardware.deviceChoices reads no domain XML', () => {
  const env = testEnv();
  const name = uniqueGuestName('hwchoices');
  let client: LibvirtClient;
  let pool: TestPool;
  const doms: DomainRef[] = [];

  beforeAll(async () => {
    client = await openConnection(env.qemuUri);
    pool = await createTestPool(client, `${name}-pool`);
    for (const n of [1, 2]) {
      const disk = await pool.volume(`disk${n}.qcow2`, 8);
      doms.push(
        await client.domainDefineXML(
          tinyGuestXml({
            name: `${name}-${n}`,
            kernel: env.guestKernel,
            initrd: env.guestInitrd,
            virtType: env.virtType,
            disk,
          }),
        ),
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const d of doms) await client.domainUndefineFlags(d, 0).catch(() => undefined);
    await pool?.remove();
    await client?.close().catch(() => undefined);
  });

  it('lists the pools and volumes the Storage page lists, without a single domain read', async () => {
    const source = { getClient: () => client };
    const storage = new StorageService(source, () => undefined);
    const networks = new NetworkService(source);
    const choices = new HardwareDeviceService(source, storage, networks);
    const reads = vi.spyOn(client, 'domainGetXMLDesc');
    try {
      // What the Storage and Networks pages see: who uses what, so every domain is read (the count is real).
      await storage.pools('c');
      await networks.list('c');
      const ours = await storage.volumes('c', pool.name);
      expect(ours.volumes.map((v) => v.usedBy.map((u) => u.name))).toEqual([[`${name}-1`], [`${name}-2`]]);
      expect(reads.mock.calls.length).toBeGreaterThanOrEqual(6);

      reads.mockClear();
      const out = await choices.choices({ connectionId: 'c' });
      expect(reads).not.toHaveBeenCalled();

      // (Other test files may add pools meanwhile, and the free space is the file system's: not compared.)
      expect(out.pools.find((p) => p.name === pool.name)).toEqual({
        name: pool.name,
        active: true,
        availableBytes: expect.any(Number),
        volumes: ours.volumes.map((v) => ({
          name: v.name,
          path: v.path,
          capacityBytes: v.capacity,
          format: v.format,
        })),
      });
    } finally {
      reads.mockRestore();
    }
  }, 60_000);
});
