import { z } from 'zod';
import { call } from './define.js';
import {
  connectionIdSchema,
  uuidSchema,
  vmDetailsSchema,
  vmNameSchema,
  vmSummarySchema,
  vmVolumeSchema,
  volumePathSchema,
} from '../model/index.js';

export { vmDetailsSchema, vmSummarySchema, vmVolumeSchema } from '../model/index.js';

/** Identifies one VM: the connection it lives on and its libvirt UUID. */
const vmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };

/** Actions that take no argument besides the VM. */
export const SIMPLE_VM_ACTIONS = [
  'start',
  'shutdown',
  'reboot',
  /** Force off (virDomainDestroy). */
  'destroy',
  'reset',
  /** Pause. */
  'suspend',
  'resume',
  /** Save the memory state to disk and stop (virDomainManagedSave). */
  'managedSave',
  /** Start from the managed save image (same as start when one exists; fails otherwise). */
  'restore',
] as const;
export type SimpleVmAction = (typeof SIMPLE_VM_ACTIONS)[number];

export const vmActionInputSchema = z.discriminatedUnion('action', [
  z.object({ ...vmRef, action: z.enum(SIMPLE_VM_ACTIONS) }).strict(),
  z.object({ ...vmRef, action: z.literal('setAutostart'), autostart: z.boolean() }).strict(),
  z.object({ ...vmRef, action: z.literal('rename'), newName: vmNameSchema }).strict(),
  z
    .object({
      ...vmRef,
      action: z.literal('delete'),
      /** Paths (from `vms.volumes`) of storage volumes to delete along with the VM. */
      deleteVolumes: z.array(volumePathSchema).max(256).default([]),
    })
    .strict(),
]);
export type VmActionInput = z.input<typeof vmActionInputSchema>;
export type VmAction = VmActionInput['action'];

export const vmCalls = {
  /** VMs of one connected connection (from the cache kept current by libvirt events). */
  'vms.list': call(z.object({ connectionId: connectionIdSchema }).strict(), z.array(vmSummarySchema)),
  /** Overview: state, OS, CPU, memory, disks (with sizes), NICs (with IP addresses). */
  'vms.details': call(z.object(vmRef).strict(), vmDetailsSchema),
  /** Domain XML, read-only. `inactive: true` returns the persistent (next boot) definition. */
  'vms.xml': call(
    z.object({ ...vmRef, inactive: z.boolean().default(false) }).strict(),
    z.object({ xml: z.string() }),
  ),
  /**
   * Lifecycle action. Resolves with the VM after the action (null after delete); rejects with
   * libvirt's own message when libvirt refuses.
   */
  'vms.action': call(vmActionInputSchema, vmSummarySchema.nullable()),
  /**
   * Copies a shut-off VM under a new name: new UUID and MAC addresses, its writable volume disks copied
   * in their pools (install ISOs shared). Resolves with the clone's UUID.
   */
  'vms.clone': call(z.object({ ...vmRef, newName: vmNameSchema }).strict(), z.object({ uuid: uuidSchema })),
  /** Disks of a VM with pool info, for the delete dialog. */
  'vms.volumes': call(z.object(vmRef).strict(), z.array(vmVolumeSchema)),
};

export const vmEvents = {
  /**
   * Delta of the VM list of one connection. `reset: true` means `upserted` is the complete list (sent on
   * connect, and with an empty list on disconnect/removal).
   */
  'vms.changed': z.object({
    connectionId: connectionIdSchema,
    reset: z.boolean(),
    upserted: z.array(vmSummarySchema),
    removed: z.array(uuidSchema),
  }),
};
