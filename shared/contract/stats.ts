import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema, uuidSchema } from '../model/index.js';

/**
 * Resource statistics. Main samples every connected connection once per tick (one
 * connectGetAllDomainStats call for all VMs + host CPU/memory) and keeps an hour of history; a renderer
 * subscribes to what it shows and gets just those latest points pushed as 'stats.tick'.
 *
 * Values are rates per second, bytes, or percent (0–100); `null` = no value at that tick (VM not
 * running, first sample after a (re)start, figure not reported by the hypervisor).
 */

const value = z.number().nullable();

/** Every figure of one VM at one tick. */
export const vmPointSchema = z.object({
  /** libvirt state number (1 running, 3 paused, 5 shutoff, …) */
  state: value,
  /** % of the VM's own vCPUs */
  cpu: value,
  /** % of the whole host */
  cpuHost: value,
  /** bytes in use (guest-reported, else QEMU RSS) */
  memUsed: value,
  /** bytes assigned (balloon current) */
  memAssigned: value,
  /** bytes/s */
  diskRd: value,
  diskWr: value,
  /** requests/s */
  diskRdIops: value,
  diskWrIops: value,
  /** bytes/s */
  netRx: value,
  netTx: value,
});
export type VmPoint = z.output<typeof vmPointSchema>;
export const VM_POINT_KEYS = Object.keys(vmPointSchema.shape) as (keyof VmPoint)[];

/** Series kept in the VM history (one hour at the sampling interval). */
export const VM_HISTORY_SERIES = ['cpu', 'memUsed', 'diskRd', 'diskWr', 'netRx', 'netTx'] as const;
export type VmHistorySeries = (typeof VM_HISTORY_SERIES)[number];

export const hostPointSchema = z.object({
  /** % busy of all host CPUs */
  cpu: value,
  /** bytes used (total − free − buffers − cached) */
  memUsed: value,
  memTotal: value,
});
export type HostPoint = z.output<typeof hostPointSchema>;
export const HOST_HISTORY_SERIES = ['cpu', 'memUsed', 'memTotal'] as const;

const subscriptionIdSchema = z.string().min(1).max(64);
const secondsSchema = z.number().int().min(1).max(3600);

export const statsSubscribeInputSchema = z.discriminatedUnion('kind', [
  /** host CPU/memory */
  z.object({ id: subscriptionIdSchema, connectionId: connectionIdSchema, kind: z.literal('host') }).strict(),
  /** every figure of these VMs (performance view) */
  z
    .object({
      id: subscriptionIdSchema,
      connectionId: connectionIdSchema,
      kind: z.literal('vms'),
      vmUuids: z.array(uuidSchema).min(1).max(64),
    })
    .strict(),
  /** CPU % only of these VMs (the visible rows of the VM list) */
  z
    .object({
      id: subscriptionIdSchema,
      connectionId: connectionIdSchema,
      kind: z.literal('list'),
      vmUuids: z.array(uuidSchema).max(5000),
    })
    .strict(),
]);
export type StatsSubscribeInput = z.input<typeof statsSubscribeInputSchema>;

export const statsHistoryInputSchema = z.discriminatedUnion('target', [
  z.object({ connectionId: connectionIdSchema, target: z.literal('host'), seconds: secondsSchema }).strict(),
  z
    .object({
      connectionId: connectionIdSchema,
      target: z.literal('vm'),
      vmUuid: uuidSchema,
      seconds: secondsSchema,
    })
    .strict(),
  /** CPU % history of several VMs (sparklines), at most 10 minutes */
  z
    .object({
      connectionId: connectionIdSchema,
      target: z.literal('list'),
      vmUuids: z.array(uuidSchema).max(500),
      seconds: z.number().int().min(1).max(600),
    })
    .strict(),
]);
export type StatsHistoryInput = z.input<typeof statsHistoryInputSchema>;

export const statsHistorySchema = z.object({
  intervalMs: z.number(),
  /** sample times, ms since the epoch, oldest first */
  t: z.array(z.number()),
  /** target 'host': HOST_HISTORY_SERIES; target 'vm': VM_HISTORY_SERIES; target 'list': uuid → cpu */
  series: z.record(z.string(), z.array(value)),
});
export type StatsHistory = z.output<typeof statsHistorySchema>;

export const statsCalls = {
  /** Adds or replaces (same `id`) a subscription of this renderer; ticks follow. */
  'stats.subscribe': call(statsSubscribeInputSchema, z.object({ intervalMs: z.number() })),
  'stats.unsubscribe': call(z.object({ id: subscriptionIdSchema }).strict(), z.object({})),
  /** The past of a series, so a graph opened later shows the last hour. */
  'stats.history': call(statsHistoryInputSchema, statsHistorySchema),
};

export const statsTickSchema = z.object({
  connectionId: connectionIdSchema,
  /** ms since the epoch */
  t: z.number(),
  intervalMs: z.number(),
  host: hostPointSchema.optional(),
  /** full points of the VMs of 'vms' subscriptions */
  vms: z.record(z.string(), vmPointSchema).optional(),
  /** CPU % of the VMs of 'list' subscriptions */
  cpu: z.record(z.string(), value).optional(),
});
export type StatsTick = z.output<typeof statsTickSchema>;

export const statsEvents = {
  /** Latest points of what this renderer subscribed to, once per sampling tick and connection. */
  'stats.tick': statsTickSchema,
};
