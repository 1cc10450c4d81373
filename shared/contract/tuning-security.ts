/**
 * sVirt / security of one VM (the Tuning tab's Security section): the host's security drivers, the VM's
 * `<seclabel>`s as configured and as running, the labels its QEMU process runs with now and its DAC
 * owner; `tuning.setSecurity` sets one driver's label mode for the next boot.
 */
import { z } from 'zod';
import { connectionIdSchema, uuidSchema } from '../model/index.js';
import { call } from './define.js';
import { tuningApplyOutputSchema } from './tuning.js';

const vmRef = { connectionId: connectionIdSchema, uuid: uuidSchema };

export const secLabelSchema = z.object({
  /** selinux, apparmor, dac… ('' when the label names none: it applies to every driver). */
  model: z.string().max(256),
  /** dynamic | static | none */
  type: z.string().max(64),
  label: z.string().max(4096).nullable(),
  imageLabel: z.string().max(4096).nullable(),
  relabel: z.boolean().nullable(),
});
export type SecLabel = z.infer<typeof secLabelSchema>;

export const securityViewSchema = z.object({
  /** The host's security drivers (capabilities `<secmodel>`), e.g. selinux + dac, apparmor + dac, none. */
  hostDrivers: z.array(z.object({ model: z.string().max(256), doi: z.string().max(256).nullable() })).max(16),
  config: z.array(secLabelSchema).max(16),
  live: z.array(secLabelSchema).max(16).nullable(),
  /** The running QEMU process's labels, one per driver (domainGetSecurityLabelList). */
  processLabels: z
    .array(z.object({ label: z.string().max(4096), enforcing: z.boolean() }))
    .max(64)
    .nullable(),
  /** The user:group QEMU runs as now (the DAC label of the running VM), e.g. "+107:+107". */
  dacOwner: z.string().max(4096).nullable(),
});
export type SecurityView = z.infer<typeof securityViewSchema>;

export const secLabelModes = ['dynamic', 'static', 'none'] as const;

export const securityChangeSchema = z
  .object({
    ...vmRef,
    model: z.string().min(1).max(256),
    mode: z.enum(secLabelModes),
    /** The label for static mode (e.g. "system_u:system_r:svirt_t:s0:c10,c20" or "+107:+107"). */
    label: z.string().max(4096).nullable().optional(),
    /** Static mode: let libvirt relabel the VM's disks and files with it. */
    relabel: z.boolean().optional(),
  })
  .strict();
export type SecurityChange = z.output<typeof securityChangeSchema>;

export const tuningSecurityCalls = {
  'tuning.security': call(z.object(vmRef).strict(), securityViewSchema),
  'tuning.setSecurity': call(securityChangeSchema, tuningApplyOutputSchema),
};

export const tuningSecurityEvents = {};
