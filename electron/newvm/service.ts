/**
 * Creating a VM: what a connection offers (pools, networks, KVM or emulation), the osinfo-db OS list
 * and ISO detection, and the creation itself — disk volume, definition, first start — with nothing left
 * behind when a step fails (the new volume is deleted again if libvirt refuses the definition).
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { z } from 'zod';
import type { newVmInputSchema, OsChoice } from '../../shared/contract/newvm.js';
import { parseLibvirtUri } from '../libvirt/uri.js';
import { detectOs } from '../osinfo/detect.js';
import { osCatalog, searchOs, type OsEntry } from '../osinfo/catalog.js';
import { readIsoIdentity } from '../osinfo/iso.js';
import type { ConnectionDirectory } from '../base/connections.js';
import { CoreError, interruptedError } from '../base/errors.js';
import type { LibvirtClient } from '../libvirt/index.js';
import { newVmXml, newVolumeXml, PoolXml } from '../libvirt-xml/index.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** An osinfo entry as the dialog shows it, with suggested sizes (recommended, else minimum). */
export function osChoice(e: OsEntry): OsChoice {
  const pick = (k: 'ramBytes' | 'storageBytes' | 'cpus'): number | null =>
    e.recommended[k] ?? e.minimum[k] ?? null;
  const ram = pick('ramBytes');
  const storage = pick('storageBytes');
  return {
    id: e.id,
    shortId: e.shortId,
    name: e.name,
    family: e.family ?? null,
    releaseDate: e.releaseDate ?? null,
    memoryMiB: ram === null ? null : Math.round(ram / MiB),
    diskGiB: storage === null ? null : Math.ceil(storage / GiB),
    cpus: pick('cpus'),
    virtio: e.virtio,
  };
}

export class NewVmService {
  constructor(private readonly connections: ConnectionDirectory) {}

  private async virtType(c: LibvirtClient): Promise<'kvm' | 'qemu'> {
    try {
      await c.connectGetDomainCapabilities({ virttype: 'kvm', arch: 'x86_64' });
      return 'kvm';
    } catch {
      return 'qemu'; // no /dev/kvm (or no KVM support in this libvirt): emulation
    }
  }

  async options(input: CallInput<'newvm.options'>): Promise<CallOutput<'newvm.options'>> {
    const c = this.connections.getClient(input.connectionId);
    const pools = await Promise.all(
      (await c.connectListAllStoragePools(0)).map(async (p) => {
        const path = PoolXml.parse(await c.storagePoolGetXMLDesc(p, 0)).targetPath;
        return { name: p.name, active: await c.storagePoolIsActive(p), path };
      }),
    );
    const networks = await Promise.all(
      (await c.connectListAllNetworks(0)).map(async (n) => ({
        name: n.name,
        active: await c.networkIsActive(n),
      })),
    );
    const uri = parseLibvirtUri(this.connections.entry(input.connectionId).uri);
    return {
      pools: pools.sort((a, b) => a.name.localeCompare(b.name)),
      networks: networks.sort((a, b) => a.name.localeCompare(b.name)),
      session: uri.path === '/session',
      virtType: await this.virtType(c),
      osinfo: (await osCatalog()).length > 0,
    };
  }

  async searchOs(input: CallInput<'newvm.searchOs'>): Promise<CallOutput<'newvm.searchOs'>> {
    return searchOs(await osCatalog(), input.query, input.limit ?? 30).map(osChoice);
  }

  async detectOs(input: CallInput<'newvm.detectOs'>): Promise<CallOutput<'newvm.detectOs'>> {
    const uri = parseLibvirtUri(this.connections.entry(input.connectionId).uri);
    if (uri.transport !== 'unix' || uri.host)
      throw new CoreError(
        'invalid-input',
        'OS detection reads the ISO on this computer; this connection is to another host',
      );
    const iso = await readIsoIdentity(input.path).catch((e: unknown) => {
      throw new CoreError('invalid-input', `Cannot read ${input.path}: ${(e as Error).message}`);
    });
    if (!iso) return { volumeId: null, os: null };
    const os = detectOs(await osCatalog(), iso);
    return { volumeId: iso.volumeId || null, os: os ? osChoice(os) : null };
  }

  /** `v` as the contract validated it (defaults applied). */
  async create(v: z.output<typeof newVmInputSchema>): Promise<CallOutput<'newvm.create'>> {
    const c = this.connections.getClient(v.connectionId);
    let os: OsEntry | null = null;
    if (v.osId) {
      os = (await osCatalog()).find((e) => e.id === v.osId) ?? null;
      if (!os) throw new CoreError('invalid-input', `Unknown operating system: ${v.osId}`);
    }
    const virtType = await this.virtType(c);
    let vol: Awaited<ReturnType<LibvirtClient['storageVolCreateXML']>> | null = null;
    let diskPath: string | null = null;
    /** What was asked of libvirt so far, named for the error if the connection drops meanwhile. */
    const attempted: string[] = [];
    if (v.disk) {
      const pool = await c.storagePoolLookupByName(v.disk.pool);
      const bytes = Math.round(v.disk.sizeGiB * GiB);
      attempted.push(`a new disk ${v.name}.qcow2 in pool ${v.disk.pool}`);
      vol = await c
        .storageVolCreateXML(
          pool,
          newVolumeXml({ name: `${v.name}.qcow2`, capacityBytes: bytes, format: 'qcow2' }),
        )
        .catch((err: unknown) => {
          throw interruptedError(err, attempted);
        });
    }
    let dom;
    try {
      if (vol) diskPath = await c.storageVolGetPath(vol);
      attempted.push(`the definition of VM '${v.name}'`);
      dom = await c.domainDefineXML(
        newVmXml({
          name: v.name,
          virtType,
          memoryMiB: v.memoryMiB,
          vcpus: v.vcpus,
          osId: os?.id ?? null,
          virtio: os ? os.virtio : true,
          diskPath,
          installMedia: v.installMedia ?? null,
          network: v.network,
        }),
      );
    } catch (err) {
      // The VM was refused (or its disk's path unknown): its new disk must not stay behind.
      if (vol) await c.storageVolDelete(vol, 0).catch(() => undefined);
      throw interruptedError(err, attempted);
    }
    if (!v.start) return { uuid: dom.uuid, started: false, startError: null };
    try {
      await c.domainCreate(dom);
      return { uuid: dom.uuid, started: true, startError: null };
    } catch (err) {
      // Defined but not running (e.g. its network is inactive): the user fixes that and starts it.
      return { uuid: dom.uuid, started: false, startError: (err as Error).message };
    }
  }
}
