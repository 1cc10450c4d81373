/**
 * Shared folders of a domain (formatdomain "Filesystems"): a host directory the guest mounts by its tag.
 * New ones are virtiofs (`<driver type='virtiofs'/>`), which needs the VM's memory shared with the
 * virtiofsd process (`<memoryBacking><access mode='shared'/>`, see domain-hardware.ts setSharedAccess).
 */
import { add, attr, child, children, newDocument, remove, serializeXml, XmlError } from './dom.js';
import type { XmlElement } from './dom.js';
import { newDevice } from './domain-devices.js';
import type { DomainXml } from './domain.js';

export interface FilesystemDetails {
  /** mount, file, block, … */
  type: string;
  /** virtiofs, path, handle, …; null for libvirt's default (9p). */
  driver: string | null;
  /** The host directory (or file/block device). */
  source: string | null;
  /** The tag the guest mounts it by (`mount -t virtiofs <tag> /mnt`). */
  tag: string | null;
  readonly: boolean;
  alias: string | null;
}

const filesystems = (dom: DomainXml): XmlElement[] => children(child(dom.root, 'devices'), 'filesystem');

export const readFilesystems = (dom: DomainXml): FilesystemDetails[] =>
  filesystems(dom).map((el) => {
    const source = child(el, 'source');
    return {
      type: attr(el, 'type') ?? 'mount',
      driver: attr(child(el, 'driver'), 'type'),
      source: attr(source, 'dir') ?? attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'name'),
      tag: attr(child(el, 'target'), 'dir'),
      readonly: !!child(el, 'readonly'),
      alias: attr(child(el, 'alias'), 'name'),
    };
  });

export const findFilesystem = (dom: DomainXml, tag: string): XmlElement | undefined =>
  filesystems(dom).find((f) => attr(child(f, 'target'), 'dir') === tag);

export interface VirtiofsSpec {
  /** An absolute directory on the host. */
  source: string;
  tag: string;
}

const fillVirtiofs = (el: XmlElement, s: VirtiofsSpec): XmlElement => {
  el.setAttribute('type', 'mount');
  // virtiofs only passes the guest's file owners through (libvirt's default access mode for it).
  el.setAttribute('accessmode', 'passthrough');
  add(el, 'driver', { type: 'virtiofs' });
  add(el, 'source', { dir: s.source });
  add(el, 'target', { dir: s.tag });
  return el;
};

export const virtiofsDeviceXml = (s: VirtiofsSpec): string =>
  serializeXml(fillVirtiofs(newDocument('filesystem'), s));

export const addFilesystemTo = (dom: DomainXml, s: VirtiofsSpec): DomainXml => {
  fillVirtiofs(newDevice(dom, 'filesystem'), s);
  return dom;
};

const filesystemOrThrow = (dom: DomainXml, tag: string): XmlElement => {
  const el = findFilesystem(dom, tag);
  if (!el) throw new XmlError(`The domain has no shared folder with the tag ${tag}`);
  return el;
};

export const removeFilesystemFrom = (dom: DomainXml, tag: string): DomainXml => {
  remove(filesystemOrThrow(dom, tag));
  return dom;
};

export const filesystemElementXml = (dom: DomainXml, tag: string): string =>
  serializeXml(filesystemOrThrow(dom, tag));
