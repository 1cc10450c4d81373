/**
 * The Tuning tab's XML-level changes: the realtime section (vCPU scheduler policy per vCPU set, locked
 * memory, and what the host lacks for them) and the profiles (Balanced, Low latency, Throughput), each
 * computed for this host and this VM. libvirt has no call that changes these on a definition, so both
 * are *proposed* as a new domain XML (`tuning.propose`), shown as a diff, and applied
 * (`tuning.applyProposal`) through the XML tab's one define path (`expectedXml` = the proposal's
 * `currentXml`), then — on a running VM — live where libvirt's tuning calls allow, the rest at the
 * restart, each said in the outcome.
 */
import { z } from 'zod';
import { connectionIdSchema, uuidSchema } from '../model/index.js';
import { call } from './define.js';
import { MAX_EDITED_XML_CHARS } from './domainxml.js';

const vmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };

/** Linux scheduler policies libvirt's `<vcpusched scheduler>` takes. */
export const vcpuSchedulers = ['other', 'batch', 'idle', 'fifo', 'rr'] as const;
export type VcpuScheduler = (typeof vcpuSchedulers)[number];
/** Policies that take a priority (1…99): the realtime ones. */
export const realtimeSchedulers: readonly VcpuScheduler[] = ['fifo', 'rr'];

export const vcpuSchedSchema = z
  .object({
    vcpus: z.array(z.number().int().min(0).max(16383)).min(1).max(16384),
    scheduler: z.enum(vcpuSchedulers),
    /** 1…99 for fifo/rr; null for the others. */
    priority: z.number().int().min(1).max(99).nullable(),
  })
  .strict();
export type VcpuSched = z.infer<typeof vcpuSchedSchema>;

export const realtimeSettingsSchema = z.object({
  vcpusched: z.array(vcpuSchedSchema).max(16384),
  locked: z.boolean(),
});
export type RealtimeSettings = z.infer<typeof realtimeSettingsSchema>;

/**
 * What the host offers for realtime vCPUs, locked memory and disk weights, as far as can be read. On a remote
 * connection nothing can be read (`where: 'remote'`, every fact null).
 */
export const realtimeHostSchema = z.object({
  where: z.enum(['local', 'remote']),
  /** /sys/devices/system/cpu/isolated (isolcpus=): CPUs the kernel's scheduler keeps other tasks off. */
  isolatedCpus: z.array(z.number().int().min(0)).max(16384).nullable(),
  /** A PREEMPT_RT kernel (/sys/kernel/realtime or the kernel version says so). */
  realtimeKernel: z.boolean().nullable(),
  kernel: z.string().max(512).nullable(),
  /**
   * Whether a vCPU thread may be given FIFO/RR: false when the kernel budgets realtime time per cgroup
   * (cpu.rt_runtime_us) and the VMs' cgroups get none while the budget is enforced.
   */
  realtimeBudget: z.boolean().nullable(),
  /** kernel.sched_rt_runtime_us (-1 = not enforced) and the VMs' cgroup's cpu.rt_runtime_us. */
  rtRuntimeUs: z.number().int().nullable(),
  machineRtRuntimeUs: z.number().int().nullable(),
  /** Whether libvirt can lift the locked-memory limit for QEMU (needs CAP_SYS_RESOURCE or no limit). */
  memoryLock: z.boolean().nullable(),
  memlockLimitKiB: z.number().nullable(),
  /** Whether the host's I/O scheduler takes disk weights (BFQ/CFQ); libvirt refuses one otherwise. */
  diskWeight: z.boolean().nullable(),
  /** Each thing the host lacks, in one plain sentence (what breaks, and the fix). */
  lacks: z.array(z.string().max(1024)).max(16),
});
export type RealtimeHost = z.infer<typeof realtimeHostSchema>;

/** A thread's scheduling policy as the kernel reports it (SCHED_*; 'unknown' for a number not listed). */
export const vcpuThreadPolicies = ['other', 'batch', 'idle', 'fifo', 'rr', 'deadline', 'unknown'] as const;
export type VcpuThreadPolicy = (typeof vcpuThreadPolicies)[number];

