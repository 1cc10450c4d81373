/**
 * The Tuning tab's contract: `tuning.get` (the host's CPU map, the VM's tuning as configured and as
 * running, and where its vCPU threads actually run) and `tuning.apply` (one change, live where libvirt
 * allows and to the next-boot config).
 */
import { z } from 'zod';
import { connectionIdSchema, uuidSchema } from '../model/index.js';
import { call } from './define.js';
import { hugepagePoolSchema } from './host-memory.js';

const vmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };

/** A host CPU number; libvirt's cpumaps carry at most 2048 bytes (16384 CPUs). */
const cpuId = z.number().int().min(0).max(16383);
const cpuList = z.array(cpuId).max(16384);

export const hostCpuSchema = z.object({
  id: cpuId,
  socket: z.number().int(),
  die: z.number().int(),
  core: z.number().int(),
  siblings: cpuList,
  online: z.boolean(),
});
export type HostCpu = z.infer<typeof hostCpuSchema>;

export const hostCellSchema = z.object({
  id: z.number().int().min(0),
  memoryKiB: z.number().nullable(),
  pages: z.array(z.object({ sizeKiB: z.number(), count: z.number() })).max(64),
  cpus: z.array(hostCpuSchema).max(16384),
});
export type HostCell = z.infer<typeof hostCellSchema>;

const nullableNumber = z.number().nullable();

