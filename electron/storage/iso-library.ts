/**
 * The ISO library: every ISO image in a connection's running pools, with the OS osinfo-db says it
 * installs. Works the same on a remote host: an image is recognised by its content, read through the
 * libvirt connection (2 KiB of the volume at the primary volume descriptor, virStorageVolDownload with
 * an offset and a length), not by looking at files on this machine. When the connection cannot read a
 * volume (a read-only connection, a backend without download), libvirt's format ("iso") or the name
 * (".iso") decide instead, and the result says which.
 *
 * Results are cached per connection and pool; a pool event or a change made through VirtDesk drops the
 * pool's entry (`invalidate`), so the next list reads only what changed.
 */
import type { IsoImage } from '../../shared/contract/storage.js';
import type { ClientSource } from '../base/connections.js';
import {
  withTimeout,
  type LibvirtClient,
  type StoragePoolRef,
  type StorageVolRef,
} from '../libvirt/index.js';
import { VolumeXml } from '../libvirt-xml/index.js';
import { osChoice } from '../newvm/service.js';
import { osCatalog } from '../osinfo/catalog.js';
import { detectOs, osFromFileName } from '../osinfo/detect.js';
import { PVD_OFFSET, PVD_SIZE, parseIsoPvd, type IsoIdentity } from '../osinfo/iso.js';

/** A volume whose label is not read within this is judged by its format or name. */
const READ_TIMEOUT_MS = 10_000;
/** Volumes probed at once per pool (each probe is one small stream on the connection). */
const PROBES_IN_FLIGHT = 4;
/** Formats an ISO image can carry in libvirt's eyes; anything else (qcow2, vmdk…) is not probed. */
const PROBED_FORMATS = new Set([null, 'raw', 'iso']);

/** What reading a volume's descriptor found: an ISO's identity, not an ISO, or unreadable. */
type Probe = { kind: 'iso'; identity: IsoIdentity } | { kind: 'not-iso' } | { kind: 'unreadable' };

/** The 2 KiB at the primary volume descriptor, read through the connection. */
export async function readVolumePvd(c: LibvirtClient, vol: StorageVolRef): Promise<Probe> {
  let stream;
  try {
    stream = await c.storageVolDownload(vol, PVD_OFFSET, PVD_SIZE, 0);
  } catch {
    return { kind: 'unreadable' };
  }
  const read = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  try {
    const bytes = await withTimeout(read(), READ_TIMEOUT_MS, 'The volume');
    const identity = parseIsoPvd(bytes, 0);
    return identity ? { kind: 'iso', identity } : { kind: 'not-iso' };
  } catch {
    stream.destroy();
    return { kind: 'unreadable' };
  }
}

type Catalog = Awaited<ReturnType<typeof osCatalog>>;

/** The library entry of one volume, or null when it is not an ISO image. */
async function describe(
  c: LibvirtClient,
  pool: string,
  vol: StorageVolRef,
  catalog: Catalog,
): Promise<IsoImage | null> {
  const xml = VolumeXml.parse(await c.storageVolGetXMLDesc(vol, 0));
  const capacity = xml.capacityBytes ?? 0;
  const format = xml.format;
  // Smaller than its own descriptor, or an image format that cannot be an ISO: not one.
  if (capacity < PVD_OFFSET + PVD_SIZE || !PROBED_FORMATS.has(format)) return null;
  const probe = await readVolumePvd(c, vol);
  if (probe.kind === 'not-iso') return null;
  let detectedBy: IsoImage['detectedBy'] = 'content';
  if (probe.kind === 'unreadable') {
    if (format === 'iso') detectedBy = 'format';
    else if (vol.name.toLowerCase().endsWith('.iso')) detectedBy = 'name';
    else return null;
  }
  const identity = probe.kind === 'iso' ? probe.identity : null;
  const byLabel = identity ? detectOs(catalog, identity) : null;
  const byName = byLabel ? null : osFromFileName(catalog, vol.name);
  const os = byLabel ?? byName;
  return {
    pool,
    volume: vol.name,
    path: xml.targetPath ?? (await c.storageVolGetPath(vol)),
    capacity,
    detectedBy,
    volumeId: identity?.volumeId || null,
    os: os ? osChoice(os) : null,
    osFrom: byLabel ? 'label' : byName ? 'name' : null,
  };
}

/** Runs fn over items, at most `limit` at a time, keeping the order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Every ISO image of one running pool, by volume name. */
async function scanPool(c: LibvirtClient, pool: StoragePoolRef, catalog: Catalog): Promise<IsoImage[]> {
  const vols = await c.storagePoolListAllVolumes(pool, 0);
  // A volume deleted between the list and its read is simply not in the library.
  const found = await mapLimit(vols, PROBES_IN_FLIGHT, (v) =>
    describe(c, pool.name, v, catalog).catch(() => null),
  );
  return found.filter((x): x is IsoImage => x !== null).sort((a, b) => a.volume.localeCompare(b.volume));
}

export class IsoLibrary {
  /** connectionId → pool name → that pool's images (a promise, so concurrent lists share one scan). */
  private readonly cache = new Map<string, Map<string, Promise<IsoImage[]>>>();

  constructor(private readonly connections: ClientSource) {}

  /** The library of a connection: the images of every running pool, pools in name order. */
  async list(connectionId: string): Promise<{ isos: IsoImage[] }> {
    const c = this.connections.getClient(connectionId);
    const catalog = await osCatalog();
    const pools = await c.connectListAllStoragePools(0);
    const running = (
      await Promise.all(
        pools.map(async (p) => ((await c.storagePoolIsActive(p).catch(() => false)) ? p : null)),
      )
    ).filter((p): p is StoragePoolRef => p !== null);
    let byPool = this.cache.get(connectionId);
    if (!byPool) this.cache.set(connectionId, (byPool = new Map()));
    // Pools gone or stopped since the last list leave the cache.
    for (const name of [...byPool.keys()]) if (!running.some((p) => p.name === name)) byPool.delete(name);
    const perPool = await Promise.all(
      running
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((p) => {
          let scan = byPool.get(p.name);
          if (!scan) {
            scan = scanPool(c, p, catalog);
            byPool.set(p.name, scan);
            // A failed scan is not remembered: the next list tries again.
            scan.catch(() => {
              if (byPool.get(p.name) === scan) byPool.delete(p.name);
            });
          }
          return scan.catch(() => [] as IsoImage[]);
        }),
    );
    return { isos: perPool.flat() };
  }

  /** Forgets what is known of a pool (null: of every pool of the connection). */
  invalidate(connectionId: string, pool: string | null): void {
    if (pool === null) this.cache.delete(connectionId);
    else this.cache.get(connectionId)?.delete(pool);
  }
}
