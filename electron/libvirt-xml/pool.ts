/** A storage pool description (formatstorage "Storage pool XML"): reads, and a builder for directory pools. */
import {
  add,
  attr,
  bytesOf,
  child,
  children,
  intOf,
  newDocument,
  parseXml,
  serializeXml,
  text,
  XmlError,
  type XmlElement,
} from './dom.js';

export interface PoolSource {
  /** Source name (logical VG, RBD pool, gluster volume…). */
  name: string | null;
  hosts: { name: string; port: number | null }[];
  devices: string[];
  dir: string | null;
  format: string | null;
}

export class PoolXml {
  private constructor(readonly root: XmlElement) {}

  /** Parses a pool description; throws XmlError when it is malformed or not a <pool>. */
  static parse(xml: string): PoolXml {
    const root = parseXml(xml);
    if (root.nodeName !== 'pool')
      throw new XmlError(`Invalid XML: expected a <pool> description, not <${root.nodeName}>`);
    return new PoolXml(root);
  }

  toString(): string {
    return serializeXml(this.root);
  }

  /** 'dir', 'fs', 'netfs', 'logical', 'disk', 'iscsi', 'rbd', … */
  get type(): string | null {
    return attr(this.root, 'type');
  }
  get name(): string | null {
    return text(this.root, 'name');
  }
  get uuid(): string | null {
    return text(this.root, 'uuid');
  }
  /** Sizes in bytes. */
  get capacityBytes(): number | null {
    return bytesOf(child(this.root, 'capacity'), 'bytes');
  }
  get allocationBytes(): number | null {
    return bytesOf(child(this.root, 'allocation'), 'bytes');
  }
  get availableBytes(): number | null {
    return bytesOf(child(this.root, 'available'), 'bytes');
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
