/**
 * Cloning a VM (virt-clone's job): a copy of its definition under a new name and UUID, new MAC addresses,
 * a new NVRAM file, dynamic security labels, and a copy of every writable disk (file, block or volume
 * disks that are storage volumes, copied in their pool and named after the clone). Read-only and
 * shareable disks (install ISOs) are shared, as virt-clone does; a writable disk that cannot be copied
 * (outside every pool, a network disk) refuses the clone before anything is made. The source must be
 * shut off so its disks are consistent. A failure removes the copies made so far.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError, interruptedError } from '../base/errors.js';
import {
  DomainXMLFlags,
  ErrorCode,
  libvirtCode,
  type LibvirtClient,
  type StoragePoolRef,
  type StorageVolRef,
} from '../libvirt/index.js';
import { DomainXml, newVolumeXml, VolumeXml, type DomainDisk } from '../libvirt-xml/index.js';

/** The persistent definition, secrets included. */
const XML_INACTIVE_SECURE = DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE;

/** The clone's definition from the source's (pure; exported for tests). `copies` maps target → new source. */
export function cloneDomainXml(xml: string, newName: string, copies: ReadonlyMap<string, string>): string {
  const dom = DomainXml.parse(xml);
  if (dom.name === null) throw new CoreError('invalid-input', 'The domain XML has no name');
  // libvirt generates a new UUID, new MACs, a fresh NVRAM file (from the template) and dynamic labels.
  return dom
    .setName(newName)
    .removeUuid()
    .removeMacAddresses()
    .resetNvram()
    .removeStaticSecurityLabels()
    .replaceDiskSources(copies)
    .toString();
}

/** A writable disk: two VMs must never write to it both. Read-only and shareable ones are shared. */
const isWritable = (d: DomainDisk): boolean =>
  d.device !== 'cdrom' && d.device !== 'floppy' && !d.readonly && !d.shareable;

/** How a writable disk is copied: the source volume (and its pool) found through libvirt. */
interface DiskCopyPlan {
  disk: DomainDisk;
  vol: StorageVolRef;
  pool: StoragePoolRef;
}

export class CloneService {
  constructor(private readonly connections: ClientSource) {}

  async clone(input: CallInput<'vms.clone'>): Promise<CallOutput<'vms.clone'>> {
    const c = this.connections.getClient(input.connectionId);
    const dom = await c.domainLookupByUUID(input.uuid);
    if (await c.domainIsActive(dom))
      throw new CoreError(
        'invalid-input',
        'Shut the VM down before cloning it: its disks must not change meanwhile',
      );
    const xml = await c.domainGetXMLDesc(dom, XML_INACTIVE_SECURE);
    // Every writable disk is checked before anything is copied: a refusal leaves nothing behind.
    const plans = await this.planCopies(c, dom.name, xml);
    const made: StorageVolRef[] = [];
    /** What was asked of libvirt so far, named for the error if the connection drops meanwhile. */
    const attempted: string[] = [];
    try {
      const copies = await this.copyDisks(c, plans, input.newName, made, attempted);
      attempted.push(`the definition of VM '${input.newName}'`);
      const clone = await c.domainDefineXML(cloneDomainXml(xml, input.newName, copies));
      return { uuid: clone.uuid };
    } catch (err) {
      for (const v of made) await c.storageVolDelete(v, 0).catch(() => undefined);
      throw interruptedError(err, attempted);
    }
  }

  /**
   * Finds the storage volume behind every writable disk, or refuses the clone: a disk libvirt cannot copy
   * (a host block device or file outside every pool, a network disk) would otherwise be shared.
   */
  private async planCopies(c: LibvirtClient, vmName: string, xml: string): Promise<DiskCopyPlan[]> {
    const plans: DiskCopyPlan[] = [];
    for (const disk of DomainXml.parse(xml).disks.filter(isWritable)) {
      const refuse = (why: string): never => {
        throw new CoreError(
          'invalid-input',
          `VM '${vmName}' cannot be cloned: its disk ${disk.target} ${why}. Two VMs writing to one disk ` +
            'corrupt it; make the disk read-only or shareable, or detach it, before cloning.',
        );
      };
      if (!disk.source) continue; // an empty drive: nothing to copy or share
      let vol: StorageVolRef;
      try {
        if (disk.type === 'volume') {
          vol = await c.storageVolLookupByName(await c.storagePoolLookupByName(disk.pool!), disk.volume!);
        } else if (disk.type === 'file' || disk.type === 'block') {
          vol = await c.storageVolLookupByPath(disk.source);
        } else {
          return refuse(`is a ${disk.type} disk (${disk.source}), which VirtDesk cannot copy`);
        }
      } catch (err) {
        if (libvirtCode(err) !== ErrorCode.NO_STORAGE_VOL && libvirtCode(err) !== ErrorCode.NO_STORAGE_POOL)
          throw err;
        return refuse(`(${disk.source}) is not a volume of any storage pool, so it cannot be copied`);
      }
      plans.push({ disk, vol, pool: await c.storagePoolLookupByVolume(vol) });
    }
    return plans;
  }

  /** Copies the planned volumes into their pools; returns target → the copy's path or volume name. */
  private async copyDisks(
    c: LibvirtClient,
    plans: DiskCopyPlan[],
    newName: string,
    made: StorageVolRef[],
    attempted: string[],
  ): Promise<Map<string, string>> {
    const copies = new Map<string, string>();
    for (const [i, { disk, vol, pool }] of plans.entries()) {
      const fmt = VolumeXml.parse(await c.storageVolGetXMLDesc(vol, 0)).format ?? '';
      const ext = fmt === 'qcow2' ? '.qcow2' : fmt === 'raw' ? '.img' : '';
      const name = `${newName}${plans.length > 1 ? `-${i + 1}` : ''}${ext}`;
      attempted.push(`a partial disk copy ${name} in pool ${pool.name}`);
      const copy = await c.storageVolCreateXMLFrom(
        pool,
        newVolumeXml({ name, capacityBytes: 0, format: fmt || null }),
        vol,
        0,
      );
      made.push(copy);
      copies.set(disk.target, disk.type === 'volume' ? copy.name : await c.storageVolGetPath(copy));
    }
    return copies;
  }
}
