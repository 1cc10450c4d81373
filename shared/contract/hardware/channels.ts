import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** The channels the editor adds: the QEMU guest agent and the SPICE agent (only with SPICE on the host). */
export const CHANNEL_PRESETS = ['guest-agent', 'spice-agent'] as const;

/** A virtio-serial port name as the guest sees it (org.qemu.guest_agent.0). */
export const channelNameSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => /^[A-Za-z0-9_.:-]+$/.test(s), 'Not a channel name');

export const channelViewSchema = z.object({
  /** unix, spicevmc, pty, … */
  type: z.string().max(64),
  targetType: z.string().max(64).nullable(),
  /** The guest-visible port name; null for channels without one (guestfwd). */
  name: z.string().max(256).nullable(),
  /** The agent's side in the running VM (connected / disconnected), when libvirt knows it. */
  state: z.string().max(64).nullable(),
  /** The host side (socket path), when libvirt assigned one. */
  path: z.string().max(4096).nullable(),
});
export type ChannelView = z.infer<typeof channelViewSchema>;

export const channelAddSchema = z
  .object({ kind: z.literal('channel.add'), preset: z.enum(CHANNEL_PRESETS) })
  .strict();
export const channelRemoveSchema = z
  .object({ kind: z.literal('channel.remove'), name: channelNameSchema })
  .strict();
export type ChannelAdd = z.infer<typeof channelAddSchema>;
export type ChannelRemove = z.infer<typeof channelRemoveSchema>;
export type ChannelChange = ChannelAdd | ChannelRemove;

/** Channels hot-plug on the virtio-serial bus: now and for next boot on a running VM. */
export const channelTiming = (_c: ChannelChange, running: boolean): HwTiming =>
  running ? 'both' : 'next-boot';

export const channelKind = hardwareKind({
  view: z.array(channelViewSchema),
  change: z.discriminatedUnion('kind', [channelAddSchema, channelRemoveSchema]),
  timing: channelTiming,
});
