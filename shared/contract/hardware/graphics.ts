import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** The displays VirtDesk edits (libvirt's other graphics types show read-only). */
export const GRAPHICS_TYPES = ['vnc', 'spice'] as const;
export type GraphicsType = (typeof GRAPHICS_TYPES)[number];

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
/** An IP address to listen on (127.0.0.1 keeps the display on this host; 0.0.0.0 opens it to all). */
export const listenAddressSchema = z
  .string()
  .trim()
  .refine(
    (s) => ipv4.safeParse(s).success || ipv6.safeParse(s).success,
    'Enter an IP address such as 127.0.0.1, 0.0.0.0 or ::1',
  );

/** A fixed port; VNC's are 5900 and up (QEMU counts displays from 5900), SPICE's 1024 and up. */
const portSchema = z.number().int().min(1024, 'A port from 1024 to 65535').max(65535, 'At most 65535');
export const MIN_VNC_PORT = 5900;

/** VNC passwords: QEMU uses at most 8 characters; no control characters (libvirt keeps it in XML). */
const passwordSchema = z
  .string()
  .min(1, 'Enter a password, or choose no password')
  .max(256)
  .refine((s) => !/[\p{Cc}]/u.test(s), 'A password cannot contain control characters');

const checkPort = (c: { type?: string | undefined; port?: number | null | undefined }) =>
  c.type !== 'vnc' || c.port === null || c.port === undefined || c.port >= MIN_VNC_PORT;
const checkVncPassword = (c: { type?: string | undefined; password?: string | null | undefined }) =>
  c.type !== 'vnc' || !c.password || c.password.length <= 8;
const portMessage = { path: ['port'], message: `A VNC port is ${MIN_VNC_PORT} or more` };
const vncPasswordMessage = { path: ['password'], message: 'VNC uses passwords of at most 8 characters' };

export const graphicsViewSchema = z.object({
  type: z.string().max(64),
  listen: z.string().max(1024).nullable(),
  listenType: z.string().max(64).nullable(),
  autoport: z.boolean(),
  /** The fixed port, or the running VM's port. */
  port: z.number().int().nullable(),
});
export type GraphicsView = z.infer<typeof graphicsViewSchema>;

export const graphicsAddSchema = z
  .object({
    kind: z.literal('graphics.add'),
    type: z.enum(GRAPHICS_TYPES),
    listen: listenAddressSchema,
    /** null: libvirt picks a free port at each start. */
    port: portSchema.nullable(),
    password: passwordSchema.optional(),
  })
  .strict()
  .refine(checkPort, portMessage)
  .refine(checkVncPassword, vncPasswordMessage);

/**
 * Changes the n-th display (`graphics:<n>`): only the fields given. The type, listen address and port
 * change at next boot; a new password also goes to the running VM (libvirt's update-device).
 */
export const graphicsEditSchema = z
  .object({
    kind: z.literal('graphics.edit'),
    index: z.number().int().min(0).max(1023),
    /** The display's type after the change (its current one when it stays). */
    type: z.enum(GRAPHICS_TYPES),
    listen: listenAddressSchema.optional(),
    port: portSchema.nullable().optional(),
    /** A new password, or null for none. */
    password: passwordSchema.nullable().optional(),
  })
  .strict()
  .refine(checkPort, portMessage)
  .refine(checkVncPassword, vncPasswordMessage);

export const graphicsRemoveSchema = z
  .object({ kind: z.literal('graphics.remove'), index: z.number().int().min(0).max(1023) })
  .strict();

export type GraphicsAdd = z.infer<typeof graphicsAddSchema>;
export type GraphicsEdit = z.infer<typeof graphicsEditSchema>;
export type GraphicsRemove = z.infer<typeof graphicsRemoveSchema>;
export type GraphicsChange = GraphicsAdd | GraphicsEdit | GraphicsRemove;

/** Only a new password reaches a running VM (QEMU cannot add, remove or move a display while it runs). */
export const graphicsTiming = (c: GraphicsChange, running: boolean, now?: GraphicsView[]): HwTiming => {
  if (!running || c.kind !== 'graphics.edit' || typeof c.password !== 'string') return 'next-boot';
  const was = now?.[c.index];
  const other =
    (was && c.type !== was.type) ||
    (c.listen !== undefined && c.listen !== was?.listen) ||
    (c.port !== undefined && c.port !== (was?.autoport ? null : was?.port));
  return other ? 'next-boot' : 'both';
};

export const graphicsKind = hardwareKind({
  view: z.array(graphicsViewSchema),
  change: z.discriminatedUnion('kind', [graphicsAddSchema, graphicsEditSchema, graphicsRemoveSchema]),
  timing: graphicsTiming,
});
