/**
 * What the disk and NIC editors of the Hardware tab pick from: storage pools with their volumes and free
 * space, libvirt networks; and one disk's current size (for Resize).
 */
import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema, uuidSchema } from '../model/index.js';
import { diskTargetSchema } from './hardware/disks.js';

export const deviceChoicesSchema = z.object({
  pools: z.array(
    z.object({
      name: z.string().max(1024),
      active: z.boolean(),
      /** Free bytes; null when the pool does not say or is not running. */
      availableBytes: z.number().nullable(),
      volumes: z.array(
        z.object({
          name: z.string().max(1024),
          path: z.string().max(4096),
          capacityBytes: z.number(),
          format: z.string().max(64).nullable(),
        }),
      ),
    }),
  ),
  networks: z.array(z.object({ name: z.string().max(1024), active: z.boolean() })),
});
export type DeviceChoices = z.infer<typeof deviceChoicesSchema>;

export const hardwareDeviceCalls = {
  'hardware.deviceChoices': call(
    z.object({ connectionId: connectionIdSchema }).strict(),
    deviceChoicesSchema,
  ),
  /** The disk's size as the running VM (or, when it is off, its volume) has it; null when unknown. */
  'hardware.diskSize': call(
    z.object({ connectionId: connectionIdSchema, uuid: uuidSchema, target: diskTargetSchema }).strict(),
    z.object({ capacityBytes: z.number().nullable() }),
  ),
};

export const hardwareDeviceEvents = {};
