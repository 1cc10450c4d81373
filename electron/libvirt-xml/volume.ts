/** A storage volume description (formatstorage "Storage volume XML"): reads, and a builder for new ones. */
import { add, attr, child, newDocument, serializeXml, text } from './dom.js';
import { LibvirtXml } from './document.js';

export interface BackingStore {
  path: string | null;
  format: string | null;
}

export class VolumeXml extends LibvirtXml {
  /** Parses a volume description; throws XmlError when it is malformed or not a <volume>. */
  static parse(xml: string): VolumeXml {
    return new VolumeXml(LibvirtXml.rootOf(xml, 'volume'));
  }

  get key(): string | null {
    return text(this.root, 'key');
  }
  /** Sizes in bytes (storage sizes default to bytes when no unit is given). */
  get capacityBytes(): number | null {
    return this.bytes('capacity');
  }
  get allocationBytes(): number | null {
    return this.bytes('allocation');
  }
  /** Size of the file/device itself (a qcow2's file, not its virtual size), when libvirt says. */
  get physicalBytes(): number | null {
    return this.bytes('physical');
  }
  get targetPath(): string | null {
    return text(this.root, 'target/path');
  }
  /** The image format ('qcow2', 'raw', …), or null. */
  get format(): string | null {
    return attr(child(this.root, 'target/format'), 'type');
  }
  get backingStore(): BackingStore | null {
    const b = child(this.root, 'backingStore');
    if (!b) return null;
    return { path: text(b, 'path'), format: attr(child(b, 'format'), 'type') };
  }
}

export interface NewVolume {
  name: string;
  capacityBytes: number;
  /** Image format; the pool's default when absent. */
  format?: string | null;
  /** Bytes to allocate now (0: thin/sparse); libvirt allocates the whole capacity when absent. */
  allocationBytes?: number;
  /** A volume the new one starts from (copy-on-write, qcow2): its path and format. */
  backing?: { path: string; format: string | null } | null;
}

/** A new volume's description (for storageVolCreateXML / CreateXMLFrom). */
export function newVolumeXml(v: NewVolume): string {
  const root = newDocument('volume');
  add(root, 'name', {}, v.name);
  add(root, 'capacity', { unit: 'bytes' }, v.capacityBytes);
  if (v.allocationBytes !== undefined) add(root, 'allocation', { unit: 'bytes' }, v.allocationBytes);
  const target = add(root, 'target');
  if (v.format) add(target, 'format', { type: v.format });
  if (v.backing) {
    const b = add(root, 'backingStore');
    add(b, 'path', {}, v.backing.path);
    if (v.backing.format) add(b, 'format', { type: v.backing.format });
  }
  return serializeXml(root);
}
