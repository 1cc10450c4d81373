import { z } from 'zod';
import { libvirtNameSchema } from '../../model/index.js';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** Six hex pairs separated by ':' or '-' (the main process also refuses multicast and all-zero ones). */
export const macSchema = z
  .string()
  .trim()
  .refine(
    (s) => /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(s),
    'A MAC address looks like 52:54:00:12:34:56',
  )
  .refine(
    (s) => (parseInt(s.slice(0, 2), 16) & 1) === 0,
    'This is a multicast address; a NIC needs a unicast one',
  );

/** A host interface name (bridge, or the device macvtap sits on). */
const hostIfaceSchema = z
  .string()
  .min(1, 'Enter the host interface')
  .max(15, 'At most 15 characters (a Linux interface name)')
  .refine((s) => !/[\s/:]/.test(s), 'No spaces, / or : in an interface name');

export const NIC_DIRECT_MODES = ['bridge', 'vepa', 'private', 'passthrough'] as const;
export const NIC_SOURCE_TYPES = ['network', 'bridge', 'direct', 'user'] as const;

export const nicSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('network'), network: libvirtNameSchema }).strict(),
  z.object({ type: z.literal('bridge'), bridge: hostIfaceSchema }).strict(),
  z.object({ type: z.literal('direct'), dev: hostIfaceSchema, mode: z.enum(NIC_DIRECT_MODES) }).strict(),
  z.object({ type: z.literal('user') }).strict(),
]);
export type NicSourceInput = z.infer<typeof nicSourceSchema>;

export const nicViewSchema = z.object({
  mac: z.string().max(64).nullable(),
  /** network, bridge, direct, user, … */
  type: z.string().max(64),
  /** The network, bridge or host device; null for user-mode. */
  source: z.string().max(1024).nullable(),
  model: z.string().max(64).nullable(),
  /** The host-side device of a running VM (vnet0, macvtap0…). */
  target: z.string().max(256).nullable(),
  linkState: z.enum(['up', 'down']),
  directMode: z.string().max(64).nullable(),
});
export type NicView = z.infer<typeof nicViewSchema>;

const modelSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => /^[A-Za-z0-9_.-]+$/.test(s), 'Not a NIC model name');

export const nicAddSchema = z
  .object({
    kind: z.literal('nic.add'),
    source: nicSourceSchema,
    model: modelSchema.nullable().optional(),
    /** libvirt generates one when absent. */
    mac: macSchema.nullable().optional(),
    linkState: z.enum(['up', 'down']).optional(),
  })
  .strict();

export const nicRemoveSchema = z.object({ kind: z.literal('nic.remove'), mac: macSchema }).strict();

/** The link as if the cable were plugged in (up) or pulled (down): live, and kept for next boot. */
export const nicLinkSchema = z
  .object({ kind: z.literal('nic.link'), mac: macSchema, state: z.enum(['up', 'down']) })
  .strict();

/** Source and model of an existing NIC: at next boot. */
export const nicOptionsSchema = z
  .object({
    kind: z.literal('nic.options'),
    mac: macSchema,
    source: nicSourceSchema.optional(),
    model: modelSchema.optional(),
  })
  .strict();

export type NicAdd = z.infer<typeof nicAddSchema>;
export type NicRemove = z.infer<typeof nicRemoveSchema>;
export type NicLink = z.infer<typeof nicLinkSchema>;
export type NicOptions = z.infer<typeof nicOptionsSchema>;
export type NicChange = NicAdd | NicRemove | NicLink | NicOptions;

export const nicTiming = (c: NicChange, running: boolean): HwTiming =>
  running && c.kind !== 'nic.options' ? 'both' : 'next-boot';

const nicChangeSchema = z.discriminatedUnion('kind', [
  nicAddSchema,
  nicRemoveSchema,
  nicLinkSchema,
  nicOptionsSchema,
]);

export const nicKind = hardwareKind({
  view: z.array(nicViewSchema),
  change: nicChangeSchema,
  timing: nicTiming,
});
