/**
 * Which VMs use which storage: every domain's disks (its live definition when running, else the
 * persistent one), read in one pipelined round. A disk is a file or block path, or a pool/volume pair.
 */
import type { LibvirtClient } from '../libvirt/index.js';
import { DomainXml } from '../libvirt-xml/index.js';

export interface StorageUser {
  uuid: string;
  name: string;
}

interface DiskUse {
  user: StorageUser;
  /** file/block path, or null for a pool/volume disk. */
  path: string | null;
  pool: string | null;
  volume: string | null;
}

export class StorageUsage {
  private constructor(private readonly disks: DiskUse[]) {}

  /** No users at all, without reading any domain (for listings that do not show who uses what). */
  static readonly none = new StorageUsage([]);

  static async read(c: LibvirtClient): Promise<StorageUsage> {
    const doms = await c.connectListAllDomains(0);
    const xmls = await Promise.all(doms.map((d) => c.domainGetXMLDesc(d, 0).catch(() => null)));
    const disks: DiskUse[] = [];
    doms.forEach((d, i) => {
      const xml = xmls[i];
      if (!xml) return; // undefined meanwhile
      let parsed: DomainXml;
      try {
        parsed = DomainXml.parse(xml);
      } catch {
        return;
      }
      const user = { uuid: d.uuid, name: d.name };
      for (const disk of parsed.disks) {
        if (disk.type === 'volume') disks.push({ user, path: null, pool: disk.pool, volume: disk.volume });
        else if ((disk.type === 'file' || disk.type === 'block') && disk.source)
          disks.push({ user, path: disk.source, pool: null, volume: null });
      }
    });
    return new StorageUsage(disks);
  }

  /** VMs with a disk that is this volume (by path, or by pool and name). */
  ofVolume(pool: string, name: string, path: string): StorageUser[] {
    return unique(
      this.disks.filter((d) => (d.path !== null ? d.path === path : d.pool === pool && d.volume === name)),
    );
  }

  /** VMs with a disk in this pool: a volume of it, or a file under its folder. */
  ofPool(pool: string, targetPath: string | null, volumePaths: readonly string[] = []): StorageUser[] {
    const paths = new Set(volumePaths);
    const dir = targetPath && targetPath !== '/' ? `${targetPath.replace(/\/+$/, '')}/` : null;
    return unique(
      this.disks.filter((d) =>
        d.path !== null ? paths.has(d.path) || (dir !== null && d.path.startsWith(dir)) : d.pool === pool,
      ),
    );
  }
}

function unique(disks: DiskUse[]): StorageUser[] {
  const seen = new Map<string, StorageUser>();
  for (const d of disks) seen.set(d.user.uuid, d.user);
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** "VM 'a'" / "VMs 'a', 'b'" for messages. */
export const vmList = (users: readonly StorageUser[]): string =>
  `${users.length === 1 ? 'VM' : 'VMs'} ${users.map((u) => `'${u.name}'`).join(', ')}`;
