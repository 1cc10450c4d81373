import { z } from 'zod';
import { hardwareKind } from './kind.js';
import type { HwTiming } from './common.js';

/** libvirt's own ceiling for a vCPU count (QEMU's is lower; the host's limit is checked by the service). */
export const VCPU_CEILING = 4096;
const count = z.number().int().min(1).max(VCPU_CEILING);

export const cpuTopologySchema = z.object({
  sockets: count,
  dies: count,
  cores: count,
  threads: count,
});
export type CpuTopology = z.infer<typeof cpuTopologySchema>;

export const CPU_MODES = ['host-passthrough', 'host-model', 'custom', 'maximum'] as const;

export const cpuViewSchema = z.object({
  /** vCPUs online at start (`<vcpu current>`, else the maximum). */
  vcpus: z.number().int(),
  /** `<vcpu>`: the most vCPUs the VM can have (hot-plug up to it). */
  maxVcpus: z.number().int(),
  /** `<cpu mode>`; null when the domain has no `<cpu>` (the hypervisor's default CPU). */
  mode: z.string().max(64).nullable(),
  model: z.string().max(256).nullable(),
  topology: cpuTopologySchema.nullable(),
});
export type CpuView = z.infer<typeof cpuViewSchema>;

export const topologyProduct = (t: CpuTopology): number => t.sockets * t.dies * t.cores * t.threads;

/**
 * Changes the CPU: only the fields given change. Checked here (in the form and in the main process):
 * vCPUs at most the maximum, a topology that multiplies to the maximum, a model for custom mode.
 */
export const cpuChangeSchema = z
  .object({
    kind: z.literal('cpu'),
    vcpus: count.optional(),
    maxVcpus: count.optional(),
    mode: z.enum(CPU_MODES).optional(),
    model: z.string().min(1).max(256).optional(),
    /** null removes the topology (libvirt then uses one socket per vCPU). */
    topology: cpuTopologySchema.nullable().optional(),
  })
  .strict()
  .refine((c) => c.vcpus === undefined || c.maxVcpus === undefined || c.vcpus <= c.maxVcpus, {
    path: ['vcpus'],
    message: 'The vCPUs at start cannot be more than the maximum.',
  })
  .refine((c) => !c.topology || c.maxVcpus === undefined || topologyProduct(c.topology) === c.maxVcpus, {
    path: ['topology'],
    message: 'Sockets × dies × cores × threads must equal the maximum vCPUs.',
  })
  .refine((c) => c.mode !== 'custom' || c.model !== undefined, {
    path: ['model'],
    message: 'Choose a CPU model for a custom CPU.',
  });
export type CpuChange = z.infer<typeof cpuChangeSchema>;

/**
 * The vCPU count goes live (hot-plug) when running; a new maximum, mode, model or topology only at the
 * next start (a change with both is "at next boot": the running VM may take its count, the rest waits).
 */
export const cpuTiming = (c: CpuChange, running: boolean, now?: CpuView): HwTiming => {
  if (!running || c.vcpus === undefined) return 'next-boot';
  const newMax = c.maxVcpus !== undefined && c.maxVcpus !== now?.maxVcpus;
  const newTopology =
    c.topology !== undefined && JSON.stringify(c.topology) !== JSON.stringify(now?.topology);
  const newModel =
    (c.mode !== undefined && c.mode !== now?.mode) || (c.model !== undefined && c.model !== now?.model);
  return newMax || newTopology || newModel ? 'next-boot' : 'both';
};

export const cpuKind = hardwareKind({ view: cpuViewSchema, change: cpuChangeSchema, timing: cpuTiming });
