import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** Host files an RNG may read; /dev/urandom never blocks the guest. */
export const RNG_SOURCES = ['/dev/urandom', '/dev/random'] as const;

export const rngViewSchema = z.object({
  model: z.string().max(64),
  backend: z.string().max(64).nullable(),
  source: z.string().max(4096).nullable(),
});
export type RngView = z.infer<typeof rngViewSchema>;

/** A random number generator fed from a host file (the host's models are checked in the main process). */
export const rngAddSchema = z
  .object({
    kind: z.literal('rng.add'),
    model: z
      .string()
      .min(1)
      .max(64)
      .refine((s) => /^[a-z0-9-]+$/.test(s), 'An RNG model is a name such as virtio'),
    source: z.enum(RNG_SOURCES),
  })
  .strict();
export const rngRemoveSchema = z
  .object({ kind: z.literal('rng.remove'), index: z.number().int().min(0).max(1023) })
  .strict();

export type RngAdd = z.infer<typeof rngAddSchema>;
export type RngChange = RngAdd | z.infer<typeof rngRemoveSchema>;

/** A VirtIO RNG is plugged in and out of a running VM. */
export const rngTiming = (_c: RngChange, running: boolean): HwTiming => (running ? 'both' : 'next-boot');

export const rngKind = hardwareKind({
  view: z.array(rngViewSchema),
  change: z.discriminatedUnion('kind', [rngAddSchema, rngRemoveSchema]),
  timing: rngTiming,
});
