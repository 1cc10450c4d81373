/**
 * The one libvirt-XML layer: parse, read, edit and build libvirt's XML documents on a standards DOM,
 * keeping whatever it does not understand. Imports only itself, node:* and @xmldom/xmldom.
 */
export {
  attr,
  attributes,
  bytesOf,
  child,
  children,
  descendants,
  elements,
  intOf,
  localName,
  MAX_XML_CHARS,
  parseXml,
  serializeXml,
  text,
  XmlError,
  type XmlElement,
} from './dom.js';
export * from './domain.js';
export * from './new-domain.js';
export * from './volume.js';
export * from './pool.js';
export * from './network.js';
export * from './snapshot.js';
export * from './domain-devices.js';
export * from './domain-hardware.js';
export * from './domain-capabilities.js';
export * from './capabilities.js';
export * from './domain-tuning.js';
export * from './domain-display.js';
export * from './domain-chardevs.js';
export * from './domain-controllers.js';
export * from './domain-filesystems.js';
export * from './domain-hostdevs.js';
export * from './node-device.js';
export * from './domain-tuning-edit.js';
export * from './domain-tuning-more.js';
export * from './domain-guest-numa.js';
