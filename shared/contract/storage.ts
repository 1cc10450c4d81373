import { z } from 'zod';
import { call } from './define.js';
import { hostPathSchema, osChoiceSchema } from './newvm.js';
import { connectionIdSchema, libvirtNameSchema, uuidSchema, vmNameSchema } from '../model/index.js';

/**
 * Storage pools and volumes of a connection: list, lifecycle, create, and moving bytes in and out
 * (upload a local file into a new volume, download a volume to a local file) with progress and cancel.
 *
 * "Local" is where the main process runs: in the desktop app this machine (the file comes from a native
 * dialog), in web mode the server — the UI says so.
 */

/** An existing pool or volume, possibly named by another tool. */
const existingName = libvirtNameSchema;

/** A new pool's or volume's name: what VirtDesk accepts for names it gives (no '/', no invisible characters). */
export const newStorageNameSchema = vmNameSchema;

/** An absolute, normalised path on the host (no `.`/`..` segments, no doubled or trailing slashes). */
export const storagePathSchema = hostPathSchema.refine(
  (s) => !s.split('/').some((seg, i) => seg === '.' || seg === '..' || (seg === '' && i > 0)),
  'Use a plain absolute path (no “.” or “..” parts, no doubled or trailing “/”)',
);

/** Sizes are bytes; at most 2^53 (JSON numbers stay exact). */
export const bytesSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Pool types VirtDesk can build a definition for (libvirt's names; which ones a host has is `storage.poolTypes`). */
export const POOL_TYPES = [
  'dir',
  'fs',
  'netfs',
  'logical',
  'disk',
  'iscsi',
  'iscsi-direct',
  'scsi',
  'mpath',
  'rbd',
  'gluster',
  'zfs',
] as const;
export const poolTypeSchema = z.enum(POOL_TYPES);
export type PoolType = z.infer<typeof poolTypeSchema>;

export type PoolField = 'targetPath' | 'sourceDevice' | 'sourceHost' | 'sourceDir' | 'sourceName';

/**
 * The fields each pool type needs (formatstorage): dir a folder; fs a block device mounted on a folder;
 * netfs an NFS/CIFS export mounted on a folder; logical a volume group (optionally built on a device);
 * disk a whole disk whose partitions are the volumes; iscsi a target on a server (volumes under
 * /dev/disk/by-path); iscsi-direct the same through libiscsi (no target path); scsi a host adapter
 * (sourceName, e.g. host0); mpath the multipath devices (/dev/mapper); rbd/gluster a volume on a server;
 * zfs a zpool. The New pool dialog shows these fields; the service refuses a pool without them.
 */
export const POOL_TYPE_NEEDS: Readonly<Record<PoolType, readonly PoolField[]>> = {
  dir: ['targetPath'],
  fs: ['sourceDevice', 'targetPath'],
  netfs: ['sourceHost', 'sourceDir', 'targetPath'],
  logical: ['sourceName'],
  disk: ['sourceDevice', 'targetPath'],
  iscsi: ['sourceHost', 'sourceDevice', 'targetPath'],
  'iscsi-direct': ['sourceHost', 'sourceDevice'],
  scsi: ['sourceName', 'targetPath'],
  mpath: ['targetPath'],
  rbd: ['sourceHost', 'sourceName'],
  gluster: ['sourceHost', 'sourceName'],
  zfs: ['sourceName'],
};

/** Optional fields a type also takes (shown in the dialog, not required). */
export const POOL_TYPE_OPTIONAL: Readonly<Partial<Record<PoolType, readonly PoolField[]>>> = {
  logical: ['sourceDevice'],
  gluster: ['sourceDir'],
};

/** The fields `p` lacks for its type (empty when complete). */
export const missingPoolFields = (
  p: { type: PoolType } & Partial<Record<PoolField, string | undefined>>,
): PoolField[] => POOL_TYPE_NEEDS[p.type].filter((f) => !p[f]);

/** A VM whose disk is in the pool / is the volume (persistent definition or running one). */
export const storageUserSchema = z.object({ uuid: z.string(), name: z.string() });

export const storagePoolSchema = z.object({
  name: z.string(),
  uuid: z.string(),
  /** libvirt's pool type ('dir', 'fs', 'logical', …). */
  type: z.string(),
  /** virStoragePoolState name: 'running', 'inactive', 'building', 'degraded', 'inaccessible'. */
  state: z.string(),
  active: z.boolean(),
  persistent: z.boolean(),
  autostart: z.boolean(),
  capacity: bytesSchema,
  allocation: bytesSchema,
  available: bytesSchema,
  /** Where the volumes appear on the host, or null (rbd, gluster…). */
  targetPath: z.string().nullable(),
  source: z.object({
    devices: z.array(z.string()),
    host: z.string().nullable(),
    dir: z.string().nullable(),
    name: z.string().nullable(),
    format: z.string().nullable(),
  }),
  /** Volumes in it (null while it is not running). */
  volumeCount: z.number().int().nullable(),
  usedBy: z.array(storageUserSchema),
});
export type StoragePool = z.infer<typeof storagePoolSchema>;

export const storageVolumeSchema = z.object({
  name: z.string(),
  key: z.string(),
  path: z.string(),
  /** 'file', 'block', 'dir', 'network', … */
  type: z.string(),
  /** Image format ('qcow2', 'raw', 'iso', …), or null when libvirt does not say. */
  format: z.string().nullable(),
  capacity: bytesSchema,
  allocation: bytesSchema,
  /** The backing chain, nearest first (path and format of each backing image). */
  backing: z.array(z.object({ path: z.string().nullable(), format: z.string().nullable() })),
  usedBy: z.array(storageUserSchema),
});
export type StorageVolume = z.infer<typeof storageVolumeSchema>;

export const poolTypeInfoSchema = z.object({
  type: z.string(),
  supported: z.boolean(),
  /** Source formats the type takes (file systems for fs/netfs, partition tables for disk…). */
  sourceFormats: z.array(z.string()),
  defaultSourceFormat: z.string().nullable(),
  /** Volume formats libvirt can create in such a pool. */
  volumeFormats: z.array(z.string()),
});
export type PoolTypeInfo = z.infer<typeof poolTypeInfoSchema>;

const conn = { connectionId: connectionIdSchema };
const poolRef = { ...conn, pool: existingName };
const volRef = { ...poolRef, volume: existingName };

/** A server: host name or address (netfs, iscsi, rbd, gluster). */
const serverSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'Enter a host name or address');

