import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

const path = z.string().max(4096);

export const directKernelSchema = z.object({
  kernel: path.min(1),
  initrd: path,
  cmdline: z.string().max(65536),
});
export type DirectKernel = z.infer<typeof directKernelSchema>;

export const bootDeviceSchema = z.object({
  /** The device id (see DeviceSummary.id). */
  id: z.string().max(300),
  label: z.string().max(1024),
  /** disk, cdrom, floppy, network (what the firmware boots from). */
  type: z.string().max(64),
  /** Its `<boot order>`; null when it is not in the boot order. */
  order: z.number().int().nullable(),
});

export const bootViewSchema = z.object({
  /** Devices that can boot, in boot order first (then the rest in document order). */
  devices: z.array(bootDeviceSchema),
  /** `<os><boot dev>` entries (old style: by device type); they give way to per-device order on edit. */
  legacyOrder: z.array(z.string().max(64)),
  menu: z.boolean(),
  firmware: z.enum(['bios', 'efi']),
  /** Secure Boot is asked for (firmware feature secure-boot). */
  secureBoot: z.boolean(),
  /** The loader path when one is pinned (no autoselection). */
  loader: z.string().max(4096).nullable(),
  kernel: directKernelSchema.nullable(),
});
export type BootView = z.infer<typeof bootViewSchema>;

/** Changes boot and firmware: only the fields given change. All of it applies at the next start. */
export const bootChangeSchema = z
  .object({
    kind: z.literal('boot'),
    /** Device ids in boot order; devices not listed leave the boot order. */
    order: z.array(z.string().max(300)).max(1024).optional(),
    menu: z.boolean().optional(),
    firmware: z.enum(['bios', 'efi']).optional(),
    secureBoot: z.boolean().optional(),
    /** null removes direct kernel boot. */
    kernel: directKernelSchema.nullable().optional(),
  })
  .strict()
  .refine((c) => !(c.firmware === 'bios' && c.secureBoot === true), {
    path: ['secureBoot'],
    message: 'Secure Boot needs UEFI firmware.',
  })
  .refine((c) => !c.order || new Set(c.order).size === c.order.length, {
    path: ['order'],
    message: 'A device can appear only once in the boot order.',
  });
export type BootChange = z.infer<typeof bootChangeSchema>;

export const bootTiming = (_c: BootChange, _running: boolean): HwTiming => 'next-boot';

export const bootKind = hardwareKind({ view: bootViewSchema, change: bootChangeSchema, timing: bootTiming });
