import { z } from 'zod';
import { call } from './define.js';
import {
  connectionEntrySchema,
  connectionIdSchema,
  connectionStatusSchema,
  displayNameSchema,
  libvirtUriSchema,
} from '../model/index.js';

export { connectionEntrySchema, connectionSchema, connectionStatusSchema } from '../model/index.js';

const byId = z.object({ id: connectionIdSchema }).strict();

export const connectionCalls = {
  /** All saved connections with their live status. */
  'connections.list': call(z.object({}).strict(), z.array(connectionEntrySchema)),
  /**
   * Save a new connection. `connect: true` connects first and saves only once connected (a URI that does
   * not work rejects with libvirt's message and saves nothing); `connect: false` saves it as it is ("Save
   * anyway"). A URI that is saved already rejects with code `duplicate` and `existingId`.
   */
  'connections.add': call(
    z
      .object({
        name: displayNameSchema,
        uri: libvirtUriSchema,
        autoconnect: z.boolean().default(false),
        connect: z.boolean().default(false),
      })
      .strict(),
    connectionEntrySchema,
  ),
  /**
   * Change name/URI/autoconnect. Changing the URI of a live connection reconnects it; a URI saved under
   * another connection rejects with `duplicate`.
   */
  'connections.update': call(
    z
      .object({
        id: connectionIdSchema,
        name: displayNameSchema.optional(),
        uri: libvirtUriSchema.optional(),
        autoconnect: z.boolean().optional(),
      })
      .strict(),
    connectionEntrySchema,
  ),
  /** Disconnect (if needed) and forget a connection. */
  'connections.remove': call(byId, z.object({ removed: z.boolean() })),
  /** Connect (resolves once connected; rejects with libvirt's message when it fails). */
  'connections.connect': call(byId, connectionStatusSchema),
  /** Disconnect and stop reconnecting. */
  'connections.disconnect': call(byId, connectionStatusSchema),
  /** Live status of one connection, or of all when `id` is omitted. */
  'connections.status': call(
    z.object({ id: connectionIdSchema.optional() }).strict(),
    z.array(connectionStatusSchema),
  ),
};

export const connectionEvents = {
  /** The saved list changed (added/removed/renamed/autoconnect): the full new list. */
  'connections.changed': z.object({ connections: z.array(connectionEntrySchema) }),
  /** Live status of one connection changed (connecting/connected/disconnected with reason/reconnecting). */
  'connections.status': connectionStatusSchema,
};
