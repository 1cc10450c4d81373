import { z } from 'zod';
import { hardwareKind } from './kind.js';
import { kibSchema, type HwTiming } from './common.js';

export const memoryViewSchema = z.object({
  /** `<currentMemory>` in KiB: what the guest gets (the balloon's target). */
  currentKiB: z.number(),
  /** `<memory>` in KiB: the most it can have. */
  maxKiB: z.number(),
  /** `<memoryBacking><hugepages/>`. */
  hugepages: z.boolean(),
  /** `<memoryBacking><access mode='shared'/>` (what virtiofs needs). */
  sharedAccess: z.boolean(),
  /** `<memoryBacking><source type>` or null. */
  source: z.string().max(64).nullable(),
  /** Guest NUMA cells: with any, the maximum is their sum (libvirt recomputes it; set on the Tuning tab). */
  numaCells: z.number().int().min(0),
});
export type MemoryView = z.infer<typeof memoryViewSchema>;

/** Changes the memory: only the fields given change; current at most maximum (checked here too). */
export const memoryChangeSchema = z
  .object({
    kind: z.literal('memory'),
    currentKiB: kibSchema.optional(),
    maxKiB: kibSchema.optional(),
    hugepages: z.boolean().optional(),
    /** Shared access also sets the memfd source (libvirt's recommendation for virtiofs without hugepages). */
    sharedAccess: z.boolean().optional(),
  })
  .strict()
  .refine((c) => c.currentKiB === undefined || c.maxKiB === undefined || c.currentKiB <= c.maxKiB, {
    path: ['currentKiB'],
    message: 'The current memory cannot be more than the maximum.',
  });
export type MemoryChange = z.infer<typeof memoryChangeSchema>;

/** The balloon (current memory) moves live; the maximum and the backing only at the next start. */
export const memoryTiming = (c: MemoryChange, running: boolean, now?: MemoryView): HwTiming => {
  if (!running || c.currentKiB === undefined) return 'next-boot';
  const other =
    (c.maxKiB !== undefined && c.maxKiB !== now?.maxKiB) ||
    (c.hugepages !== undefined && c.hugepages !== now?.hugepages) ||
    (c.sharedAccess !== undefined && c.sharedAccess !== now?.sharedAccess);
  return other ? 'next-boot' : 'both';
};

export const memoryKind = hardwareKind({
  view: memoryViewSchema,
  change: memoryChangeSchema,
  timing: memoryTiming,
});