export const ioTuneSchema = z.object({
  totalBytesSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  readBytesSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  writeBytesSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  totalIopsSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  readIopsSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  writeIopsSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type IoTune = z.infer<typeof ioTuneSchema>;

/** One `<blkiotune><device>`: limits on one host block device; 0 = not set. */
export const blkioDeviceSchema = z.object({
  path: z.string().min(1).max(4096),
  weight: z.number().int().min(0).max(1000),
  readBytesSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  writeBytesSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  readIopsSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  writeIopsSec: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type BlkioDevice = z.infer<typeof blkioDeviceSchema>;

/** A CFS period in µs (1000…1000000) and a quota (-1: none, or 1000…17592186044415), as libvirt takes them. */
const schedPeriod = z.number().int().min(1000).max(1000000).optional();
const schedQuota = z
  .number()
  .int()
  .min(-1)
  .max(17592186044415)
  .refine((q) => q === -1 || q >= 1000, 'Quota is -1 (no limit) or at least 1000 µs.')
  .optional();

const guestCellId = z.number().int().min(0).max(127);

/** One guest NUMA cell: its vCPUs, memory and (`<numatune><memnode>`) the host nodes its memory comes from. */
export const guestNumaCellSchema = z.object({
  id: guestCellId,
  cpus: cpuList,
  memoryKiB: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hostNodes: z
    .object({
      mode: z.string().max(64),
      nodeset: z.array(z.number().int().min(0).max(1023)).max(1024),
    })
    .nullable(),
});
export type GuestNumaCellView = z.infer<typeof guestNumaCellSchema>;

/** One `<hugepages><page>`: a size for the given guest cells (null = every cell without its own). */
export const guestHugepageSchema = z.object({
  sizeKiB: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  cells: z.array(guestCellId).max(128).nullable(),
});
export type GuestHugepageView = z.infer<typeof guestHugepageSchema>;

/** Guest NUMA cells and huge pages (null hugepages = none; [] = the host's default size). */
export const guestNumaSchema = z.object({
  cells: z.array(guestNumaCellSchema).max(128),
  hugepages: z.array(guestHugepageSchema).max(128).nullable(),
});
export type GuestNumaView = z.infer<typeof guestNumaSchema>;

export const tuningViewSchema = z.object({
  vcpus: z.number().int(),
  maxVcpus: z.number().int(),
  defaultCpuset: cpuList.nullable(),
  vcpuPins: z.array(z.object({ vcpu: z.number().int(), cpus: cpuList })).max(16384),
  emulatorPin: cpuList.nullable(),
  iothreads: z.number().int(),
  iothreadPins: z.array(z.object({ iothread: z.number().int(), cpus: cpuList })).max(16384),
  shares: nullableNumber,
  period: nullableNumber,
  quota: nullableNumber,
  emulatorPeriod: nullableNumber,
  emulatorQuota: nullableNumber,
  iothreadPeriod: nullableNumber,
  iothreadQuota: nullableNumber,
  numa: z
    .object({
      mode: z.string().max(64),
      nodeset: cpuList.nullable(),
      placement: z.string().max(64).nullable(),
    })
    .nullable(),
  memtune: z.object({
    hardLimitKiB: nullableNumber,
    softLimitKiB: nullableNumber,
    swapHardLimitKiB: nullableNumber,
    minGuaranteeKiB: nullableNumber,
  }),
  blkioWeight: nullableNumber,
  /** IOThread ids; each disk's bus and IOThread (null = QEMU's main loop); per-device block limits. */
  iothreadIds: z.array(z.number().int()).max(16384),
  diskIothreads: z
    .array(
      z.object({
        target: z.string().max(256),
        bus: z.string().max(64).nullable(),
        iothread: z.number().int().nullable(),
      }),
    )
    .max(1024),
  blkioDevices: z.array(blkioDeviceSchema).max(1024),
  guestNuma: guestNumaSchema,
  memoryKiB: z.number(),
  currentMemoryKiB: z.number(),
  disks: z
    .array(
      z.object({
        target: z.string().max(256),
        source: z.string().max(4096).nullable(),
        iotune: ioTuneSchema,
      }),
    )
    .max(1024),
});
export type TuningView = z.infer<typeof tuningViewSchema>;

/** Where one vCPU thread of the running VM may run and where it ran last (libvirt's domainGetVcpus). */
export const vcpuActualSchema = z.object({
  vcpu: z.number().int(),
  cpu: z.number().int(),
  affinity: cpuList,
});
export type VcpuActual = z.infer<typeof vcpuActualSchema>;

export const tuningGetOutputSchema = z.object({
  host: z.object({
    cells: z.array(hostCellSchema).max(1024),
    cpuModel: z.string().max(256).nullable(),
    /** Huge page pools per host node and size, with their free pages (as the host memory page has them). */
    hugepages: z.array(hugepagePoolSchema).max(65536),
  }),
  config: tuningViewSchema,
  live: tuningViewSchema.nullable(),
  /** The running VM's vCPU threads (null when it is not running or libvirt cannot say). */
  actual: z.array(vcpuActualSchema).max(16384).nullable(),
  /** The emulator threads' CPUs as libvirt reports them for the running VM. */
  emulatorActual: cpuList.nullable(),
  /** The running VM's IOThreads and the host CPUs each may run on (domainGetIOThreadInfo). */
  iothreadsActual: z
    .array(z.object({ id: z.number().int(), cpus: cpuList }))
    .max(16384)
    .nullable(),
  /**
   * The values in effect as libvirt's tuning calls report them (the running VM, else the next-boot
   * config): defaults included, which the XML leaves out. Null where the driver cannot say.
   */
  effective: z.object({
    shares: nullableNumber,
    period: nullableNumber,
    quota: nullableNumber,
    hardLimitKiB: nullableNumber,
    softLimitKiB: nullableNumber,
    blkioWeight: nullableNumber,
  }),
});
export type TuningGetOutput = z.infer<typeof tuningGetOutputSchema>;

/** A memory limit in KiB; null = no limit (libvirt's "unlimited"). */
const limitKiB = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable();

export const numaModes = ['strict', 'preferred', 'interleave', 'restrictive'] as const;

/**
 * The guest's NUMA cells (with the host nodes each one's memory comes from) and its huge pages, set
 * together; no cells removes the guest NUMA topology. Next boot only.
 */
export const guestNumaChangeSchema = z
  .object({
    kind: z.literal('guest-numa'),
    cells: z
      .array(
        guestNumaCellSchema
          .extend({
            hostNodes: z
              .object({
                mode: z.enum(numaModes),
                nodeset: z.array(z.number().int().min(0).max(1023)).max(1024),
              })
              .strict()
              .nullable(),
          })
          .strict(),
      )
      .max(128),
    hugepages: z.array(guestHugepageSchema.strict()).max(128).nullable(),
  })
  .strict();

export const tuningChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vcpupin'), vcpu: z.number().int().min(0).max(16383), cpus: cpuList }).strict(),
  z.object({ kind: z.literal('emulatorpin'), cpus: cpuList }).strict(),
  z
    .object({
      kind: z.literal('memtune'),
      hardLimitKiB: limitKiB.optional(),
      softLimitKiB: limitKiB.optional(),
      swapHardLimitKiB: limitKiB.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('blkio'), weight: z.number().int().min(10).max(1000) }).strict(),
  /** How many IOThreads the VM has (added/removed live where it runs). */
  z.object({ kind: z.literal('iothreads'), count: z.number().int().min(0).max(64) }).strict(),
  z
    .object({ kind: z.literal('iothreadpin'), iothread: z.number().int().min(1).max(16383), cpus: cpuList })
    .strict(),
  /** Which IOThread a disk uses (null = QEMU's main loop); next boot only. */
  z
    .object({
      kind: z.literal('disk-iothread'),
      disk: z.string().min(1).max(256),
      iothread: z.number().int().min(1).max(16383).nullable(),
    })
    .strict(),
  /** Limits on one host block device; all zero removes them. */
  z.object({ kind: z.literal('blkiodevice'), device: blkioDeviceSchema }).strict(),
  z.object({ kind: z.literal('iotune'), disk: z.string().min(1).max(256), iotune: ioTuneSchema }).strict(),
  z
    .object({
      kind: z.literal('sched'),
      /** cgroup cpu.shares: 2…262144. */
      shares: z.number().int().min(2).max(262144).optional(),
      /** vCPU period in µs: 1000…1000000. */
      period: schedPeriod,
      /** vCPU quota in µs: -1 (none) or 1000…17592186044415. */
      quota: schedQuota,
      /** The same for the emulator threads and for the IOThreads. */
      emulatorPeriod: schedPeriod,
      emulatorQuota: schedQuota,
      iothreadPeriod: schedPeriod,
      iothreadQuota: schedQuota,
    })
    .strict(),
  z
    .object({
      kind: z.literal('numatune'),
      mode: z.enum(numaModes),
      nodeset: z.array(z.number().int().min(0).max(1023)).max(1024),
    })
    .strict(),
  guestNumaChangeSchema,
]);
export type TuningChange = z.output<typeof tuningChangeSchema>;

/** When a change takes effect: on the running VM now, at its next start, or both. */
export const tuningTimingSchema = z.enum(['now', 'next-boot', 'both']);
export type TuningTiming = z.infer<typeof tuningTimingSchema>;

export const tuningApplyOutputSchema = z.object({
  timing: tuningTimingSchema,
  /** The running VM: changed now, not running, or libvirt refused the live change. */
  live: z.enum(['applied', 'unchanged', 'not-running', 'failed']),
  config: z.enum(['applied', 'failed']),
  /** One plain sentence when the outcome is not simply "done". */
  message: z.string().max(4096).optional(),
  /** libvirt's own text. */
  detail: z.string().max(65536).optional(),
});
export type TuningApplyOutput = z.infer<typeof tuningApplyOutputSchema>;

export const tuningCalls = {
  'tuning.get': call(z.object(vmRef).strict(), tuningGetOutputSchema),
  'tuning.apply': call(z.object({ ...vmRef, change: tuningChangeSchema }).strict(), tuningApplyOutputSchema),
  /** The next-boot definition before and after a guest NUMA change (checked as `tuning.apply` checks it). */
  'tuning.preview': call(
    z.object({ ...vmRef, change: guestNumaChangeSchema }).strict(),
    z.object({ beforeXml: z.string(), proposedXml: z.string() }),
  ),
};

export const tuningEvents = {};
