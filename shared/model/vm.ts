import { z } from 'zod';
import { connectionIdSchema, uuidSchema } from './names.js';

/** libvirt's virDomainState, by name. */
export const VM_STATES = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
] as const;
export const vmStateSchema = z.enum(VM_STATES);
export type VmState = z.infer<typeof vmStateSchema>;

/** Reason names per state (virDomainRunningReason, virDomainPausedReason, …), indexed by libvirt's number. */
const REASONS: Record<VmState, readonly string[]> = {
  nostate: ['unknown'],
  running: [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from_snapshot',
    'unpaused',
    'migration_canceled',
    'save_canceled',
    'wakeup',
    'crashed',
    'postcopy',
    'postcopy_failed',
  ],
  blocked: ['unknown'],
  paused: [
    'unknown',
    'user',
    'migration',
    'save',
    'dump',
    'ioerror',
    'watchdog',
    'from_snapshot',
    'shutting_down',
    'snapshot',
    'crashed',
    'starting_up',
    'postcopy',
    'postcopy_failed',
    'api_error',
  ],
  shutdown: ['unknown', 'user'],
  shutoff: [
    'unknown',
    'shutdown',
    'destroyed',
    'crashed',
    'migrated',
    'saved',
    'failed',
    'from_snapshot',
    'daemon',
  ],
  crashed: ['unknown', 'panicked'],
  pmsuspended: ['unknown'],
};

/** Map libvirt's numeric state (virDomainState) to its name. Unknown numbers become 'nostate'. */
export const vmStateName = (state: number): VmState => VM_STATES[state] ?? 'nostate';

/** Map libvirt's numeric state reason to its name for the given state ('unknown' when out of range). */
export const vmReasonName = (state: VmState, reason: number): string => REASONS[state][reason] ?? 'unknown';

/** States in which the domain is active (has a running QEMU process). */
export const isActiveState = (state: VmState): boolean =>
  state === 'running' ||
  state === 'blocked' ||
  state === 'paused' ||
  state === 'shutdown' ||
  state === 'pmsuspended' ||
  state === 'crashed';

/** One VM in the list. Memory values are in KiB, as libvirt reports them. */
export const vmSummarySchema = z.object({
  connectionId: connectionIdSchema,
  uuid: uuidSchema,
  name: z.string().max(1024),
  /** libvirt domain id, -1 when the VM is not running. */
  id: z.number().int(),
  state: vmStateSchema,
  /** State reason name (e.g. 'booted', 'destroyed', 'user', 'saved'). */
  reason: z.string().max(64),
  vcpus: z.number().int().nonnegative(),
  /** Current memory in KiB. */
  memory: z.number().nonnegative(),
  /** Maximum memory in KiB. */
  maxMemory: z.number().nonnegative(),
  autostart: z.boolean(),
  persistent: z.boolean(),
  hasManagedSave: z.boolean(),
  /** libosinfo OS id from the domain metadata (e.g. 'http://ubuntu.com/ubuntu/24.04'), null when unknown. */
  osId: z.string().max(1024).nullable(),
  /** Human-readable OS name derived from `osId` (e.g. 'Ubuntu 24.04'), null when unknown. */
  osName: z.string().max(1024).nullable(),
  /** Optional domain title from the XML. */
  title: z.string().max(4096).nullable(),
  /**
   * A shutdown was requested and the guest still runs after the grace period (it ignores ACPI, or hangs
   * on the way down): the renderer offers Force Off. Absent otherwise.
   */
  shutdownOverdue: z.literal(true).optional(),
});
export type VmSummary = z.infer<typeof vmSummarySchema>;

export const ipSourceSchema = z.enum(['lease', 'agent', 'arp']);
export type IpSource = z.infer<typeof ipSourceSchema>;

export const ipAddressSchema = z.object({
  type: z.enum(['ipv4', 'ipv6']),
  address: z.string().max(64),
  prefix: z.number().int().nonnegative().nullable(),
  source: ipSourceSchema,
});
export type IpAddress = z.infer<typeof ipAddressSchema>;

