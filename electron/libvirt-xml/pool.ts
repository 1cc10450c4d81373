/** A storage pool description (formatstorage "Storage pool XML"): reads, and a builder for directory pools. */
import { add, attr, child, children, intOf, newDocument, serializeXml, text } from './dom.js';
import { LibvirtXml } from './document.js';

export interface PoolSource {
  /** Source name (logical VG, RBD pool, gluster volume…). */
  name: string | null;
  hosts: { name: string; port: number | null }[];
  devices: string[];
  dir: string | null;
  format: string | null;
}

export class PoolXml extends LibvirtXml {
  /** Parses a pool description; throws XmlError when it is malformed or not a <pool>. */
  static parse(xml: string): PoolXml {
    return new PoolXml(LibvirtXml.rootOf(xml, 'pool'));
  }

  /** Sizes in bytes. */
  get capacityBytes(): number | null {
    return this.bytes('capacity');
  }
  get allocationBytes(): number | null {
    return this.bytes('allocation');
  }
  get availableBytes(): number | null {
    return this.bytes('available');
  }
  /** Where the pool's volumes appear on the host, or null (e.g. RBD). */
  get targetPath(): string | null {
    return text(this.root, 'target/path') || null;
  }
  get source(): PoolSource {
    const s = child(this.root, 'source');
    return {
      name: text(s, 'name'),
      hosts: children(s, 'host').map((h) => ({ name: attr(h, 'name') ?? '', port: intOf(attr(h, 'port')) })),
      devices: children(s, 'device')
        .map((d) => attr(d, 'path') ?? '')
        .filter(Boolean),
      dir: attr(child(s, 'dir'), 'path'),
      format: attr(child(s, 'format'), 'type'),
    };
  }
}

/** A directory pool's description (for storagePoolDefineXML / CreateXML). */
export function newDirPoolXml(name: string, targetPath: string): string {
  const root = newDocument('pool', { type: 'dir' });
  add(root, 'name', {}, name);
  add(add(root, 'target'), 'path', {}, targetPath);
  return serializeXml(root);
}
