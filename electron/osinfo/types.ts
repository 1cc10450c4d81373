/** Plain data describing osinfo-db operating systems (serialisable: it crosses IPC to the renderer). */

/** Sizes in bytes; any field may be absent when osinfo-db (and the OS it derives from) says nothing. */
export interface OsResources {
  ramBytes?: number;
  storageBytes?: number;
  cpus?: number;
}

/** One installation medium; the ids are regex sources as written in osinfo-db (GLib/PCRE syntax). */
export interface OsMedia {
  /** libosinfo architecture name ('x86_64', 'i686', 'aarch64', …); 'all' when the XML gives none. */
  arch: string;
  volumeId?: string;
  systemId?: string;
  publisherId?: string;
  applicationId?: string;
}

export interface OsEntry {
  /** The os id URI, e.g. 'http://debian.org/debian/11'. */
  id: string;
  /** The first <short-id> (what virt-install --osinfo takes), e.g. 'debian11'; the id when there is none. */
  shortId: string;
  /** Every <short-id> in file order (search matches aliases such as "debianbullseye"); [] when none. */
  shortIds: string[];
  /** The untranslated <name>. */
  name: string;
  version?: string;
  family?: string;
  distro?: string;
  vendor?: string;
  /** ISO dates 'YYYY-MM-DD' (compare as strings). */
  releaseDate?: string;
  eolDate?: string;
  /** The first <derives-from id>. */
  derivesFrom?: string;
  /** For x86_64 (or arch "all"), inherited field by field from derives-from entries. */
  minimum: OsResources;
  recommended: OsResources;
  /** Lists a virtio PCI device (vendor 1af4), itself or through derives-from. */
  virtio: boolean;
  media: OsMedia[];
}