/** A TCP port (an iSCSI portal's, when not 3260). */
const portSchema = z.number().int().min(1).max(65535);

/** Pool types whose source is an iSCSI target: their "source device" is the target's name (IQN), not a path. */
export const ISCSI_POOL_TYPES: readonly PoolType[] = ['iscsi', 'iscsi-direct'];

/** An iSCSI name (RFC 3720): iqn.YYYY-MM.reversed.domain[:anything], or an eui./naa. identifier. */
export const iscsiNameSchema = z
  .string()
  .max(223)
  .regex(
    /^(iqn\.\d{4}-\d{2}\.[a-z0-9][a-z0-9.-]*(:[!-~]+)?|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16,32})$/,
    'An iSCSI target name looks like iqn.2024-01.com.example:disk1',
  );

/** A new pool: the fields its type needs (the service says which one is missing, in words). */
export const createPoolInputSchema = z
  .object({
    ...conn,
    name: newStorageNameSchema,
    type: poolTypeSchema,
    /** Where volumes appear (dir, fs, netfs, logical, disk, iscsi, scsi, mpath). */
    targetPath: storagePathSchema.optional(),
    /**
     * Block device or disk (fs, disk, logical): a plain absolute path; for iscsi and iscsi-direct the
     * target's IQN (checked per type below).
     */
    sourceDevice: z.string().min(1).max(4096).optional(),
    /** Server (netfs, iscsi, rbd, gluster). */
    sourceHost: serverSchema.optional(),
    /** The server's port; the backend's default (3260 for iSCSI) when absent. */
    sourcePort: portSchema.optional(),
    /** Exported folder (netfs, gluster). */
    sourceDir: storagePathSchema.optional(),
    /** Source name: volume group (logical), RBD pool, gluster volume, ZFS pool, iSCSI target IQN. */
    sourceName: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9._:/+-]+$/, 'Use letters, digits and . _ : / + - only')
      .optional(),
    /** File system or partition table type (ext4, nfs, gpt…); libvirt's default when absent. */
    sourceFormat: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9_-]+$/, 'Use lower-case letters and digits only')
      .optional(),
    /** Make the folder / file system / label first (virStoragePoolBuild). */
    build: z.boolean().default(true),
    /** Refuse to build over existing data (a file system or label already on the device). */
    noOverwrite: z.boolean().default(true),
    autostart: z.boolean().default(true),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.sourceDevice === undefined) return;
    const rule = ISCSI_POOL_TYPES.includes(v.type) ? iscsiNameSchema : storagePathSchema;
    const r = rule.safeParse(v.sourceDevice);
    if (!r.success)
      ctx.addIssue({ code: 'custom', path: ['sourceDevice'], message: r.error.issues[0]!.message });
  });
export type CreatePoolInput = z.input<typeof createPoolInputSchema>;

export const VOLUME_FORMATS = ['qcow2', 'raw'] as const;

