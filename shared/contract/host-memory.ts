/**
 * Host memory tuning: KSM (kernel same-page merging) and the huge page pools of each NUMA node.
 * `host.memory` reads both (polled by the page for its live graph), `host.setKsm` changes KSM's
 * parameters through libvirt (and, on this machine only, switches KSM on or off: libvirt has no call for
 * that), `host.setHugepages` sets one node's pool of one page size through libvirt.
 */
import { z } from 'zod';
import { connectionIdSchema } from '../model/index.js';
import { call } from './define.js';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const nullableCount = count.nullable();

export const ksmStateSchema = z.object({
  /** libvirt could read the KSM parameters (null error); otherwise libvirt's text. */
  error: z.string().max(65536).nullable(),
  /**
   * /sys/kernel/mm/ksm/run of this machine (0 stopped, 1 running, 2 unmerging); null when the host is not
   * this machine or the kernel has no KSM. libvirt has no call for it.
   */
  run: z.number().int().min(0).max(2).nullable(),
  /** Whether VirtDesk may switch KSM on and off here (this machine, and it may write the file). */
  canSwitch: z.boolean(),
  pagesToScan: nullableCount,
  sleepMillisecs: nullableCount,
  /** null when the kernel has no such knob (single-node kernels). */
  mergeAcrossNodes: z.boolean().nullable(),
  pagesShared: nullableCount,
  pagesSharing: nullableCount,
  pagesUnshared: nullableCount,
  pagesVolatile: nullableCount,
  fullScans: nullableCount,
  /** The host's base page size in bytes (the smallest size in the capabilities). */
  pageBytes: z.number().int().min(1),
});
export type KsmState = z.infer<typeof ksmStateSchema>;

export const hugepagePoolSchema = z.object({
  cell: z.number().int().min(0),
  sizeKiB: z.number().int().min(1),
  /** Pages in the pool (capabilities). */
  total: count,
  /** Pages not in use (nodeGetFreePages); null when libvirt cannot say. */
  free: nullableCount,
});
export type HugepagePool = z.infer<typeof hugepagePoolSchema>;

export const hostMemoryOutputSchema = z.object({
  ksm: ksmStateSchema,
  /** Huge page pools (every page size above the base one) of every NUMA node. */
  pools: z.array(hugepagePoolSchema).max(65536),
  /** Free memory of each NUMA node in bytes (what a pool can grow into). */
  cellsFree: z.array(z.object({ cell: z.number().int().min(0), bytes: nullableCount })).max(1024),
  /** libvirt's text when the pools could not be read. */
  poolsError: z.string().max(65536).nullable(),
});
export type HostMemoryOutput = z.infer<typeof hostMemoryOutputSchema>;

export const ksmChangeSchema = z
  .object({
    connectionId: connectionIdSchema,
    /** Switch KSM on (true) or off (false); this machine only. */
    run: z.boolean().optional(),
    /** Pages scanned per wake-up: the kernel takes 0…(some large number); 10000 is already busy. */
    pagesToScan: z.number().int().min(0).max(100000).optional(),
    /** Sleep between scans. */
    sleepMillisecs: z.number().int().min(0).max(3600000).optional(),
    mergeAcrossNodes: z.boolean().optional(),
  })
  .strict();
export type KsmChange = z.output<typeof ksmChangeSchema>;

export const hugepagesChangeSchema = z
  .object({
    connectionId: connectionIdSchema,
    cell: z.number().int().min(0).max(1023),
    sizeKiB: z
      .number()
      .int()
      .min(1)
      .max(16 * 1024 * 1024),
    /** The pool's new size in pages. */
    count: z.number().int().min(0).max(1_000_000_000),
  })
  .strict();
export type HugepagesChange = z.output<typeof hugepagesChangeSchema>;

export const hostMemoryCalls = {
  'host.memory': call(z.object({ connectionId: connectionIdSchema }).strict(), hostMemoryOutputSchema),
  'host.setKsm': call(ksmChangeSchema, hostMemoryOutputSchema),
  'host.setHugepages': call(hugepagesChangeSchema, hostMemoryOutputSchema),
};

export const hostMemoryEvents = {};
