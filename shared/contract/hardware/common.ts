import { z } from 'zod';
import { connectionIdSchema, uuidSchema } from '../../model/index.js';

/** Which VM: every hardware call names one. */
export const hwVmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };

/** When a change takes effect: on the running VM now, at its next start, or both. */
export const hwTimingSchema = z.enum(['now', 'next-boot', 'both']);
export type HwTiming = z.infer<typeof hwTimingSchema>;

/** A count of KiB (libvirt's memory unit); at most 2^53 so it stays an exact JavaScript number. */
export const kibSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A device of `/domain/devices`, for the device list (virt-manager's left column). */
export const deviceSummarySchema = z.object({
  /**
   * Stable within one XML: `disk:vda`, `interface:52:54:00:…` (by MAC), else `<element>:<n>` (the n-th
   * element of that name). Boot order and device editors name devices by it.
   */
  id: z.string().max(300),
  /** The element name: disk, interface, graphics, video, sound, controller, … */
  type: z.string().max(64),
  /** The device's own sub-kind where it has one: disk → disk/cdrom/floppy, interface → network/bridge… */
  subtype: z.string().max(64).nullable(),
  /** Short, human text: `vda (virtio)`, `network default`, `vnc`, … (not translated: libvirt's names). */
  label: z.string().max(1024),
  /** The device's XML as libvirt keeps it (for the read-only view of devices without an editor). */
  xml: z.string().max(1024 * 1024),
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

/** One difference between the next-boot configuration and the running VM. */
export const pendingChangeSchema = z.object({
  /** The editor kind it belongs to (cpu, memory, boot, disk…). */
  kind: z.string().max(64),
  /** The field, for the renderer's wording (`hw.pending.<field>`): vcpus, maxVcpus, memory, … */
  field: z.string().max(64),
  /** Running value and next-boot value, as plain text ('4', '2048 MiB', 'UEFI'). */
  now: z.string().max(1024),
  next: z.string().max(1024),
  /** The whole item in plain English ("vCPUs: 4 → 2"), for fields the renderer has no words for. */
  text: z.string().max(2048),
});
export type PendingChange = z.infer<typeof pendingChangeSchema>;

/** What the host allows, from domain capabilities (for this VM's emulator/arch/machine/type) and node info. */
export const hostLimitsSchema = z.object({
  /** Most vCPUs this domain type and machine can have (domain capabilities `<vcpu max>`); null if unknown. */
  maxVcpus: z.number().int().nullable(),
  /** Logical CPUs of the host (node info). */
  hostCpus: z.number().int(),
  /** Memory of the host in KiB (node info). */
  hostMemoryKiB: z.number(),
  cpu: z.object({
    hostPassthrough: z.boolean(),
    hostModel: z.boolean(),
    custom: z.boolean(),
    /** Named models usable on this host (custom mode, usable='yes'). */
    models: z.array(z.string().max(256)),
  }),
  firmware: z.object({
    /** Values of `<os firmware=…>` autoselection libvirt offers (e.g. ['bios', 'efi']). */
    choices: z.array(z.string().max(64)),
    /** Loader files known to libvirt (for the hint; autoselection picks one). */
    loaders: z.array(z.string().max(4096)),
    /** The firmware feature `secure-boot` can be asked for (UEFI with Secure Boot is installed). */
    secureBoot: z.boolean(),
  }),
  /** Memory backing source types (file, anonymous, memfd); memfd is what shared access for virtiofs needs. */
  memoryBackingSources: z.array(z.string().max(64)),
  diskBuses: z.array(z.string().max(64)),
  diskDevices: z.array(z.string().max(64)),
  /** NIC models: libvirt's domain capabilities do not list them for QEMU; this is the usual set then. */
  nicModels: z.array(z.string().max(64)),
  videoModels: z.array(z.string().max(64)),
  graphicsTypes: z.array(z.string().max(64)),
  hostdevTypes: z.array(z.string().max(64)),
  tpmModels: z.array(z.string().max(64)),
  rngModels: z.array(z.string().max(64)),
  /** TPM backends (emulator: swtpm, which the host must have) and TPM versions the host offers. */
  tpmBackends: z.array(z.string().max(64)),
  tpmVersions: z.array(z.string().max(64)),
  /** RNG backends (random: a host file such as /dev/urandom). */
  rngBackends: z.array(z.string().max(64)),
  /** Watchdog models domain capabilities list (absent or empty: this libvirt does not say). */
  watchdogModels: z.array(z.string().max(64)).optional(),
  /**
   * Devices domain capabilities mark as supported (true) or not (false), by element name (tpm, rng…); a
   * device they do not mention is absent (not known: nothing is refused on its account).
   */
  deviceSupport: z.record(z.string().max(64), z.boolean()),
});
export type HostLimits = z.infer<typeof hostLimitsSchema>;

/** Result of one step of an apply. 'unchanged': nothing to do (or a preview, which changes nothing). */
export const liveResultSchema = z.enum(['applied', 'not-running', 'not-possible', 'failed', 'unchanged']);
export const configResultSchema = z.enum(['applied', 'failed', 'unchanged']);