export const createVolumeInputSchema = z
  .object({
    ...poolRef,
    name: newStorageNameSchema,
    capacity: bytesSchema.refine((n) => n >= 1, 'Enter a size'),
    format: z.enum(VOLUME_FORMATS).default('qcow2'),
    /** Path of a volume the new one starts from (copy-on-write; qcow2 only). */
    backingPath: storagePathSchema.optional(),
  })
  .strict()
  .refine((v) => !v.backingPath || v.format === 'qcow2', {
    message: 'Only a qcow2 volume can have a backing volume',
    path: ['backingPath'],
  });
export type CreateVolumeInput = z.input<typeof createVolumeInputSchema>;

/**
 * Pool types whose libvirt backend can find sources (virConnectFindStoragePoolSources): the targets an
 * iSCSI portal offers, an NFS server's exports, the host's LVM volume groups, a gluster server's volumes.
 */
export const DISCOVERABLE_POOL_TYPES = ['iscsi', 'iscsi-direct', 'netfs', 'logical', 'gluster'] as const;
export type DiscoverablePoolType = (typeof DISCOVERABLE_POOL_TYPES)[number];
export const isDiscoverable = (t: string): t is DiscoverablePoolType =>
  (DISCOVERABLE_POOL_TYPES as readonly string[]).includes(t);
/** Discoverable types that must be told which server to ask (logical scans this host). */
export const DISCOVERY_NEEDS_HOST: readonly DiscoverablePoolType[] = [
  'iscsi',
  'iscsi-direct',
  'netfs',
  'gluster',
];

export const findPoolSourcesInputSchema = z
  .object({
    ...conn,
    type: z.enum(DISCOVERABLE_POOL_TYPES),
    host: serverSchema.optional(),
    port: portSchema.optional(),
  })
  .strict()
  .refine((v) => v.host !== undefined || !DISCOVERY_NEEDS_HOST.includes(v.type), {
    message: 'Enter the server to ask',
    path: ['host'],
  });

/** One source libvirt found: fills a new pool's source fields as they are. */
export const foundPoolSourceSchema = z.object({
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  /** iSCSI: the target's IQN; logical: a physical volume of the group. */
  device: z.string().nullable(),
  /** netfs: the exported folder. */
  dir: z.string().nullable(),
  /** logical: the volume group; gluster: the volume. */
  name: z.string().nullable(),
  format: z.string().nullable(),
});
export type FoundPoolSource = z.infer<typeof foundPoolSourceSchema>;

export const transferIdSchema = uuidSchema;

/** Progress of an upload or download, pushed to the renderer that started it (a few times a second). */
export const transferProgressSchema = z.object({
  transferId: z.string(),
  direction: z.enum(['upload', 'download']),
  /** 'transfer': moving the bytes; 'verify': reading them back to compare checksums. */
  phase: z.enum(['transfer', 'verify']),
  bytes: bytesSchema,
  total: bytesSchema,
  bytesPerSecond: z.number().min(0),
  /** null until the speed is known. */
  secondsLeft: z.number().min(0).nullable(),
});
export type TransferProgress = z.infer<typeof transferProgressSchema>;

export const transferResultSchema = z.object({
  pool: z.string(),
  volume: z.string(),
  localPath: z.string(),
  /** The volume's path on the host (an uploaded ISO: what a VM's CD-ROM points at). */
  volumePath: z.string(),
  bytes: bytesSchema,
  seconds: z.number().min(0),
  /** sha256 (hex) of the bytes sent / received; null when not checked (hashing costs CPU time). */
  sha256: z.string().nullable(),
  /** 'sha256': read back and compared; 'none': not asked to. */
  verified: z.enum(['sha256', 'none']),
});
export type TransferResult = z.infer<typeof transferResultSchema>;

/** One ISO image of the connection's running pools (the ISO library). */
export const isoImageSchema = z.object({
  pool: z.string(),
  volume: z.string(),
  /** The volume's path on the host (what a VM's CD-ROM points at). */
  path: z.string(),
  capacity: bytesSchema,
  /**
   * How it was recognised: 'content' = the ISO9660 signature ("CD001" at byte 0x8001) read through the
   * connection (virStorageVolDownload of 2 KiB); when the connection cannot read it, 'format' = libvirt
   * says its format is iso, 'name' = its name ends in .iso.
   */
  detectedBy: z.enum(['content', 'format', 'name']),
  /** The volume label of its primary volume descriptor ('' → null), when read. */
  volumeId: z.string().nullable(),
  os: osChoiceSchema.nullable(),
  /** Where `os` came from: the label matched osinfo-db's media rules, or the file name. */
  osFrom: z.enum(['label', 'name']).nullable(),
});
export type IsoImage = z.infer<typeof isoImageSchema>;

