import { z } from 'zod';
import { connectionIdSchema, displayNameSchema, libvirtUriSchema } from './names.js';

/** A saved connection (persisted in connections.json). */
export const connectionSchema = z.object({
  id: connectionIdSchema,
  name: displayNameSchema,
  uri: libvirtUriSchema,
  /** Connect automatically when VirtDesk starts. */
  autoconnect: z.boolean(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const connectionStateSchema = z.enum(['disconnected', 'connecting', 'connected', 'reconnecting']);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

/** Live status of one connection. */
export const connectionStatusSchema = z.object({
  id: connectionIdSchema,
  state: connectionStateSchema,
  /**
   * Why the connection is not (or no longer) connected, in libvirt's own words when libvirt gave one
   * (e.g. "Failed to connect socket to '/run/libvirt/libvirt-sock': No such file or directory"). null when fine.
   */
  reason: z.string().max(4096).nullable(),
  /** When `reconnecting`: epoch ms of the next attempt, and how many attempts have failed so far. */
  nextRetryAt: z.number().nullable(),
  attempt: z.number().int().nonnegative(),
  /** Epoch ms of the last state change. */
  since: z.number(),
  /** Host name reported by libvirt once connected (null otherwise). */
  hostname: z.string().max(1024).nullable(),
  /**
   * Whether this connection was up since the user (or autoconnect) last asked for it: tells "Connection
   * lost" (it was connected, then dropped) from "Could not connect" (it never got through).
   */
  wasConnected: z.boolean().default(false),
});
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** A saved connection together with its live status (what `connections.list` returns). */
export const connectionEntrySchema = connectionSchema.extend({ status: connectionStatusSchema });
export type ConnectionEntry = z.infer<typeof connectionEntrySchema>;

/** Connections offered on first run (nothing saved yet). */
export const DEFAULT_CONNECTIONS: ReadonlyArray<Omit<Connection, 'id'>> = [
  { name: 'QEMU/KVM (system)', uri: 'qemu:///system', autoconnect: false },
  { name: 'QEMU/KVM (user session)', uri: 'qemu:///session', autoconnect: false },
];
