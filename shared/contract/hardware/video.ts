import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

export const videoViewSchema = z.object({
  model: z.string().max(64).nullable(),
  primary: z.boolean(),
});
export type VideoView = z.infer<typeof videoViewSchema>;

/** The model of the n-th video device (`video:<n>`); the host's models are checked in the main process. */
export const videoModelSchema = z
  .object({
    kind: z.literal('video.model'),
    index: z.number().int().min(0).max(1023),
    model: z
      .string()
      .min(1, 'Choose a model')
      .max(64)
      .refine((s) => /^[a-z0-9-]+$/.test(s), 'A video model is a name such as virtio or vga'),
  })
  .strict();
export type VideoChange = z.infer<typeof videoModelSchema>;

/** A video card cannot be swapped in a running VM. */
export const videoTiming = (_c: VideoChange, _running: boolean): HwTiming => 'next-boot';

export const videoKind = hardwareKind({
  view: z.array(videoViewSchema),
  change: videoModelSchema,
  timing: videoTiming,
});
