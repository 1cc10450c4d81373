import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

export const SERIAL_DEVICES = ['serial', 'console'] as const;

export const serialViewSchema = z.object({
  device: z.enum(SERIAL_DEVICES),
  /** The serial port number, or the console's number. */
  port: z.number().int(),
  /** pty, file, unix, tcp, … */
  type: z.string().max(64),
  /** isa-serial, pci-serial (serial); serial, virtio (console); null for libvirt's default. */
  targetType: z.string().max(64).nullable(),
  /** The host side: the pty of a running VM, a file, a socket. */
  path: z.string().max(4096).nullable(),
  /** A console that only shows serial port `port` (libvirt keeps one for the first serial port). */
  mirrorsSerial: z.boolean(),
});
export type SerialView = z.infer<typeof serialViewSchema>;

const portSchema = z.number().int().min(0).max(65535);

/** A pty serial port (ISA) or a virtio console; libvirt's next free port. */
export const serialAddSchema = z
  .object({ kind: z.literal('serial.add'), device: z.enum(SERIAL_DEVICES) })
  .strict();
export const serialRemoveSchema = z
  .object({ kind: z.literal('serial.remove'), device: z.enum(SERIAL_DEVICES), port: portSchema })
  .strict();
export type SerialAdd = z.infer<typeof serialAddSchema>;
export type SerialRemove = z.infer<typeof serialRemoveSchema>;
export type SerialChange = SerialAdd | SerialRemove;

/**
 * A virtio console plugs in and out of a running VM; an ISA serial port does not (QEMU cannot hot-plug
 * ISA devices), so it changes at next boot.
 */
export const serialTiming = (c: SerialChange, running: boolean): HwTiming =>
  running && c.device === 'console' ? 'both' : 'next-boot';

export const serialKind = hardwareKind({
  view: z.array(serialViewSchema),
  change: z.discriminatedUnion('kind', [serialAddSchema, serialRemoveSchema]),
  timing: serialTiming,
});
