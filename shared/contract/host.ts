import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema, libvirtUriSchema } from '../model/index.js';

/** Host overview (dashboard) and the KVM readiness check. */

const n = z.number().nullable();

export const numaCellSchema = z.object({
  id: z.number(),
  /** bytes */
  memory: n,
  /** bytes free now (nodeGetCellsFreeMemory) */
  free: n,
  cpus: z.array(z.number()),
});

export const securityLabelSchema = z.object({
  model: z.string(),
  /** 'dynamic' | 'static' | 'none' */
  type: z.string(),
  label: z.string().nullable(),
  imageLabel: z.string().nullable(),
  relabel: z.boolean().nullable(),
});

export const hostOverviewSchema = z.object({
  hostname: z.string(),
  uri: z.string(),
  /** libvirt daemon version, e.g. '9.0.0' */
  libvirtVersion: z.string().nullable(),
  /** hypervisor driver ('QEMU', 'Test') and its version */
  hypervisor: z.object({ type: z.string().nullable(), version: z.string().nullable() }),
  cpu: z.object({
    model: z.string().nullable(),
    vendor: z.string().nullable(),
    arch: z.string().nullable(),
    mhz: n,
    cpus: n,
    nodes: n,
    sockets: n,
    coresPerSocket: n,
    threadsPerCore: n,
  }),
  memory: z.object({ total: n, used: n, free: n }),
  /** % busy (from two CPU samples); null until known */
  cpuPercent: n,
  numa: z.array(numaCellSchema),
  /** KSM (nodeGetMemoryParameters): what the daemon returns, shm_* fields */
  ksm: z.object({
    params: z.array(z.object({ field: z.string(), value: z.union([z.number(), z.string(), z.boolean()]) })),
    error: z.string().nullable(),
  }),
  security: z.object({
    /** nodeGetSecurityModel: the primary model ('' when none) */
    model: z.string().nullable(),
    doi: z.string().nullable(),
    /** capabilities <secmodel> entries (selinux, apparmor, dac …) */
    models: z.array(
      z.object({ model: z.string(), doi: z.string().nullable(), baseLabels: z.array(z.string()) }),
    ),
    /** sVirt: a MAC model (selinux/apparmor) confines guests */
    svirt: z.boolean(),
    error: z.string().nullable(),
  }),
  /** running VMs and their live <seclabel>s */
  labels: z.array(z.object({ uuid: z.string(), name: z.string(), labels: z.array(securityLabelSchema) })),
});
export type HostOverview = z.output<typeof hostOverviewSchema>;

export const readinessItemSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'fail', 'warn', 'skip']),
  reason: z.string(),
  detail: z.string(),
  message: z.string(),
  fix: z.object({ debian: z.array(z.string()), fedora: z.array(z.string()) }).nullable(),
  noteKey: z.enum(['firmware', 'relogin', 'outer-host']).nullable(),
});
export type ReadinessItemView = z.output<typeof readinessItemSchema>;

export const readinessReportSchema = z.object({
  where: z.enum(['local', 'remote']),
  host: z.string(),
  uri: z.string(),
  ok: z.boolean(),
  items: z.array(readinessItemSchema),
  /** when the remote facts could not be collected (ssh failed) */
  factsError: z.string().nullable(),
});
export type ReadinessReportView = z.output<typeof readinessReportSchema>;

export const hostCalls = {
  'host.overview': call(z.object({ connectionId: connectionIdSchema }).strict(), hostOverviewSchema),
  /**
   * The KVM readiness check for the host of a saved connection (works when it fails to connect), or of
   * a URI (first run: `qemu:///system`). qemu+ssh hosts are checked over ssh.
   */
  'host.readiness': call(
    z.union([
      z.object({ connectionId: connectionIdSchema }).strict(),
      z.object({ uri: libvirtUriSchema }).strict(),
    ]),
    readinessReportSchema,
  ),
};

export const hostEvents = {};
