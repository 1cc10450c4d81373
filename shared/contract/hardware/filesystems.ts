import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

export const filesystemViewSchema = z.object({
  /** virtiofs, path (9p), …; null for libvirt's default. */
  driver: z.string().max(64).nullable(),
  /** The host directory. */
  source: z.string().max(4096).nullable(),
  /** The tag the guest mounts it by. */
  tag: z.string().max(4096).nullable(),
  readonly: z.boolean(),
});
export type FilesystemView = z.infer<typeof filesystemViewSchema>;

/** The VM's shared folders, and whether its memory is shared already (virtiofs needs it). */
export const filesystemsViewSchema = z.object({
  shares: z.array(filesystemViewSchema),
  sharedMemory: z.boolean(),
});
export type FilesystemsView = z.infer<typeof filesystemsViewSchema>;

/** An absolute host path, without '..' parts. */
export const hostDirSchema = z
  .string()
  .trim()
  .min(1, 'Enter a folder on the host')
  .max(4096)
  .refine((s) => s.startsWith('/'), 'Give the full path of the folder, starting with /')
  .refine((s) => !s.split('/').includes('..'), 'No .. in the path')
  .refine((s) => !/[\0\n]/.test(s), 'Not a path');

/** The mount tag (QEMU allows at most 36 bytes). */
export const mountTagSchema = z
  .string()
  .trim()
  .min(1, 'Enter a tag')
  .max(36, 'At most 36 characters')
  .refine((s) => /^[A-Za-z0-9_.-]+$/.test(s), 'Letters, digits, _ . and - only');

export const filesystemAddSchema = z
  .object({
    kind: z.literal('filesystem.add'),
    source: hostDirSchema,
    tag: mountTagSchema,
    /** Also share the VM's memory (memfd, shared access) in the same change, when it is not yet. */
    sharedMemory: z.boolean().optional(),
  })
  .strict();
export const filesystemRemoveSchema = z
  .object({ kind: z.literal('filesystem.remove'), tag: z.string().min(1).max(4096) })
  .strict();
export type FilesystemAdd = z.infer<typeof filesystemAddSchema>;
export type FilesystemRemove = z.infer<typeof filesystemRemoveSchema>;
export type FilesystemChange = FilesystemAdd | FilesystemRemove;

/**
 * A share is tried on the running VM too when its memory is shared already; turning on shared memory
 * needs a restart, so a share that needs it arrives at next boot.
 */
export const filesystemTiming = (c: FilesystemChange, running: boolean, now?: FilesystemsView): HwTiming =>
  running && (c.kind === 'filesystem.remove' || now?.sharedMemory) ? 'both' : 'next-boot';

export const filesystemKind = hardwareKind({
  view: filesystemsViewSchema,
  change: z.discriminatedUnion('kind', [filesystemAddSchema, filesystemRemoveSchema]),
  timing: filesystemTiming,
});
