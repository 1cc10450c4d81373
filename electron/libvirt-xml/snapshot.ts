/** A domain snapshot description (formatsnapshot): reads, and a builder for new snapshots. */
import { add, attr, child, intOf, newDocument, serializeXml, text } from './dom.js';
import { LibvirtXml } from './document.js';

export class SnapshotXml extends LibvirtXml {
  /** Parses a snapshot description; throws XmlError when it is malformed or not a <domainsnapshot>. */
  static parse(xml: string): SnapshotXml {
    return new SnapshotXml(LibvirtXml.rootOf(xml, 'domainsnapshot'));
  }

  get description(): string | null {
    return text(this.root, 'description');
  }
  /** The domain's state when taken ('running', 'shutoff', 'disk-snapshot', …), or null. */
  get state(): string | null {
    return text(this.root, 'state');
  }
  get parent(): string | null {
    return text(this.root, 'parent/name');
  }
  /** Seconds since the epoch, or null. */
  get creationTime(): number | null {
    return intOf(text(this.root, 'creationTime'));
  }
  /** How memory was saved: 'no', 'internal', 'external'; null when libvirt omits it (older versions). */
  get memory(): string | null {
    return attr(child(this.root, 'memory'), 'snapshot');
  }
}

/** A new snapshot's description (for domainSnapshotCreateXML); libvirt fills in the rest. */
export function newSnapshotXml(v: { name: string; description?: string | null }): string {
  const root = newDocument('domainsnapshot');
  add(root, 'name', {}, v.name);
  if (v.description) add(root, 'description', {}, v.description);
  return serializeXml(root);
}