/** One running vCPU thread: its policy and realtime priority (0 for the non-realtime policies). */
export const vcpuThreadSchema = z.object({
  vcpu: z.number().int().min(0),
  tid: z.number().int().min(1),
  policy: z.enum(vcpuThreadPolicies),
  priority: z.number().int().min(0).max(99),
});
export type VcpuThread = z.infer<typeof vcpuThreadSchema>;

/**
 * The running vCPU threads as the kernel schedules them: read from /proc on this machine ('read'); a
 * remote host's /proc can be read only on that host ('remote'); 'not-running' when the VM is off;
 * 'not-found' when no QEMU process with the VM's UUID is visible here (another PID namespace).
 */
export const vcpuThreadsSchema = z.object({
  status: z.enum(['read', 'remote', 'not-running', 'not-found']),
  threads: z.array(vcpuThreadSchema).max(16384),
});
export type VcpuThreads = z.infer<typeof vcpuThreadsSchema>;

export const tuningRealtimeOutputSchema = z.object({
  host: realtimeHostSchema,
  maxVcpus: z.number().int(),
  config: realtimeSettingsSchema,
  live: realtimeSettingsSchema.nullable(),
  threads: vcpuThreadsSchema,
});
export type TuningRealtimeOutput = z.infer<typeof tuningRealtimeOutputSchema>;

export const tuningProfiles = ['balanced', 'low-latency', 'throughput'] as const;
export type TuningProfile = (typeof tuningProfiles)[number];

export const proposalRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('profile'), profile: z.enum(tuningProfiles) }).strict(),
  z.object({ kind: z.literal('realtime'), settings: realtimeSettingsSchema.strict() }).strict(),
]);
export type ProposalRequest = z.infer<typeof proposalRequestSchema>;

export const proposalSchema = z.object({
  /** The next-boot definition the proposal was computed from: `expectedXml` for the define. */
  currentXml: z.string(),
  /** The same definition as the proposal is written (same quoting and layout), for the diff. */
  beforeXml: z.string(),
  /** The definition proposed; null when refused. */
  proposedXml: z.string().nullable(),
  /** Why the host or the VM cannot take it, in one sentence; null when it can. */
  refusal: z.string().max(4096).nullable(),
  /** What the proposal does and what it left out, and why (one sentence each). */
  notes: z.array(z.string().max(2048)).max(64),
  /** The VM runs: a define changes its next boot only. */
  running: z.boolean(),
});
export type Proposal = z.infer<typeof proposalSchema>;

/**
 * A proposal applied: defined (the next start), then — when the VM runs — the parts libvirt can change
 * on a running VM applied to it now through its tuning calls. Each list item is one plain sentence.
 */
export const planOutcomeSchema = z.object({
  /** The VM ran when the definition was saved. */
  running: z.boolean(),
  /** What the running VM took now. */
  now: z.array(z.string().max(1024)).max(16384),
  /** What waits for the VM's next start (libvirt cannot change it on a running VM). */
  atRestart: z.array(z.string().max(1024)).max(1024),
  /** What libvirt refused on the running VM, with libvirt's text; each stays saved for the next start. */
  refused: z.array(z.object({ what: z.string().max(1024), detail: z.string().max(65536) })).max(16384),
});
export type PlanOutcome = z.infer<typeof planOutcomeSchema>;

export const tuningPlanCalls = {
  'tuning.realtime': call(z.object(vmRef).strict(), tuningRealtimeOutputSchema),
  'tuning.propose': call(z.object({ ...vmRef, request: proposalRequestSchema }).strict(), proposalSchema),
  /** Defines `xml` through the XML tab's path (`expectedXml` = the proposal's `currentXml`), then live. */
  'tuning.applyProposal': call(
    z
      .object({
        ...vmRef,
        xml: z.string().min(1).max(MAX_EDITED_XML_CHARS),
        expectedXml: z.string().max(MAX_EDITED_XML_CHARS),
      })
      .strict(),
    planOutcomeSchema,
  ),
};

export const tuningPlanEvents = {};
