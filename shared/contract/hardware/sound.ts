import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/**
 * Sound cards libvirt's QEMU driver knows (domain capabilities do not list them); ich9 is the HDA card of
 * Q35 machines, ich6 the one most guests know, usb needs a USB controller.
 */
export const SOUND_MODELS = ['ich9', 'ich6', 'ich7', 'ac97', 'es1370', 'sb16', 'usb'] as const;

export const soundViewSchema = z.object({ model: z.string().max(64) });
export type SoundView = z.infer<typeof soundViewSchema>;

const index = z.number().int().min(0).max(1023);

export const soundAddSchema = z
  .object({ kind: z.literal('sound.add'), model: z.enum(SOUND_MODELS) })
  .strict();
export const soundModelSchema = z
  .object({ kind: z.literal('sound.model'), index, model: z.enum(SOUND_MODELS) })
  .strict();
export const soundRemoveSchema = z.object({ kind: z.literal('sound.remove'), index }).strict();

export type SoundAdd = z.infer<typeof soundAddSchema>;
export type SoundChange = SoundAdd | z.infer<typeof soundModelSchema> | z.infer<typeof soundRemoveSchema>;

/** QEMU cannot plug sound cards into a running VM: every change waits for the next boot. */
export const soundTiming = (_c: SoundChange, _running: boolean): HwTiming => 'next-boot';

export const soundKind = hardwareKind({
  view: z.array(soundViewSchema),
  change: z.discriminatedUnion('kind', [soundAddSchema, soundModelSchema, soundRemoveSchema]),
  timing: soundTiming,
});
