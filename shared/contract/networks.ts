import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema } from '../model/index.js';

/** A libvirt network name as the renderer may send it. */
export const networkNameSchema = z.string().min(1).max(256);

/** RemoteRemedy (index.ts) as a schema, for outputs that carry one. */
export const remedySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start-network'), connectionId: z.string(), network: z.string() }),
  z.object({ kind: z.literal('start-pool'), connectionId: z.string(), pool: z.string() }),
]);

export const networkCalls = {
  /**
   * Starts a defined network (idempotent: an active one stays as it is) and, with `autostart`, marks it
   * to start with the host, so the first VM on a fresh host does not hit "network 'default' is not
   * active" again after a reboot.
   */
  'networks.start': call(
    z
      .object({
        connectionId: connectionIdSchema,
        name: networkNameSchema,
        autostart: z.boolean().default(true),
      })
      .strict(),
    z.object({ name: z.string(), active: z.boolean(), autostart: z.boolean() }),
  ),
  /** The same for a storage pool a VM's disk lives in (a VM cannot start while its pool is stopped). */
  'pools.start': call(
    z
      .object({
        connectionId: connectionIdSchema,
        name: networkNameSchema,
        autostart: z.boolean().default(true),
      })
      .strict(),
    z.object({ name: z.string(), active: z.boolean(), autostart: z.boolean() }),
  ),
};

export const networkEvents = {};
