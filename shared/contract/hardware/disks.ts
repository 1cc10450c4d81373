import { z } from 'zod';
import { libvirtNameSchema, volumePathSchema } from '../../model/index.js';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** A disk's guest-visible name (vda, sdb, hdc…): what libvirt matches disks by. */
export const diskTargetSchema = z
  .string()
  .min(3, 'Enter a target such as vdb')
  .max(32)
  .refine((s) => /^[a-z]+$/.test(s), 'A target is lower-case letters only, such as vdb or sdc');

const option = (values: readonly [string, ...string[]]) => z.enum(values).nullable().optional();
export const DISK_CACHE_MODES = [
  'default',
  'none',
  'writethrough',
  'writeback',
  'directsync',
  'unsafe',
] as const;
export const DISK_IO_MODES = ['threads', 'native', 'io_uring'] as const;
export const DISK_DISCARD_MODES = ['ignore', 'unmap'] as const;
export const DISK_FORMATS = ['qcow2', 'raw'] as const;

/** At most 2^53 bytes (an exact JavaScript number); a disk of at least 1 MiB. */
const capacitySchema = z
  .number()
  .int()
  .min(1024 * 1024, 'At least 1 MiB')
  .max(Number.MAX_SAFE_INTEGER, 'At most 8 PiB');

/** What the guest sees as the disk's serial number; libvirt refuses other characters than these. */
export const diskSerialSchema = z
  .string()
  .max(64, 'At most 64 characters')
  .refine((s) => /^[A-Za-z0-9_.+\- ]*$/.test(s), 'Letters, digits, spaces and _ . + - only');

export const diskViewSchema = z.object({
  target: z.string().max(64),
  bus: z.string().max(64).nullable(),
  /** disk, cdrom, floppy, lun. */
  device: z.string().max(64),
  /** file, block, volume, network, dir. */
  type: z.string().max(64),
  /** The path, 'pool/volume', or a network source; null for an empty drive. */
  source: z.string().max(4096).nullable(),
  pool: z.string().max(1024).nullable(),
  volume: z.string().max(1024).nullable(),
  format: z.string().max(64).nullable(),
  readonly: z.boolean(),
  shareable: z.boolean(),
  serial: z.string().max(1024).nullable(),
  cache: z.string().max(64).nullable(),
  io: z.string().max(64).nullable(),
  discard: z.string().max(64).nullable(),
});
export type DiskView = z.infer<typeof diskViewSchema>;

/** Existing media or image: a volume of a pool, or a path on the host. */
const existingSourceSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('volume'), pool: libvirtNameSchema, volume: z.string().min(1).max(1024) })
    .strict(),
  z.object({ kind: z.literal('file'), path: volumePathSchema }).strict(),
]);

export const newDiskSourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('new-volume'),
      pool: libvirtNameSchema,
      name: libvirtNameSchema,
      capacityBytes: capacitySchema,
      format: z.enum(DISK_FORMATS),
    })
    .strict(),
  ...existingSourceSchema.options,
  /** A CD-ROM drive without media. */
  z.object({ kind: z.literal('none') }).strict(),
]);

const driverOptions = {
  cache: option(DISK_CACHE_MODES),
  io: option(DISK_IO_MODES),
  discard: option(DISK_DISCARD_MODES),
};

export const diskAddSchema = z
  .object({
    kind: z.literal('disk.add'),
    device: z.enum(['disk', 'cdrom']),
    source: newDiskSourceSchema,
    bus: z.enum(['virtio', 'sata', 'scsi', 'usb', 'ide']),
    /** The first free one of the bus when absent. */
    target: diskTargetSchema.nullable().optional(),
    ...driverOptions,
    readonly: z.boolean().optional(),
    shareable: z.boolean().optional(),
    serial: diskSerialSchema.nullable().optional(),
  })
  .strict()
  .refine((c) => c.device === 'disk' || c.source.kind !== 'new-volume', {
    path: ['source', 'kind'],
    message: 'A CD-ROM takes an existing image, not a new empty volume.',
  })
  .refine((c) => c.device === 'cdrom' || c.source.kind !== 'none', {
    path: ['source', 'kind'],
    message: 'Choose what the disk holds.',
  });

export const diskRemoveSchema = z
  .object({ kind: z.literal('disk.remove'), target: diskTargetSchema })
  .strict();

/** Grows a disk (live through QEMU when the VM runs, else its volume in the pool). */
export const diskResizeSchema = z
  .object({ kind: z.literal('disk.resize'), target: diskTargetSchema, capacityBytes: capacitySchema })
  .strict();

/** Puts other media into a CD-ROM drive, or ejects it (null). */
export const diskMediaSchema = z
  .object({ kind: z.literal('disk.media'), target: diskTargetSchema, media: existingSourceSchema.nullable() })
  .strict();

/** Cache, I/O, discard, read-only, shareable, serial of an existing disk: at next boot. */
export const diskOptionsSchema = z
  .object({
    kind: z.literal('disk.options'),
    target: diskTargetSchema,
    ...driverOptions,
    readonly: z.boolean().optional(),
    shareable: z.boolean().optional(),
    serial: diskSerialSchema.nullable().optional(),
  })
  .strict();

export type DiskAdd = z.infer<typeof diskAddSchema>;
export type DiskRemove = z.infer<typeof diskRemoveSchema>;
export type DiskResize = z.infer<typeof diskResizeSchema>;
export type DiskMedia = z.infer<typeof diskMediaSchema>;
export type DiskOptions = z.infer<typeof diskOptionsSchema>;
export type DiskChange = DiskAdd | DiskRemove | DiskResize | DiskMedia | DiskOptions;

/** Buses whose drives cannot be hot-plugged: a drive added to a running VM there waits for the next boot. */
export const NO_HOTPLUG_BUSES: readonly string[] = ['ide', 'sata', 'fdc'];

export const diskTiming = (c: DiskChange, running: boolean): HwTiming => {
  if (!running || c.kind === 'disk.options') return 'next-boot';
  if (c.kind === 'disk.add' && NO_HOTPLUG_BUSES.includes(c.bus)) return 'next-boot';
  return 'both';
};

const diskChangeSchema = z.discriminatedUnion('kind', [
  diskAddSchema,
  diskRemoveSchema,
  diskResizeSchema,
  diskMediaSchema,
  diskOptionsSchema,
]);

export const diskKind = hardwareKind({
  view: z.array(diskViewSchema),
  change: diskChangeSchema,
  timing: diskTiming,
});