export const storageCalls = {
  /** The connection's pools with their state, sizes and the VMs that use them. */
  'storage.pools': call(z.object(conn).strict(), z.object({ pools: z.array(storagePoolSchema) })),
  /**
   * The ISO library: every ISO image in the connection's running pools with the OS osinfo-db says it
   * installs. Cached per connection; a pool event or a change made through VirtDesk refreshes it.
   */
  'storage.isos': call(z.object(conn).strict(), z.object({ isos: z.array(isoImageSchema) })),
  /** Pool types this host's libvirt has (virConnectGetStoragePoolCapabilities). */
  'storage.poolTypes': call(z.object(conn).strict(), z.object({ types: z.array(poolTypeInfoSchema) })),
  /** Defines a pool, builds it when asked, starts it, sets autostart. Nothing is left defined if a step fails. */
  'storage.createPool': call(createPoolInputSchema, storagePoolSchema),
  /**
   * Asks libvirt's backend of `type` what sources it finds (an iSCSI portal's targets, an NFS server's
   * exports, this host's volume groups). An empty list is an answer, not an error.
   */
  'storage.findPoolSources': call(
    findPoolSourcesInputSchema,
    z.object({ sources: z.array(foundPoolSourceSchema) }),
  ),
  'storage.poolAction': call(
    z.object({ ...poolRef, action: z.enum(['start', 'stop', 'refresh', 'undefine']) }).strict(),
    z.null(),
  ),
  'storage.poolAutostart': call(z.object({ ...poolRef, autostart: z.boolean() }).strict(), z.null()),
  /**
   * Deletes a pool with its data: every volume, then the pool's own storage (virStoragePoolDelete: the
   * folder, the file system's mount point, the logical volume group…), then its definition. Refused while
   * a VM uses one of its volumes.
   */
  'storage.deletePool': call(z.object(poolRef).strict(), z.null()),
  'storage.volumes': call(z.object(poolRef).strict(), z.object({ volumes: z.array(storageVolumeSchema) })),
  'storage.createVolume': call(createVolumeInputSchema, storageVolumeSchema),
  /** New capacity in bytes (growing only; shrinking loses data and is refused). */
  'storage.resizeVolume': call(z.object({ ...volRef, capacity: bytesSchema }).strict(), z.null()),
  'storage.cloneVolume': call(
    z.object({ ...volRef, newName: newStorageNameSchema }).strict(),
    storageVolumeSchema,
  ),
  /** Overwrites the volume's data with zeros (virStorageVolWipe). */
  'storage.wipeVolume': call(z.object({ ...volRef, force: z.boolean().default(false) }).strict(), z.null()),
  /** Refused (code 'in-use', the VMs named) while a VM uses it, unless `force`. */
  'storage.deleteVolume': call(z.object({ ...volRef, force: z.boolean().default(false) }).strict(), z.null()),
  /**
   * Streams a file (on the machine the main process runs on) into a new volume named `volume`. Progress
   * goes out as 'storage.progress'; `storage.cancelTransfer` stops it. On any failure or cancel the new
   * volume is deleted again (or, when the connection is gone, named in the error).
   */
  'storage.upload': call(
    z
      .object({
        ...poolRef,
        volume: newStorageNameSchema,
        localPath: storagePathSchema,
        transferId: transferIdSchema,
        verify: z.boolean().default(true),
      })
      .strict(),
    transferResultSchema,
  ),
  /** Streams a volume into a new local file (never overwrites one); a failed download removes its file. */
  'storage.download': call(
    z
      .object({
        ...volRef,
        localPath: storagePathSchema,
        transferId: transferIdSchema,
        verify: z.boolean().default(false),
      })
      .strict(),
    transferResultSchema,
  ),
  'storage.cancelTransfer': call(
    z.object({ transferId: transferIdSchema }).strict(),
    z.object({ cancelled: z.boolean() }),
  ),
};

/**
 * Web mode's upload from the browser's own computer: the page POSTs the file (a File picked with a file
 * input, streamed by the browser from its disk) to this path of the web server, with the access token
 * (Authorization: Bearer …), its WebSocket session (header below: progress events and Cancel go there)
 * and this query. The answer is JSON: { ok: true, value: TransferResult } or { ok: false, error }.
 */
export const BROWSER_UPLOAD_PATH = '/upload';
export const BROWSER_UPLOAD_SESSION_HEADER = 'x-virtdesk-session';
export const browserUploadQuerySchema = z
  .object({
    ...poolRef,
    volume: newStorageNameSchema,
    transferId: transferIdSchema,
    verify: z.enum(['0', '1']).transform((v) => v === '1'),
    /** The file's name on the browser's computer (for messages; no path). */
    fileName: z.string().min(1).max(255),
  })
  .strict();
export type BrowserUploadQuery = z.input<typeof browserUploadQuerySchema>;

export const storageEvents = {
  /** Something in the connection's storage changed (a pool event, or an action of any renderer). */
  'storage.changed': z.object({ connectionId: z.string(), pool: z.string().nullable() }),
  'storage.progress': transferProgressSchema,
};