export const vmDiskSchema = z.object({
  /** Guest target device, e.g. 'vda', 'sda', 'hdc'. */
  target: z.string().max(64),
  bus: z.string().max(64).nullable(),
  /** 'disk' | 'cdrom' | 'floppy' | 'lun' */
  device: z.string().max(32),
  /** Source type: 'file' | 'block' | 'volume' | 'network' | 'dir' … */
  type: z.string().max(32),
  /** Source path (file/block), 'pool/volume' (volume) or protocol URL-ish text (network); null when empty. */
  source: z.string().max(4096).nullable(),
  /** Driver format ('qcow2', 'raw', …). */
  format: z.string().max(32).nullable(),
  readonly: z.boolean(),
  shareable: z.boolean(),
  /** Virtual size in bytes (null when unknown, e.g. empty CD-ROM or inaccessible image). */
  capacity: z.number().nonnegative().nullable(),
  /** Bytes allocated on the host (null when unknown). */
  allocation: z.number().nonnegative().nullable(),
});
export type VmDisk = z.infer<typeof vmDiskSchema>;

export const vmNicSchema = z.object({
  mac: z.string().max(64).nullable(),
  /** Interface type: 'network' | 'bridge' | 'user' | 'direct' | 'ethernet' … */
  type: z.string().max(32),
  /** Network name, bridge name, or host device; null for user-mode networking. */
  source: z.string().max(1024).nullable(),
  /** Model ('virtio', 'e1000e', …). */
  model: z.string().max(64).nullable(),
  /** Host-side tap device while running (e.g. 'vnet3'). */
  target: z.string().max(64).nullable(),
  addresses: z.array(ipAddressSchema),
});
export type VmNic = z.infer<typeof vmNicSchema>;

export const vmGraphicsSchema = z.object({
  type: z.string().max(32),
  port: z.number().int().nullable(),
  listen: z.string().max(1024).nullable(),
});

/** Overview of one VM (the Overview tab). */
export const vmDetailsSchema = vmSummarySchema.extend({
  description: z.string().max(65536).nullable(),
  arch: z.string().max(64).nullable(),
  machine: z.string().max(128).nullable(),
  /** 'bios' | 'uefi' */
  firmware: z.enum(['bios', 'uefi']),
  emulator: z.string().max(4096).nullable(),
  cpu: z.object({
    vcpus: z.number().int().nonnegative(),
    maxVcpus: z.number().int().nonnegative(),
    /** 'host-passthrough' | 'host-model' | 'custom' | null */
    mode: z.string().max(64).nullable(),
    model: z.string().max(128).nullable(),
    sockets: z.number().int().nullable(),
    cores: z.number().int().nullable(),
    threads: z.number().int().nullable(),
  }),
  /** Boot order of device kinds ('hd', 'cdrom', 'network', 'fd'). */
  bootDevices: z.array(z.string().max(32)),
  disks: z.array(vmDiskSchema),
  nics: z.array(vmNicSchema),
  graphics: z.array(vmGraphicsSchema),
  /** Which IP sources were consulted; errors of a source are reported here rather than failing the call. */
  ipSourceErrors: z.array(z.object({ source: ipSourceSchema, message: z.string().max(4096) })),
});
export type VmDetails = z.infer<typeof vmDetailsSchema>;

/** A disk of a VM, as offered by the delete dialog. */
export const vmVolumeSchema = z.object({
  target: z.string().max(64),
  device: z.string().max(32),
  /** Absolute path of the image/block device. */
  path: z.string().max(4096),
  /** Storage pool and volume name when the path belongs to a libvirt storage pool, else null. */
  pool: z.string().max(1024).nullable(),
  volume: z.string().max(1024).nullable(),
  capacity: z.number().nonnegative().nullable(),
  readonly: z.boolean(),
  shareable: z.boolean(),
  /** Names of other VMs on the same connection that also use this path. */
  usedBy: z.array(z.string().max(1024)),
  /** Whether the dialog should pre-select it: a writable, unshared, pool-managed disk not used by another VM. */
  suggested: z.boolean(),
});
export type VmVolume = z.infer<typeof vmVolumeSchema>;
