import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema } from '../model/index.js';

/** A libvirt network name as the renderer may send it. */
export const networkNameSchema = z.string().min(1).max(256);

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
};

export const networkEvents = {};
