/**
 * Disk changes of a VM: add (a new volume in a pool, an existing volume, a file, a CD-ROM with or without
 * media), remove, resize, change or eject CD media. What libvirt would refuse for a reason VirtDesk can see
 * first (a target in use, a bus the host does not offer, more than the pool has free, shrinking) is refused
 * before libvirt is called, with the field it is about; nothing is left half-made (a new volume whose
 * attach fails is deleted again).
 */
// Buses whose drives QEMU cannot hot-plug (asked anyway, libvirt passes it on and QEMU fails it).
import { NO_HOTPLUG_BUSES } from '../../../shared/contract/hardware.js';
import { CoreError, interruptedError } from '../../base/errors.js';
import {
  DomainBlockResizeFlags,
  type DomainRef,
  type LibvirtClient,
  type StoragePoolRef,
  type StorageVolRef,
} from '../../libvirt/index.js';
import {
  diskDetails,
  diskDeviceXml,
  diskElementXml,
  domainCapsEnum,
  findDiskElement,
  freeTarget,
  mediaChangeXml,
  newVolumeXml,
  PoolXml,
  targetPrefix,
  VolumeXml,
  type DiskSource,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import {
  attachDevice,
  currentXml,
  detachDevice,
  readDomainState,
  updateDevice,
  type DeviceChangeResult,
  type DeviceClient,
  type DomainState,
} from './apply.js';

export type DiskClient = DeviceClient &
  Pick<
    LibvirtClient,
    | 'connectGetDomainCapabilities'
    | 'storagePoolLookupByName'
    | 'storagePoolLookupByVolume'
    | 'storagePoolGetXMLDesc'
    | 'storagePoolIsActive'
    | 'storagePoolRefresh'
    | 'storageVolLookupByName'
    | 'storageVolLookupByPath'
    | 'storageVolGetXMLDesc'
    | 'storageVolGetInfo'
    | 'storageVolCreateXML'
    | 'storageVolDelete'
    | 'storageVolResize'
    | 'domainGetBlockInfo'
    | 'domainBlockResize'
  >;

/** Where a new disk's data comes from. */
export type NewDiskSource =
  | { kind: 'new-volume'; pool: string; name: string; capacityBytes: number; format: string }
  | { kind: 'volume'; pool: string; volume: string }
  | { kind: 'file'; path: string }
  /** A CD-ROM drive without media. */
  | { kind: 'none' };

export interface AddDiskInput {
  device: 'disk' | 'cdrom';
  source: NewDiskSource;
  bus: string;
  /** The guest-visible target (vdb, sdc…); the first free one of the bus when absent. */
  target?: string | null;
  /** Image format of an existing volume or file; read from the pool when absent, else raw. */
  format?: string | null;
  cache?: string | null;
  io?: string | null;
  discard?: string | null;
  readonly?: boolean;
  shareable?: boolean;
  serial?: string | null;
}

export interface DiskChangeResult extends DeviceChangeResult {
  /** The disk's target (for add: the one picked). */
  target: string;
}

/** A refusal about one field of the input, before anything reached libvirt. */
const refuse = (path: (string | number)[], message: string): CoreError =>
  new CoreError('invalid-input', message, [{ path, message }]);

/** Every target name in use in the running VM or its configuration. */
const takenTargets = (s: DomainState): Set<string> =>
  new Set([...(s.live?.disks ?? []), ...(s.config?.disks ?? [])].map((d) => d.target));

/** The buses the host offers for disks of this VM (domain capabilities), or null when it does not say. */
async function offeredBuses(client: DiskClient, x: DomainXml): Promise<string[] | null> {
  const caps = await client.connectGetDomainCapabilities({
    ...(x.emulator ? { emulatorbin: x.emulator } : {}),
    ...(x.arch ? { arch: x.arch } : {}),
    ...(x.machine ? { machine: x.machine } : {}),
    ...(x.type ? { virttype: x.type } : {}),
  });
  return domainCapsEnum(caps, 'disk', 'bus');
}

/** The pool, refused in plain words when it does not exist or is not running. */
async function activePool(client: DiskClient, name: string, field: string[]): Promise<StoragePoolRef> {
  const pool = await client.storagePoolLookupByName(name).catch(() => null);
  if (!pool) throw refuse(field, `There is no storage pool ${name}`);
  if (!(await client.storagePoolIsActive(pool)))
    throw refuse(field, `The storage pool ${name} is not running; start it first`);
  return pool;
}

async function freeBytes(client: DiskClient, pool: StoragePoolRef): Promise<number | null> {
  await client.storagePoolRefresh(pool).catch(() => undefined); // sizes as they are now, if the pool lets us
  return PoolXml.parse(await client.storagePoolGetXMLDesc(pool)).availableBytes;
}

const GiB = 1024 ** 3;
const sizeText = (bytes: number): string => {
  if (bytes < GiB) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  const g = bytes / GiB;
  return `${Number.isInteger(g) ? g : g.toFixed(1)} GiB`;
};

/** Checks the target and bus; returns the target to use. */
async function checkPlacement(client: DiskClient, s: DomainState, input: AddDiskInput): Promise<string> {
  const x = currentXml(s);
  const buses = await offeredBuses(client, x);
  if (buses && !buses.includes(input.bus))
    throw refuse(
      ['bus'],
      `This VM's host does not offer the ${input.bus} bus for disks (it offers ${buses.join(', ')})`,
    );
  const taken = takenTargets(s);
  const target = input.target || freeTarget(input.bus, taken);
  const prefix = targetPrefix(input.bus);
  if (!target.startsWith(prefix) || target.length === prefix.length)
    throw refuse(
      ['target'],
      `A disk on the ${input.bus} bus is named ${prefix}a, ${prefix}b, …, not ${target}`,
    );
  if (taken.has(target)) throw refuse(['target'], `${s.dom.name} already has a disk ${target}`);
  return target;
}

/** The format libvirt knows for a volume or a file in a pool (null when it is not in one). */
async function knownFormat(client: DiskClient, vol: StorageVolRef | null): Promise<string | null> {
  if (!vol) return null;
  return VolumeXml.parse(await client.storageVolGetXMLDesc(vol)).format;
}

/**
 * Adds a disk or CD-ROM. Live and in the configuration when the VM runs (configuration only when the bus
 * cannot be hot-plugged, which the result says), else in the configuration.
 */
export async function addDisk(
  client: DiskClient,
  dom: DomainRef,
  input: AddDiskInput,
): Promise<DiskChangeResult> {
  const s = await readDomainState(client, dom);
  const src = input.source;
  if (input.device === 'cdrom' && src.kind === 'new-volume')
    throw refuse(['source', 'kind'], 'A CD-ROM takes an existing image; a new empty volume cannot be one');
  if (input.device === 'disk' && src.kind === 'none')
    throw refuse(['source', 'kind'], 'Choose what the disk holds');
  const target = await checkPlacement(client, s, input);

  let source: DiskSource | null = null;
  let format = input.format ?? null;
  let created: StorageVolRef | null = null;
  if (src.kind === 'new-volume') {
    const pool = await activePool(client, src.pool, ['source', 'pool']);
    if (await client.storageVolLookupByName(pool, src.name).catch(() => null))
      throw refuse(['source', 'name'], `The pool ${src.pool} already has a volume ${src.name}`);
    const free = await freeBytes(client, pool);
    if (free !== null && src.capacityBytes > free)
      throw refuse(
        ['source', 'capacityBytes'],
        `${sizeText(src.capacityBytes)} is more than the ${sizeText(free)} free in the pool ${src.pool}`,
      );
    created = await client.storageVolCreateXML(
      pool,
      newVolumeXml({ name: src.name, capacityBytes: src.capacityBytes, format: src.format }),
    );
    source = { type: 'volume', pool: src.pool, volume: src.name };
    format = src.format;
  } else if (src.kind === 'volume') {
    const pool = await activePool(client, src.pool, ['source', 'pool']);
    const vol = await client.storageVolLookupByName(pool, src.volume).catch(() => null);
    if (!vol) throw refuse(['source', 'volume'], `The pool ${src.pool} has no volume ${src.volume}`);
    format ??= await knownFormat(client, vol);
    source = { type: 'volume', pool: src.pool, volume: src.volume };
  } else if (src.kind === 'file') {
    format ??= await knownFormat(client, await client.storageVolLookupByPath(src.path).catch(() => null));
    source = { type: 'file', path: src.path };
  }

  const xml = diskDeviceXml({
    device: input.device,
    source,
    format: source ? (format ?? 'raw') : null,
    bus: input.bus,
    target,
    cache: input.cache ?? null,
    io: input.io ?? null,
    discard: input.discard ?? null,
    readonly: input.readonly ?? false,
    shareable: input.shareable ?? false,
    serial: input.serial ?? null,
  });
  const notLive = NO_HOTPLUG_BUSES.includes(input.bus)
    ? `A drive on the ${input.bus} bus cannot be added to a running VM`
    : undefined;
  try {
    return { ...(await attachDevice(client, s, xml, notLive)), target };
  } catch (e) {
    if (!created) throw e;
    // The VM did not take the new volume: it goes again, so nothing is left behind.
    const deleted = await client.storageVolDelete(created).then(
      () => true,
      () => false,
    );
    if (deleted) throw e;
    throw interruptedError(e, [`the new volume ${src.kind === 'new-volume' ? src.name : ''}`]);
  }
}

/** The disk `target` as the running VM has it, else as the configuration has it. */
export function diskIn(
  s: DomainState,
  target: string,
): { disk: DomainXml['disks'][number]; inLive: boolean } {
  const live = s.live?.disks.find((d) => d.target === target);
  if (live) return { disk: live, inLive: true };
  const config = s.config?.disks.find((d) => d.target === target);
  if (config) return { disk: config, inLive: false };
  throw new CoreError('not-found', `${s.dom.name} has no disk ${target}`);
}

const hasDisk = (target: string) => (x: DomainXml) => !!findDiskElement(x, target);

/** Removes the disk `target` (live and from the configuration); its image stays. */
export async function removeDisk(
  client: DiskClient,
  dom: DomainRef,
  target: string,
): Promise<DiskChangeResult> {
  const s = await readDomainState(client, dom);
  const alias = s.live ? (diskDetails(s.live).find((d) => d.target === target)?.alias ?? null) : null;
  const r = await detachDevice(client, s, {
    has: hasDisk(target),
    xmlFor: (x) => diskElementXml(x, target),
    alias,
    label: `disk ${target}`,
  });
  return { ...r, target };
}

/** Puts other media into the CD-ROM `target`, or ejects it (`media` null). */
export async function changeMedia(
  client: DiskClient,
  dom: DomainRef,
  target: string,
  media: { kind: 'volume'; pool: string; volume: string } | { kind: 'file'; path: string } | null,
): Promise<DiskChangeResult> {
  const s = await readDomainState(client, dom);
  const { disk } = diskIn(s, target);
  if (disk.device !== 'cdrom' && disk.device !== 'floppy')
    throw refuse(['target'], `${target} is a disk, not a CD-ROM: its media cannot be changed`);
  const source: DiskSource | null = !media
    ? null
    : media.kind === 'volume'
      ? { type: 'volume', pool: media.pool, volume: media.volume }
      : { type: 'file', path: media.path };
  const r = await updateDevice(client, s, hasDisk(target), (x) => mediaChangeXml(x, target, source));
  return { ...r, target };
}

/** The disk's volume in a pool, or null when its image is not in one. */
export async function volumeOf(
  client: DiskClient,
  disk: DomainXml['disks'][number],
): Promise<StorageVolRef | null> {
  if (disk.type === 'volume' && disk.pool && disk.volume) {
    const pool = await client.storagePoolLookupByName(disk.pool).catch(() => null);
    return pool ? client.storageVolLookupByName(pool, disk.volume).catch(() => null) : null;
  }
  if (disk.source && (disk.type === 'file' || disk.type === 'block'))
    return client.storageVolLookupByPath(disk.source).catch(() => null);
  return null;
}

/**
 * Grows the disk `target` to `capacityBytes`: through QEMU when the VM runs (the guest sees the new size
 * at once), else through the storage pool. Shrinking is refused (it would cut off the guest's data), as
 * is growing by more than the pool has free.
 */
export async function resizeDisk(
  client: DiskClient,
  dom: DomainRef,
  target: string,
  capacityBytes: number,
): Promise<DiskChangeResult> {
  const s = await readDomainState(client, dom);
  const { disk, inLive } = diskIn(s, target);
  if (disk.device !== 'disk')
    throw refuse(['target'], `${target} is a ${disk.device}; only disks can be resized`);
  const vol = await volumeOf(client, disk);
  const current = inLive
    ? (await client.domainGetBlockInfo(dom, target)).capacity
    : vol
      ? (await client.storageVolGetInfo(vol)).capacity
      : null;
  if (current === null)
    throw refuse(
      ['target'],
      `The image of ${target} is not in a storage pool; it can only be resized while the VM runs`,
    );
  if (capacityBytes < current)
    throw refuse(
      ['capacityBytes'],
      `${target} has ${sizeText(current)}; shrinking it is not offered, it would cut off the guest's data`,
    );
  if (capacityBytes === current)
    return { live: s.active ? 'applied' : 'not-running', config: 'applied', message: null, target };
  if (vol) {
    const pool = await client.storagePoolLookupByVolume(vol);
    const free = await freeBytes(client, pool);
    if (free !== null && capacityBytes - current > free)
      throw refuse(
        ['capacityBytes'],
        `Growing ${target} by ${sizeText(capacityBytes - current)} needs more than the ${sizeText(free)} free in its pool`,
      );
  }
  if (inLive) {
    await client.domainBlockResize(dom, target, capacityBytes, DomainBlockResizeFlags.BYTES);
    return { live: 'applied', config: 'applied', message: null, target };
  }
  await client.storageVolResize(vol!, capacityBytes, 0);
  return s.active
    ? {
        live: 'not-possible',
        config: 'applied',
        message: 'The running VM does not have this disk yet',
        target,
      }
    : { live: 'not-running', config: 'applied', message: null, target };
}
