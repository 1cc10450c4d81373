/**
 * Cloning a VM (virt-clone's job): a copy of its definition under a new name and UUID, new MAC addresses,
 * a new NVRAM file, and a copy of every writable disk that is a storage volume (in the same pool, named
 * after the clone). Read-only and shareable disks (install ISOs) are shared, as virt-clone does. The
 * source must be shut off so its disks are consistent. A failure removes the copies made so far.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import { DomainXMLFlags, type LibvirtClient, type StorageVolRef } from '../libvirt/index.js';
import { child, children, parseXml, serializeXml, type XmlElement } from '../core/xml.js';

/** The persistent definition, secrets included. */
const XML_INACTIVE_SECURE = DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE;

/** The clone's definition from the source's (pure; exported for tests). `disks` maps old → new paths. */
export function cloneDomainXml(xml: string, newName: string, disks: ReadonlyMap<string, string>): string {
  const dom = parseXml(xml);
  const nameEl = child(dom, 'name');
  if (!nameEl) throw new CoreError('invalid-input', 'The domain XML has no name');
  nameEl.text = newName;
  const drop = (parent: XmlElement | undefined, name: string) => {
    if (parent) parent.children = parent.children.filter((c) => c.name !== name);
  };
  drop(dom, 'uuid'); // libvirt generates a new one
  for (const nic of children(dom, 'devices/interface')) drop(nic, 'mac');
  const nvram = child(dom, 'os/nvram');
  if (nvram) nvram.text = ''; // libvirt creates a fresh one from the template
  for (const disk of children(dom, 'devices/disk')) {
    const source = child(disk, 'source');
    const path = source?.attrs.file;
    if (source && path && disks.has(path)) source.attrs.file = disks.get(path)!;
  }
  return serializeXml(dom);
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
    const disks = children(parseXml(xml), 'devices/disk').filter(
      (d) => d.attrs.device !== 'cdrom' && !child(d, 'readonly') && !child(d, 'shareable'),
    );
    for (const [i, d] of disks.entries()) {
      const path = child(d, 'source')?.attrs.file;
      if (!path) continue;
      // A disk outside any storage pool cannot be copied through libvirt: say so rather than share it.
      const vol = await c.storageVolLookupByPath(path);
      const pool = await c.storagePoolLookupByVolume(vol);
      const fmt = child(parseXml(await c.storageVolGetXMLDesc(vol, 0)), 'target/format')?.attrs.type ?? '';
      const ext = fmt === 'qcow2' ? '.qcow2' : fmt === 'raw' ? '.img' : '';
      const name = `${newName}${disks.length > 1 ? `-${i + 1}` : ''}${ext}`;
      const copy = await c.storageVolCreateXMLFrom(
        pool,
        serializeXml({
          name: 'volume',
          attrs: {},
          text: '',
          children: [
            { name: 'name', attrs: {}, text: name, children: [] },
            { name: 'capacity', attrs: { unit: 'bytes' }, text: '0', children: [] },
            {
              name: 'target',
              attrs: {},
              text: '',
              children: fmt ? [{ name: 'format', attrs: { type: fmt }, text: '', children: [] }] : [],
            },
          ],
        }),
        vol,
        0,
      );
      made.push(copy);
      map.set(path, await c.storageVolGetPath(copy));
    }
    return map;
  }
}
