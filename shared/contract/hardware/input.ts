import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

export const INPUT_TYPES = ['tablet', 'keyboard', 'mouse'] as const;
export const INPUT_BUSES = ['usb', 'virtio', 'ps2'] as const;

export const inputViewSchema = z.object({ type: z.string().max(64), bus: z.string().max(64) });
export type InputView = z.infer<typeof inputViewSchema>;

/** libvirt tells inputs apart by type and bus, so a change names both. */
const inputSpec = { type: z.enum(INPUT_TYPES), bus: z.enum(INPUT_BUSES) };

export const inputAddSchema = z
  .object({ kind: z.literal('input.add'), ...inputSpec })
  .strict()
  .refine((c) => !(c.type === 'tablet' && c.bus === 'ps2'), {
    path: ['bus'],
    message: 'A tablet connects by USB or VirtIO, not PS/2',
  });
export const inputRemoveSchema = z.object({ kind: z.literal('input.remove'), ...inputSpec }).strict();

export type InputAdd = z.infer<typeof inputAddSchema>;
export type InputRemove = z.infer<typeof inputRemoveSchema>;
export type InputChange = InputAdd | InputRemove;

/** USB and VirtIO inputs are plugged in and out of a running VM; PS/2 ones come with the machine. */
export const inputTiming = (c: InputChange, running: boolean): HwTiming =>
  running && c.bus !== 'ps2' ? 'both' : 'next-boot';

export const inputKind = hardwareKind({
  view: z.array(inputViewSchema),
  change: z.discriminatedUnion('kind', [inputAddSchema, inputRemoveSchema]),
  timing: inputTiming,
});
