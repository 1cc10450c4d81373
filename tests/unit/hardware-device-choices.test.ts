/**
 * hardware.deviceChoices is the Storage and Networks services' listing cut down (fakes for those services:
 * pure mapping): a stopped pool has no volumes and no free space, a pool whose volumes cannot be listed is
 * shown without them, and networks that cannot be listed leave an empty list rather than no choices.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { HardwareDeviceService } from '../../electron/hardware/devices/choices.js';
import type { StoragePool, StorageVolume } from '../../shared/contract/storage.js';
import type { NetworkSummary } from '../../shared/contract/networks.js';

const pool = (name: string, active: boolean): StoragePool =>
  ({ name, active, available: 5e9 }) as unknown as StoragePool;
const vol = (name: string): StorageVolume =>
  ({ name, path: `/p/${name}`, capacity: 1024, format: 'qcow2' }) as unknown as StorageVolume;

/** The options each listing was asked with: the pickers show no users, so they ask for none. */
const asked: unknown[] = [];

const service = (networks: () => Promise<{ networks: NetworkSummary[] }>) =>
  new HardwareDeviceService(
    {
      getClient: () => {
        throw new Error('no libvirt here');
      },
    } as never,
    {
      pools: async (_id: string, opts?: { users?: boolean }) => {
        asked.push(opts);
        return { pools: [pool('a', true), pool('b', false), pool('gone', true)] };
      },
      volumes: async (_id: string, name: string, opts?: { users?: boolean }) => {
        asked.push(opts);
        if (name === 'gone') throw new Error('pool vanished');
        return { volumes: [vol('disk.qcow2')] };
      },
    },
    {
      list: (_id: string, opts?: { users?: boolean }) => {
        asked.push(opts);
        return networks();
      },
    },
  );

describe('hardware.deviceChoices', () => {
  beforeEach(() => {
    asked.length = 0;
  });

  it('maps the storage and networks listings', async () => {
    const net = { name: 'default', active: true } as NetworkSummary;
    const out = await service(async () => ({ networks: [net] })).choices({ connectionId: 'c' });
    expect(out).toEqual({
      pools: [
        {
          name: 'a',
          active: true,
          availableBytes: 5e9,
          volumes: [{ name: 'disk.qcow2', path: '/p/disk.qcow2', capacityBytes: 1024, format: 'qcow2' }],
        },
        { name: 'b', active: false, availableBytes: null, volumes: [] },
        { name: 'gone', active: true, availableBytes: 5e9, volumes: [] },
      ],
      networks: [{ name: 'default', active: true }],
    });
    // The pools, the networks, the volumes of each active pool: none of them reads domains for users.
    expect(asked).toEqual(Array.from({ length: 4 }, () => ({ users: false })));
  });

  it('networks that cannot be listed leave the pools', async () => {
    const out = await service(() => Promise.reject(new Error('no network driver'))).choices({
      connectionId: 'c',
    });
    expect(out.networks).toEqual([]);
    expect(out.pools).toHaveLength(3);
  });
});
