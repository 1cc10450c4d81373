/**
 * Cloning a VM (virt-clone's job): a copy of its definition under a new name and UUID, new MAC addresses,
 * a new NVRAM file, and a copy of every writable disk that is a storage volume (in the same pool, named
 * after the clone). Read-only and shareable disks (install ISOs) are shared, as virt-clone does. The
 * source must be shut off so its disks are consistent. A failure removes the copies made so far.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { ConnectionManager } from './connection-manager.js';
import { CoreError } from './errors.js';
import type { LibvirtClient, StorageVolRef } from './libvirt-port.js';
import { DomainXml, newVolumeXml, VolumeXml } from '../libvirt-xml/index.js';

/** VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE: the persistent definition, secrets included. */
const XML_INACTIVE_SECURE = 2 | 1;

/** The clone's definition from the source's (pure; exported for tests). `disks` maps old → new paths. */
export function cloneDomainXml(xml: string, newName: string, disks: ReadonlyMap<string, string>): string {
  const dom = DomainXml.parse(xml);
  if (dom.name === null) throw new CoreError('invalid-input', 'The domain XML has no name');
  // libvirt generates a new UUID, new MACs and (from the template) a fresh NVRAM file.
  return dom
    .setName(newName)
    .removeUuid()
    .removeMacAddresses()
    .resetNvram()
    .replaceDiskFiles(disks)
    .toString();
}

export class CloneService {
  constructor(private readonly connections: ConnectionManager) {}

  async clone(input: CallInput<'vms.clone'>): Promise<CallOutput<'vms.clone'>> {
    const c = this.connections.getClient(input.connectionId);
    const dom = await c.domainLookupByUUID(input.uuid);
    if (await c.domainIsActive(dom))
      throw new CoreError(
        'invalid-input',
        'Shut the VM down before cloning it: its disks must not change meanwhile',
      );
    const xml = await c.domainGetXMLDesc(dom, XML_INACTIVE_SECURE);
    const made: StorageVolRef[] = [];
    try {
      const disks = await this.copyDisks(c, xml, input.newName, made);
      const clone = await c.domainDefineXML(cloneDomainXml(xml, input.newName, disks));
      return { uuid: clone.uuid };
    } catch (err) {
      for (const v of made) await c.storageVolDelete(v, 0).catch(() => undefined);
      throw err;
    }
  }

  /** Copies the writable volume disks; returns old path → new path. */
  private async copyDisks(
    c: LibvirtClient,
    xml: string,
    newName: string,
    made: StorageVolRef[],
  ): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    const disks = DomainXml.parse(xml).disks.filter(
      (d) => d.type === 'file' && d.device !== 'cdrom' && !d.readonly && !d.shareable,
    );
    for (const [i, d] of disks.entries()) {
      const path = d.source;
      if (!path) continue;
      // A disk outside any storage pool cannot be copied through libvirt: say so rather than share it.
      const vol = await c.storageVolLookupByPath(path);
      const pool = await c.storagePoolLookupByVolume(vol);
      const fmt = VolumeXml.parse(await c.storageVolGetXMLDesc(vol, 0)).format ?? '';
      const ext = fmt === 'qcow2' ? '.qcow2' : fmt === 'raw' ? '.img' : '';
      const name = `${newName}${disks.length > 1 ? `-${i + 1}` : ''}${ext}`;
      const copy = await c.storageVolCreateXMLFrom(
        pool,
        newVolumeXml({ name, capacityBytes: 0, format: fmt || null }),
        vol,
        0,
      );
      made.push(copy);
      map.set(path, await c.storageVolGetPath(copy));
    }
    return map;
  }
}
