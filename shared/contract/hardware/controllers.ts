import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** The controllers the editor adds and removes (others are listed, read-only). */
export const CONTROLLER_TYPES = ['usb', 'scsi', 'virtio-serial'] as const;
export type ControllerType = (typeof CONTROLLER_TYPES)[number];

/**
 * Models by type. libvirt's domain capabilities do not list controller models, so these are QEMU's usual
 * ones; the first is what a new controller gets.
 */
export const CONTROLLER_MODELS: Readonly<Record<ControllerType, readonly string[]>> = {
  usb: ['qemu-xhci', 'nec-xhci', 'ich9-ehci1', 'piix3-uhci', 'piix4-uhci'],
  scsi: ['virtio-scsi', 'lsilogic'],
  'virtio-serial': [],
};

export const controllerViewSchema = z.object({
  /** usb, scsi, virtio-serial, pci, sata, ide, … */
  type: z.string().max(64),
  index: z.number().int(),
  model: z.string().max(64).nullable(),
});
export type ControllerView = z.infer<typeof controllerViewSchema>;

const modelSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => /^[A-Za-z0-9_.-]+$/.test(s), 'Not a controller model name');
const indexSchema = z.number().int().min(0).max(255);

export const controllerAddSchema = z
  .object({
    kind: z.literal('controller.add'),
    type: z.enum(CONTROLLER_TYPES),
    model: modelSchema.optional(),
  })
  .strict();
/** Another model for a USB or SCSI controller (at next boot). */
export const controllerModelSchema = z
  .object({
    kind: z.literal('controller.model'),
    type: z.enum(['usb', 'scsi']),
    index: indexSchema,
    model: modelSchema,
  })
  .strict();
export const controllerRemoveSchema = z
  .object({ kind: z.literal('controller.remove'), type: z.enum(CONTROLLER_TYPES), index: indexSchema })
  .strict();
export type ControllerAdd = z.infer<typeof controllerAddSchema>;
export type ControllerModel = z.infer<typeof controllerModelSchema>;
export type ControllerRemove = z.infer<typeof controllerRemoveSchema>;
export type ControllerChange = ControllerAdd | ControllerModel | ControllerRemove;

/** QEMU hot-plugs SCSI controllers only; everything else about controllers waits for the next boot. */
export const controllerTiming = (c: ControllerChange, running: boolean): HwTiming =>
  running && c.kind === 'controller.add' && c.type === 'scsi' ? 'both' : 'next-boot';

export const controllerKind = hardwareKind({
  view: z.array(controllerViewSchema),
  change: z.discriminatedUnion('kind', [controllerAddSchema, controllerModelSchema, controllerRemoveSchema]),
  timing: controllerTiming,
});
