import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema, uuidSchema } from '../model/index.js';

const vmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };

/** Host name or IP literal the guest's memory is sent to (no scheme, no spaces, no path). */
const migrationAddressSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/, 'Not a host name or IP address');

export const migrationStartSchema = z
  .object({
    ...vmRef,
    /** A connected connection to another host. */
    targetConnectionId: connectionIdSchema,
    /**
     * 'managed': VirtDesk drives both hosts (they need no credentials for each other). 'p2p': the source
     * host's libvirt connects to the target itself, with the target connection's URI.
     */
    mode: z.enum(['managed', 'p2p']).default('managed'),
    /** Keep the guest running while its memory is copied (otherwise it is paused meanwhile). */
    live: z.boolean().default(true),
    /** Define it on the target and remove the definition from the source. */
    persistent: z.boolean().default(true),
    /** MiB/s; absent = unlimited. */
    bandwidthMiBs: z.number().int().min(1).max(1_000_000).optional(),
    /** Where the target receives the guest (its address as seen from the source); absent = its host name. */
    address: migrationAddressSchema.optional(),
    autoConverge: z.boolean().default(false),
    compressed: z.boolean().default(false),
  })
  .strict()
  .refine((v) => v.targetConnectionId !== v.connectionId, {
    message: 'The target must be another connection',
    path: ['targetConnectionId'],
  });

export const migrationProgressSchema = z.object({
  /** A migration (or another job) is running on the VM. */
  active: z.boolean(),
  elapsedMs: z.number(),
  /** Bytes: total to move, moved so far, left (0 when unknown). */
  dataTotal: z.number(),
  dataProcessed: z.number(),
  dataRemaining: z.number(),
});

export const migrationCalls = {
  /**
   * Live-migrates a VM to another connected host; resolves when it runs there (with its UUID, the same
   * as before). Long-running: watch `migration.progress`, stop with `migration.cancel`. On failure the
   * VM keeps running on the source and the error carries libvirt's message.
   */
  'migration.start': call(
    migrationStartSchema,
    z.object({ targetConnectionId: connectionIdSchema, uuid: uuidSchema }),
  ),
  'migration.progress': call(z.object(vmRef).strict(), migrationProgressSchema),
  /** Aborts the VM's running job (the migration); the VM stays on the source. */
  'migration.cancel': call(z.object(vmRef).strict(), z.null()),
};

export const migrationEvents = {};
