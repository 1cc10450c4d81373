import { z } from 'zod';
import { call } from './define.js';
import { remedySchema } from './networks.js';
import { CONTROL_CHARS, connectionIdSchema, uuidSchema, vmNameSchema } from '../model/index.js';

/** An absolute path on the connection's host. */
export const hostPathSchema = z
  .string()
  .min(2)
  .max(4096)
  .refine((s) => s.startsWith('/'), 'Use an absolute path (starting with /)')
  .refine((s) => !CONTROL_CHARS.test(s), 'Path may not contain control characters');

/** One OS of the osinfo database, as the New VM dialog lists it. */
export const osChoiceSchema = z.object({
  id: z.string().max(512),
  shortId: z.string().max(128),
  name: z.string().max(512),
  family: z.string().max(64).nullable(),
  releaseDate: z.string().max(32).nullable(),
  /** Suggested sizes (osinfo's recommended, else minimum); null when osinfo does not say. */
  memoryMiB: z.number().nullable(),
  diskGiB: z.number().nullable(),
  cpus: z.number().nullable(),
  virtio: z.boolean(),
});
export type OsChoice = z.infer<typeof osChoiceSchema>;

export const newVmInputSchema = z
  .object({
    connectionId: connectionIdSchema,
    name: vmNameSchema,
    /** osinfo OS id (e.g. http://debian.org/debian/12); absent = generic. */
    osId: z.string().min(1).max(512).optional(),
    memoryMiB: z
      .number()
      .int()
      .min(64)
      .max(4 * 1024 * 1024),
    vcpus: z.number().int().min(1).max(512),
    /**
     * A new qcow2 disk in a storage pool; null = no disk. `pool: null` = the usual default pool, created
     * first when the connection has no running pool (see `newvm.options` → `poolToCreate`).
     */
    disk: z
      .object({
        pool: z.string().min(1, 'Choose a storage pool').max(256).nullable(),
        sizeGiB: z.number().positive().max(65536),
      })
      .strict()
      .nullable(),
    /** ISO image (on the host) attached as CD-ROM to install from. */
    installMedia: hostPathSchema.optional(),
    /** 'user': user-mode networking (session connections); otherwise a libvirt network name; null = none. */
    network: z.string().min(1).max(256).nullable(),
    start: z.boolean().default(true),
  })
  .strict();
export type NewVmInput = z.input<typeof newVmInputSchema>;

export const newVmCalls = {
  /** What the New VM dialog offers on a connection: storage pools, networks, defaults. */
  'newvm.options': call(
    z.object({ connectionId: connectionIdSchema }).strict(),
    z.object({
      pools: z.array(z.object({ name: z.string(), active: z.boolean(), path: z.string().nullable() })),
      networks: z.array(z.object({ name: z.string(), active: z.boolean() })),
      /** qemu:///session-style connection: user-mode networking is the usual choice. */
      session: z.boolean(),
      /** 'kvm' when the host offers it, else 'qemu' (emulation, slow). */
      virtType: z.enum(['kvm', 'qemu']),
      /** osinfo-db is installed where VirtDesk runs (OS list and detection). */
      osinfo: z.boolean(),
      /** No running pool: the default directory pool a disk would go to, created (or started) on Create. */
      poolToCreate: z.object({ name: z.string(), path: z.string(), exists: z.boolean() }).nullable(),
      /** What the host has (nodeGetInfo), for the limits beside the memory and CPU fields. */
      host: z.object({ memoryMiB: z.number(), cpus: z.number() }),
      /** Paths of the ISO images in the connection's running pools (suggestions for the ISO field). */
      isoVolumes: z.array(z.string()),
      /** Names of the VMs on the connection (a new VM's name must differ). */
      vmNames: z.array(z.string()),
    }),
  ),
  /** Operating systems matching a search (name, short id), newest first. */
  'newvm.searchOs': call(
    z.object({ query: z.string().max(128), limit: z.number().int().min(1).max(200).default(30) }).strict(),
    z.array(osChoiceSchema),
  ),
  /** Reads an ISO's volume label (on this computer) and finds its OS in osinfo-db. */
  'newvm.detectOs': call(
    z.object({ connectionId: connectionIdSchema, path: hostPathSchema }).strict(),
    z.object({ volumeId: z.string().nullable(), os: osChoiceSchema.nullable() }),
  ),
  /**
   * Checks the input against the host (name free, memory, ISO, network running) and refuses with issues
   * on the fields before anything is made; then creates the pool when needed, the disk, defines the VM
   * and (by default) starts it. Nothing is left behind when a step before the start fails.
   */
  'newvm.create': call(
    newVmInputSchema,
    z.object({
      uuid: uuidSchema,
      started: z.boolean(),
      /** Why the VM was created but did not start (plain words, libvirt's text as detail). */
      startError: z.string().nullable(),
      /** The one-click fix for `startError`, when there is one (e.g. start the network and retry). */
      startRemedy: remedySchema.nullable(),
      /** The storage pool created (or started) for the disk, if any. */
      createdPool: z.string().nullable(),
    }),
  ),
  /**
   * Undoes a creation whose start failed, when the user chooses "Delete what was created": the VM's
   * definition and the disk volume the creation made (the pool stays, it is the host's default).
   */
  'newvm.discard': call(
    z.object({ connectionId: connectionIdSchema, uuid: uuidSchema }).strict(),
    z.object({ deletedVolume: z.string().nullable() }),
  ),
};

export const newVmEvents = {};
