/**
 * The Hardware tab's contract: `hardware.get` (the VM's hardware as configured and as running, what
 * waits for a restart, and the host's limits) and `hardware.apply` (one change, or its XML preview).
 *
 * Each editor kind lives in its own file here (view part, change schema, timing) and is listed once in
 * `hardwareKinds` below — adding a kind is one import and one entry.
 */
import { z } from 'zod';
import { call } from '../define.js';
import { bootKind } from './boot.js';
import {
  configResultSchema,
  deviceSummarySchema,
  hostLimitsSchema,
  hwTimingSchema,
  hwVmRef,
  liveResultSchema,
  pendingChangeSchema,
  type HwTiming,
} from './common.js';
import { cpuKind } from './cpu.js';
import { kindOfChange } from './kind.js';
import { memoryKind } from './memory.js';
import { diskKind } from './disks.js';
import { nicKind } from './nics.js';
import { graphicsKind } from './graphics.js';
import { videoKind } from './video.js';
import { soundKind } from './sound.js';
import { inputKind } from './input.js';
import { tpmKind } from './tpm.js';
import { rngKind } from './rng.js';
import { watchdogKind } from './watchdog.js';
import { channelKind } from './channels.js';
import { serialKind } from './serials.js';
import { controllerKind } from './controllers.js';
import { filesystemKind } from './filesystems.js';
import { hostdevKind } from './hostdevs.js';

/** Every editor kind, by the key of its part of the view (one entry per kind). */
export const hardwareKinds = {
  cpu: cpuKind,
  memory: memoryKind,
  boot: bootKind,
  disk: diskKind,
  nic: nicKind,
  graphics: graphicsKind,
  video: videoKind,
  sound: soundKind,
  input: inputKind,
  tpm: tpmKind,
  rng: rngKind,
  watchdog: watchdogKind,
  channel: channelKind,
  serial: serialKind,
  controller: controllerKind,
  filesystem: filesystemKind,
  hostdev: hostdevKind,
} as const;

type Kinds = typeof hardwareKinds;
type KindViews = { [K in keyof Kinds]: Kinds[K]['view'] };
type AnyChange = Kinds[keyof Kinds]['change'];

const kindViews = Object.fromEntries(
  Object.entries(hardwareKinds).map(([key, k]) => [key, k.view]),
) as unknown as KindViews;

/** The VM's hardware as one XML describes it (the next-boot config, or the running VM). */
export const hardwareViewSchema = z.object({
  ...kindViews,
  /** Every device of `/domain/devices`, in document order (the left column lists them). */
  devices: z.array(deviceSummarySchema),
});
export type HardwareView = z.infer<typeof hardwareViewSchema>;

/** One change of one editor kind, discriminated by `kind`. */
export const hardwareChangeSchema = z.discriminatedUnion(
  'kind',
  Object.values(hardwareKinds).map((k) => k.change) as unknown as [AnyChange, ...AnyChange[]],
);
export type HardwareChange = z.output<typeof hardwareChangeSchema>;

/** When a change takes effect on a VM that is (not) running (pure: the editor shows it before Apply). */
export const hardwareTiming = (change: HardwareChange, running: boolean, now?: HardwareView): HwTiming => {
  const key = kindOfChange(change.kind) as keyof Kinds;
  const k = hardwareKinds[key] as
    { timing: (c: HardwareChange, running: boolean, now?: unknown) => HwTiming } | undefined;
  return k ? k.timing(change, running, now?.[key]) : 'next-boot';
};

export const hardwareGetOutputSchema = z.object({
  /** The next-boot configuration (the inactive XML). */
  config: hardwareViewSchema,
  /** The running VM (its live XML); null when it is not running. */
  live: hardwareViewSchema.nullable(),
  /** What differs between the next-boot config and the running VM, per item. */
  pending: z.array(pendingChangeSchema),
  limits: hostLimitsSchema,
  /**
   * libvirt can take an internal snapshot of this VM (every writable disk qcow2, no NVRAM): the editors
   * offer "Take a snapshot first".
   */
  internalSnapshots: z.boolean(),
});
export type HardwareGetOutput = z.infer<typeof hardwareGetOutputSchema>;

export const hardwareApplyOutputSchema = z.object({
  /** The running VM: changed now, not running, could not take it (libvirt refused), or another failure. */
  live: liveResultSchema,
  /** The next-boot configuration. */
  config: configResultSchema,
  timing: hwTimingSchema,
  /** One plain sentence about the outcome when it is not simply "done". */
  message: z.string().max(4096).optional(),
  /** libvirt's own text. */
  detail: z.string().max(65536).optional(),
  /** The config XML before and after the change (for the diff); with preview nothing is changed. */
  before: z
    .string()
    .max(4 * 1024 * 1024)
    .optional(),
  after: z
    .string()
    .max(4 * 1024 * 1024)
    .optional(),
});
export type HardwareApplyOutput = z.infer<typeof hardwareApplyOutputSchema>;

export const hardwareCalls = {
  'hardware.get': call(z.object(hwVmRef).strict(), hardwareGetOutputSchema),
  'hardware.apply': call(
    z.object({ ...hwVmRef, change: hardwareChangeSchema, preview: z.boolean().optional() }).strict(),
    hardwareApplyOutputSchema,
  ),
};

export const hardwareEvents = {};

export * from './common.js';
export * from './kind.js';
export * from './cpu.js';
export * from './memory.js';
export * from './boot.js';
export * from './disks.js';
export * from './nics.js';
export * from './graphics.js';
export * from './video.js';
export * from './sound.js';
export * from './input.js';
export * from './tpm.js';
export * from './rng.js';
export * from './watchdog.js';
export * from './channels.js';
export * from './serials.js';
export * from './controllers.js';
export * from './filesystems.js';
export * from './hostdevs.js';
