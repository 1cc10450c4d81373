/**
 * Disks and CD-ROMs: add, remove, resize and media go through libvirt's device calls (live and config in
 * one, see electron/hardware/devices/disks.ts); cache, I/O, discard, read-only, shareable and serial of an
 * existing disk are next-boot edits of the config.
 */
import type { DiskAdd, DiskChange, DiskView } from '../../../shared/contract/hardware.js';
import {
  addDiskTo,
  diskDetails,
  findDiskElement,
  freeTarget,
  removeDiskFrom,
  setDiskMedia,
  setDiskOptions,
  targetPrefix,
  type DiskSource,
  type DiskSpec,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import { addDisk, changeMedia, removeDisk, resizeDisk } from '../devices/disks.js';
import { deviceStep } from '../devices/step.js';
import { pendingItem, type HardwareEditor, type HwIssue } from './types.js';

const readDisks = (xml: DomainXml): DiskView[] =>
  diskDetails(xml).map((d) => ({
    target: d.target,
    bus: d.bus,
    device: d.device,
    type: d.type,
    source: d.source,
    pool: d.pool,
    volume: d.volume,
    format: d.format,
    readonly: d.readonly,
    shareable: d.shareable,
    serial: d.serial,
    cache: d.cache,
    io: d.io,
    discard: d.discard,
  }));

const mediaOf = (
  m: { kind: 'volume'; pool: string; volume: string } | { kind: 'file'; path: string },
): DiskSource =>
  m.kind === 'volume' ? { type: 'volume', pool: m.pool, volume: m.volume } : { type: 'file', path: m.path };

/** The disk an add puts into the config (also the preview). */
const specOf = (xml: DomainXml, c: DiskAdd): DiskSpec => {
  const s = c.source;
  const source: DiskSource | null =
    s.kind === 'new-volume'
      ? { type: 'volume', pool: s.pool, volume: s.name }
      : s.kind === 'none'
        ? null
        : mediaOf(s);
  return {
    device: c.device,
    source,
    format: s.kind === 'new-volume' ? s.format : null,
    bus: c.bus,
    target:
      c.target ||
      freeTarget(
        c.bus,
        xml.disks.map((d) => d.target),
      ),
    cache: c.cache === 'default' ? null : (c.cache ?? null),
    io: c.io ?? null,
    discard: c.discard ?? null,
    readonly: c.readonly ?? false,
    shareable: c.shareable ?? false,
    serial: c.serial ?? null,
  };
};

const options = (d: DiskView) =>
  [d.cache, d.io, d.discard, d.readonly ? 'read-only' : '', d.shareable ? 'shareable' : '', d.serial]
    .filter(Boolean)
    .join(', ') || 'defaults';

export const diskEditor: HardwareEditor<'disk', DiskChange> = {
  key: 'disk',
  changeKinds: ['disk.add', 'disk.remove', 'disk.resize', 'disk.media', 'disk.options'],
  read: readDisks,

  pending(config, live) {
    const out = [];
    for (const c of config) {
      const l = live.find((d) => d.target === c.target);
      const name = `${c.device === 'cdrom' ? 'CD-ROM' : 'Disk'} ${c.target}`;
      if (!l) out.push(pendingItem('disk', 'diskAdded', name, 'absent', 'added'));
      else if (c.source !== l.source)
        out.push(pendingItem('disk', 'diskSource', name, l.source ?? 'empty', c.source ?? 'empty'));
      else if (options(c) !== options(l))
        out.push(pendingItem('disk', 'diskOptions', name, options(l), options(c)));
    }
    for (const l of live)
      if (!config.some((c) => c.target === l.target))
        out.push(pendingItem('disk', 'diskRemoved', `Disk ${l.target}`, 'present', 'removed'));
    return out;
  },

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    if (change.kind === 'disk.add') {
      if (limits.diskBuses.length > 0 && !limits.diskBuses.includes(change.bus))
        issues.push({
          path: ['bus'],
          message: `This host does not offer the ${change.bus} bus for disks (it offers ${limits.diskBuses.join(', ')}).`,
        });
      if (limits.diskDevices.length > 0 && !limits.diskDevices.includes(change.device))
        issues.push({ path: ['device'], message: `This host does not offer ${change.device} drives.` });
      const t = change.target;
      const prefix = targetPrefix(change.bus);
      if (t && (!t.startsWith(prefix) || t.length === prefix.length))
        issues.push({
          path: ['target'],
          message: `A disk on the ${change.bus} bus is named ${prefix}a, ${prefix}b, …, not ${t}.`,
        });
      else if (t && findDiskElement(config, t))
        issues.push({ path: ['target'], message: `This VM already has a disk ${t}.` });
    }
    if (change.kind === 'disk.options' && !findDiskElement(config, change.target))
      issues.push({ path: ['target'], message: `The VM's configuration has no disk ${change.target}.` });
    return issues;
  },

  editConfig(xml, change) {
    const inConfig = change.kind !== 'disk.add' && !!findDiskElement(xml, change.target);
    switch (change.kind) {
      case 'disk.add':
        addDiskTo(xml, specOf(xml, change));
        return;
      case 'disk.remove':
        if (inConfig) removeDiskFrom(xml, change.target);
        return;
      case 'disk.media':
        if (inConfig) setDiskMedia(xml, change.target, change.media ? mediaOf(change.media) : null);
        return;
      case 'disk.options': {
        const { kind: _k, target, ...o } = change;
        setDiskOptions(xml, target, o);
        return;
      }
      case 'disk.resize': // the image grows; the XML stays as it is
        return;
    }
  },

  liveStep: () => null,

  deviceStep(change) {
    switch (change.kind) {
      case 'disk.add':
        return deviceStep((client, dom) =>
          addDisk(client, dom, {
            ...change,
            cache: change.cache === 'default' ? null : (change.cache ?? null),
          }),
        );
      case 'disk.remove':
        return deviceStep((client, dom) => removeDisk(client, dom, change.target));
      case 'disk.resize':
        return deviceStep((client, dom) => resizeDisk(client, dom, change.target, change.capacityBytes));
      case 'disk.media':
        return deviceStep((client, dom) => changeMedia(client, dom, change.target, change.media));
      case 'disk.options':
        return null;
    }
  },
};
