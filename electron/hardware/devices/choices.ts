/**
 * What the disk and NIC editors pick from (pools and their volumes, networks) and a disk's current size.
 * The pools, volumes and networks are the Storage and Networks pages' own listings (storage.pools,
 * storage.volumes, networks.list), cut down to what the editors need: one way to list them, not two.
 * A pool whose volumes cannot be listed (stopped, or gone meanwhile) is shown without volumes. The pickers
 * do not show which VMs use a volume, so the listings are asked without users: no domain XML is read.
 */
import type { CallInput, CallOutput } from '../../../shared/contract/index.js';
import type { ClientSource } from '../../base/connections.js';
import type { NetworkService } from '../../networks/service.js';
import type { StorageService } from '../../storage/service.js';
import { diskIn, volumeOf } from './disks.js';
import { readDomainState } from './apply.js';

export class HardwareDeviceService {
  constructor(
    private readonly connections: ClientSource,
    private readonly storage: Pick<StorageService, 'pools' | 'volumes'>,
    private readonly networks: Pick<NetworkService, 'list'>,
  ) {}

  async choices(input: CallInput<'hardware.deviceChoices'>): Promise<CallOutput<'hardware.deviceChoices'>> {
    const id = input.connectionId;
    const [{ pools }, { networks }] = await Promise.all([
      this.storage.pools(id, { users: false }),
      this.networks.list(id, { users: false }).catch(() => ({ networks: [] })),
    ]);
    const withVolumes = await Promise.all(
      pools.map(async (p) => {
        const { volumes } = p.active
          ? await this.storage.volumes(id, p.name, { users: false }).catch(() => ({ volumes: [] }))
          : { volumes: [] };
        return {
          name: p.name,
          active: p.active,
          availableBytes: p.active ? p.available : null,
          volumes: volumes.map((v) => ({
            name: v.name,
            path: v.path,
            capacityBytes: v.capacity,
            format: v.format,
          })),
        };
      }),
    );
    return {
      pools: withVolumes,
      networks: networks.map((n) => ({ name: n.name, active: n.active })),
    };
  }

  async diskSize(input: CallInput<'hardware.diskSize'>): Promise<CallOutput<'hardware.diskSize'>> {
    const client = this.connections.getClient(input.connectionId);
    const dom = await client.domainLookupByUUID(input.uuid);
    const s = await readDomainState(client, dom);
    const { disk, inLive } = diskIn(s, input.target);
    if (inLive) return { capacityBytes: (await client.domainGetBlockInfo(dom, input.target)).capacity };
    const vol = await volumeOf(client, disk);
    return { capacityBytes: vol ? (await client.storageVolGetInfo(vol)).capacity : null };
  }
}
