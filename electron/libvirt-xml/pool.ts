/**
 * A storage pool description (formatstorage "Storage pool XML"): reads, builders for new pools of every
 * type VirtDesk offers, and the storage driver's pool capabilities (formatstoragecaps).
 */
import {
  add,
  attr,
  child,
  children,
  intOf,
  newDocument,
  serializeXml,
  text,
  type XmlElement,
} from './dom.js';
import { LibvirtXml } from './document.js';

export interface PoolSource {
  /** Source name (logical VG, RBD pool, gluster volume…). */
  name: string | null;
  hosts: { name: string; port: number | null }[];
  /** Device paths; for iSCSI pools the target's IQN. */
  devices: string[];
  dir: string | null;
  format: string | null;
}

/** A `<source>` element's fields (a pool's own, or one of find-storage-pool-sources' answers). */
function readSource(s: XmlElement | undefined): PoolSource {
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
    return readSource(child(this.root, 'source'));
  }
}

/** A directory pool's description (for storagePoolDefineXML / CreateXML). */
export function newDirPoolXml(name: string, targetPath: string): string {
  const root = newDocument('pool', { type: 'dir' });
  add(root, 'name', {}, name);
  add(add(root, 'target'), 'path', {}, targetPath);
  return serializeXml(root);
}

/** What a new pool's definition holds; which fields each type needs is the contract's POOL_TYPE_NEEDS. */
export interface NewPool {
  name: string;
  type: string;
  targetPath?: string | undefined;
  sourceDevice?: string | undefined;
  sourceHost?: string | undefined;
  /** The server's port (iSCSI portal, gluster…); the backend's default when absent. */
  sourcePort?: number | undefined;
  sourceDir?: string | undefined;
  sourceName?: string | undefined;
  sourceFormat?: string | undefined;
}

/**
 * The initiator name VirtDesk logs in with over libiscsi (iSCSI-direct pools have no host initiator, so the
 * pool's definition names one). A target's ACL may have to allow it.
 */
export const initiatorIqn = (poolName: string): string =>
  `iqn.2024-01.org.virtdesk:${poolName.replace(/[^A-Za-z0-9.:-]/g, '-').toLowerCase()}`;

/** A new pool's description (for storagePoolDefineXML / CreateXML). */
export function newPoolXml(p: NewPool): string {
  const root = newDocument('pool', { type: p.type });
  add(root, 'name', {}, p.name);
  const source = add(root, 'source');
  if (p.sourceHost)
    add(
      source,
      'host',
      p.sourcePort ? { name: p.sourceHost, port: String(p.sourcePort) } : { name: p.sourceHost },
    );
  if (p.sourceDevice) add(source, 'device', { path: p.sourceDevice });
  if (p.sourceDir) add(source, 'dir', { path: p.sourceDir });
  if (p.type === 'scsi' && p.sourceName) add(source, 'adapter', { type: 'scsi_host', name: p.sourceName });
  else if (p.sourceName) add(source, 'name', {}, p.sourceName);
  if (p.sourceFormat) add(source, 'format', { type: p.sourceFormat });
  // An iSCSI-direct pool needs an initiator name: the IQN the host logs in with.
  if (p.type === 'iscsi-direct') add(add(source, 'initiator'), 'iqn', { name: initiatorIqn(p.name) });
  if (source.firstChild === null) root.removeChild(source);
  if (p.targetPath) add(add(root, 'target'), 'path', {}, p.targetPath);
  return serializeXml(root);
}

/** One pool type of the storage driver's capabilities. */
export interface PoolTypeCapability {
  type: string;
  supported: boolean;
  sourceFormats: string[];
  defaultSourceFormat: string | null;
  volumeFormats: string[];
}

/** Parses virConnectGetStoragePoolCapabilities' XML (`<storagepoolCapabilities>`). */
export function parsePoolCapabilities(xml: string): PoolTypeCapability[] {
  const root = LibvirtXml.rootElement(xml, 'storagepoolCapabilities');
  const values = (el: XmlElement | undefined, name: string): string[] =>
    children(el, 'enum')
      .filter((e) => attr(e, 'name') === name)
      .flatMap((e) => children(e, 'value').map((v) => text(v) ?? ''))
      .filter(Boolean);
  return children(root, 'pool').map((p) => {
    const pool = child(p, 'poolOptions');
    const vol = child(p, 'volOptions');
    return {
      type: attr(p, 'type') ?? '',
      supported: attr(p, 'supported') === 'yes',
      sourceFormats: values(pool, 'sourceFormatType'),
      defaultSourceFormat: attr(child(pool, 'defaultFormat'), 'type'),
      volumeFormats: values(vol, 'targetFormatType'),
    };
  });
}

/** Where find-storage-pool-sources should look: a server (and port), and for iSCSI-direct our initiator. */
export interface PoolSourceSpec {
  type: string;
  host?: string | undefined;
  port?: number | undefined;
  /** netfs: 'nfs' (libvirt's default), 'cifs', … */
  format?: string | undefined;
}

/**
 * The `<source>` document virConnectFindStoragePoolSources takes for `spec`, or null when the type needs
 * none (logical scans the host's volume groups).
 */
export function poolSourceSpecXml(spec: PoolSourceSpec): string | null {
  const root = newDocument('source');
  if (spec.host)
    add(root, 'host', spec.port ? { name: spec.host, port: String(spec.port) } : { name: spec.host });
  if (spec.format) add(root, 'format', { type: spec.format });
  // libiscsi's discovery logs in too, so it needs the initiator name a pool would use.
  if (spec.type === 'iscsi-direct') add(add(root, 'initiator'), 'iqn', { name: initiatorIqn('discovery') });
  return root.firstChild === null ? null : serializeXml(root);
}

/** One answer of find-storage-pool-sources. */
export type FoundPoolSource = PoolSource;

/**
 * Parses virConnectFindStoragePoolSources' answer (`<sources><source>…</source>…</sources>`): one entry
 * per target / export / volume group. Throws XmlError when it is malformed or not `<sources>`.
 */
export function parsePoolSources(xml: string): FoundPoolSource[] {
  const root = LibvirtXml.rootElement(xml, 'sources');
  return children(root, 'source').map(readSource);
}
