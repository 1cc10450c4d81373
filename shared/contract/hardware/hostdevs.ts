import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

const u16 = z.number().int().min(0).max(0xffff);
const u8 = z.number().int().min(0).max(0xff);

export const usbHostdevSchema = z
  .object({
    type: z.literal('usb'),
    vendor: u16,
    product: u16,
    /** Where it is plugged in: given when two devices alike are, so the right one is taken. */
    bus: z.number().int().min(0).max(0xffff).optional(),
    device: z.number().int().min(0).max(0xffff).optional(),
  })
  .strict();
export const pciHostdevSchema = z
  .object({
    type: z.literal('pci'),
    domain: u16,
    bus: u8,
    slot: z.number().int().min(0).max(0x1f),
    function: z.number().int().min(0).max(7),
  })
  .strict();
export const hostdevSourceSchema = z.discriminatedUnion('type', [usbHostdevSchema, pciHostdevSchema]);
export type HostdevSourceInput = z.infer<typeof hostdevSourceSchema>;

export const hostdevViewSchema = z.object({
  /** usb, pci, scsi, mdev, … */
  type: z.string().max(64),
  managed: z.boolean(),
  /** `usb:1d6b:0002`, `usb:…@1.2`, `pci:0000:00:02.0`, else `<type>:<n>`: how changes name it. */
  key: z.string().max(256),
  source: hostdevSourceSchema.nullable(),
});
export type HostdevView = z.infer<typeof hostdevViewSchema>;

export const hostdevAddSchema = z
  .object({ kind: z.literal('hostdev.add'), source: hostdevSourceSchema })
  .strict();
export const hostdevRemoveSchema = z
  .object({ kind: z.literal('hostdev.remove'), key: z.string().min(1).max(256) })
  .strict();
export type HostdevAdd = z.infer<typeof hostdevAddSchema>;
export type HostdevRemove = z.infer<typeof hostdevRemoveSchema>;
export type HostdevChange = HostdevAdd | HostdevRemove;

/** USB and PCI devices are hot-plugged into a running VM (and kept for next boot). */
export const hostdevTiming = (_c: HostdevChange, running: boolean): HwTiming =>
  running ? 'both' : 'next-boot';

export const hostdevKind = hardwareKind({
  view: z.array(hostdevViewSchema),
  change: z.discriminatedUnion('kind', [hostdevAddSchema, hostdevRemoveSchema]),
  timing: hostdevTiming,
});
