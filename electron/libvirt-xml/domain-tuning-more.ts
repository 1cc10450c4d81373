/**
 * More of a domain's tuning as its XML describes it (formatdomain "IOThreads Allocation", disk
 * `<driver iothread>`, `<blkiotune><device>`, `<seclabel>`), and the two edits of the Tuning tab that
 * libvirt has no tuning call for: which IOThread a disk uses, and the security label. Pure.
 */
import { add, attr, child, children, intOf, remove, setAttrs, text, type XmlElement } from './dom.js';
import type { DomainXml } from './domain.js';

/** One `<blkiotune><device>`: limits on one host block device (0 = not set). */
export interface BlkioDeviceTune {
  path: string;
  weight: number;
  readBytesSec: number;
  writeBytesSec: number;
  readIopsSec: number;
  writeIopsSec: number;
}

export interface DomainTuningMore {
  /** The IOThread ids (`<iothreadids>`, else 1…`<iothreads>`). */
  iothreadIds: number[];
  /** Each disk's bus and the IOThread it uses (`<driver iothread>`; null = the main loop). */
  diskIothreads: { target: string; bus: string | null; iothread: number | null }[];
  blkioDevices: BlkioDeviceTune[];
}

const BLKIO_DEVICE_FIELDS: Readonly<Record<Exclude<keyof BlkioDeviceTune, 'path'>, string>> = {
  weight: 'weight',
  readBytesSec: 'read_bytes_sec',
  writeBytesSec: 'write_bytes_sec',
  readIopsSec: 'read_iops_sec',
  writeIopsSec: 'write_iops_sec',
};

const readBlkioDevice = (d: XmlElement): BlkioDeviceTune | null => {
  const path = text(d, 'path');
  if (!path) return null;
  const out = { path } as BlkioDeviceTune;
  for (const [key, name] of Object.entries(BLKIO_DEVICE_FIELDS) as [
    keyof typeof BLKIO_DEVICE_FIELDS,
    string,
  ][])
    out[key] = intOf(text(d, name)) ?? 0;
  return out;
};

export const readDomainTuningMore = (xml: DomainXml): DomainTuningMore => {
  const root = xml.root;
  const count = intOf(text(root, 'iothreads')) ?? 0;
  const listed = children(child(root, 'iothreadids'), 'iothread')
    .map((t) => intOf(attr(t, 'id')))
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  return {
    iothreadIds: listed.length > 0 ? listed : Array.from({ length: count }, (_, i) => i + 1),
    diskIothreads: children(child(root, 'devices'), 'disk')
      .filter((d) => (attr(d, 'device') ?? 'disk') === 'disk')
      .map((d) => ({
        target: attr(child(d, 'target'), 'dev') ?? '',
        bus: attr(child(d, 'target'), 'bus'),
        iothread: intOf(attr(child(d, 'driver'), 'iothread')),
      }))
      .filter((d) => d.target !== ''),
    blkioDevices: children(child(root, 'blkiotune'), 'device')
      .map(readBlkioDevice)
      .filter((d): d is BlkioDeviceTune => d !== null),
  };
};

/** Puts a disk on an IOThread (`<driver iothread='N'/>`), or back on the main loop (null). */
export const setDiskIothread = (xml: DomainXml, target: string, iothread: number | null): boolean => {
  const disk = children(child(xml.root, 'devices'), 'disk').find(
    (d) => attr(child(d, 'target'), 'dev') === target,
  );
  if (!disk) return false;
  const driver =
    child(disk, 'driver') ?? (iothread === null ? undefined : add(disk, 'driver', { name: 'qemu' }));
  if (driver) setAttrs(driver, { iothread: iothread === null ? null : String(iothread) });
  return true;
};

export type SecLabelMode = 'dynamic' | 'static' | 'none';

/**
 * Replaces the VM's `<seclabel>` of one security driver (model): dynamic (libvirt makes a fresh label
 * at each start), static (this label, relabelling the VM's files or not) or none (not confined by it).
 * A model-less `<seclabel>` (which applies to every driver) is dropped so the new one counts.
 */
export const setSecLabel = (
  xml: DomainXml,
  s: { model: string; mode: SecLabelMode; label?: string | null; relabel?: boolean },
): void => {
  for (const el of children(xml.root, 'seclabel')) {
    const model = attr(el, 'model');
    if (model === null || model === s.model) remove(el);
  }
  const attrs: Record<string, string> = { type: s.mode, model: s.model };
  if (s.mode === 'static') attrs.relabel = s.relabel ? 'yes' : 'no';
  // <seclabel> comes after <devices> in libvirt's own order; appending to the root keeps that.
  const el = add(xml.root, 'seclabel', attrs);
  if (s.mode === 'static' && s.label) add(el, 'label', {}, s.label);
};
