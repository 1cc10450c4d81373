import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema, libvirtNameSchema, uuidSchema, vmNameSchema } from '../model/index.js';

const vmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };
/** Snapshot names follow the same rules as VM names. */
export const snapshotNameSchema = vmNameSchema;
/** An existing snapshot, possibly named by another tool (no check for formatting characters). */
const existingSnapshotNameSchema = libvirtNameSchema;

export const snapshotSchema = z.object({
  name: z.string().max(1024),
  description: z.string().max(65536).nullable(),
  /** Seconds since the epoch. */
  createdAt: z.number(),
  /** State of the VM when it was taken ('running', 'shutoff', 'paused', …). */
  state: z.string().max(32),
  parent: z.string().max(1024).nullable(),
  current: z.boolean(),
  /** The VM's memory is in it too: reverting resumes where it was, running. */
  withMemory: z.boolean(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const snapshotCalls = {
  /** Snapshots of a VM, oldest first. */
  'snapshots.list': call(z.object(vmRef).strict(), z.array(snapshotSchema)),
  /** Takes a snapshot (of a running VM with its memory); resolves when it is complete. */
  'snapshots.create': call(
    z.object({ ...vmRef, name: snapshotNameSchema, description: z.string().max(65536).optional() }).strict(),
    snapshotSchema,
  ),
  /** Returns the VM to a snapshot: its disks, and its memory when the snapshot has it. */
  'snapshots.revert': call(z.object({ ...vmRef, name: existingSnapshotNameSchema }).strict(), z.null()),
  'snapshots.delete': call(z.object({ ...vmRef, name: existingSnapshotNameSchema }).strict(), z.null()),
};

export const snapshotEvents = {};
