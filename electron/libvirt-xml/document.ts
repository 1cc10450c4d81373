/**
 * What every libvirt object description has in common (domain, pool, volume, network, snapshot): a root
 * element of a known name, a name, usually a UUID, and serialization of the document as edited.
 */
import { attr, bytesOf, child, parseXml, serializeXml, text, XmlError, type XmlElement } from './dom.js';

export abstract class LibvirtXml {
  protected constructor(readonly root: XmlElement) {}

  /** Parses `xml`; throws XmlError when it is malformed or its root is not `<expected>`. */
  static rootElement(xml: string, expected: string): XmlElement {
    return LibvirtXml.rootOf(xml, expected);
  }

  protected static rootOf(xml: string, expected: string): XmlElement {
    const root = parseXml(xml);
    if (root.nodeName !== expected)
      throw new XmlError(`Invalid XML: expected a <${expected}> description, not <${root.nodeName}>`);
    return root;
  }

  toString(): string {
    return serializeXml(this.root);
  }

  get name(): string | null {
    return text(this.root, 'name');
  }
  get uuid(): string | null {
    return text(this.root, 'uuid');
  }
  /** The root's `type` attribute (domain: kvm/qemu…; pool: dir/fs…; volume: file/block…). */
  get type(): string | null {
    return attr(this.root, 'type');
  }

  /** A size child (`<capacity>`, `<allocation>`…) in bytes; storage sizes default to bytes without a unit. */
  protected bytes(path: string): number | null {
    return bytesOf(child(this.root, path), 'bytes');
  }
}
