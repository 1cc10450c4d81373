/**
 * What the disk and NIC editors pick from (pools and their volumes, networks) and a disk's current size.
 * Read-only calls; a pool that cannot be listed (stopped, or gone meanwhile) is shown without volumes.
 */
import type { CallInput, CallOutput } from '../../../shared/contract/index.js';
import type { ClientSource } from '../../base/connections.js';
import { PoolXml, VolumeXml } from '../../libvirt-xml/index.js';
import { diskIn, volumeOf } from './disks.js';
import { readDomainState } from './apply.js';

export class HardwareDeviceService {
  constructor(private readonly connections: ClientSource) {}

  async choices(input: CallInput<'hardware.deviceChoices'>): Promise<CallOutput<'hardware.deviceChoices'>> {
    const client = this.connections.getClient(input.connectionId);
    const [poolRefs, netRefs] = await Promise.all([
      client.connectListAllStoragePools(0),
      client.connectListAllNetworks(0).catch(() => []),
    ]);
    const pools = await Promise.all(
      poolRefs.map(async (ref) => {
        const active = await client.storagePoolIsActive(ref).catch(() => false);
        if (!active) return { name: ref.name, active, availableBytes: null, volumes: [] };
        const pool = PoolXml.parse(await client.storagePoolGetXMLDesc(ref));
        const vols = await client.storagePoolListAllVolumes(ref, 0).catch(() => []);
        const volumes = await Promise.all(
          vols.map(async (v) => {
            const x = VolumeXml.parse(await client.storageVolGetXMLDesc(v));
            return {
              name: v.name,
              path: x.targetPath ?? '',
              capacityBytes: x.capacityBytes ?? 0,
              format: x.format,
            };
          }),
        );
        volumes.sort((a, b) => a.name.localeCompare(b.name));
        return { name: ref.name, active, availableBytes: pool.availableBytes, volumes };
      }),
    );
    const networks = await Promise.all(
      netRefs.map(async (n) => ({
        name: n.name,
        active: await client.networkIsActive(n).catch(() => false),
      })),
    );
    return {
      pools: pools.sort((a, b) => a.name.localeCompare(b.name)),
      networks: networks.sort((a, b) => a.name.localeCompare(b.name)),
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
