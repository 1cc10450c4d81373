import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema } from '../model/index.js';

/** A libvirt network name as the renderer may send it. */
export const networkNameSchema = z.string().min(1).max(256);

/** A name for a new network: what libvirt and the bridge/dnsmasq files it derives from it accept. */
export const newNetworkNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, {
    message: 'Use letters, digits and . _ + - only, starting with a letter or digit',
  });

/** A Linux interface name (bridge, NIC): at most 15 characters, no slash or blank. */
export const ifaceNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(15)
  .regex(/^[A-Za-z0-9_.:-]+$/, { message: 'Use letters, digits and . _ : - only (at most 15)' });

const macSchema = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, { message: 'A MAC address looks like 52:54:00:12:34:56' });
const hostnameSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, { message: 'Use letters, digits, dots and dashes' });
const ipTextSchema = z.string().trim().min(1).max(64);

export const networkKindSchema = z.enum(['nat', 'route', 'isolated', 'open', 'bridge', 'macvtap']);
export type NetworkKind = z.infer<typeof networkKindSchema>;
export const macvtapModeSchema = z.enum(['bridge', 'private', 'vepa', 'passthrough']);

/** An address block of a new network: the host's address on it, the prefix, an optional DHCP range. */
export const ipBlockSchema = z
  .object({
    address: ipTextSchema,
    prefix: z.number().int().min(1).max(128),
    dhcp: z.object({ start: ipTextSchema, end: ipTextSchema }).nullable().default(null),
  })
  .strict();

/** The New network dialog's input (checked again in the main process against the host: see service.ts). */
export const networkCreateSchema = z
  .object({
    connectionId: connectionIdSchema,
    name: newNetworkNameSchema,
    kind: networkKindSchema,
    /** nat/route/open/isolated: the bridge libvirt creates; empty = libvirt picks virbrN. */
    bridgeName: ifaceNameSchema.nullable().default(null),
    /** nat/route: forward only through this host interface; null = any. */
    forwardDev: ifaceNameSchema.nullable().default(null),
    /** bridge: the existing host bridge guests join. */
    hostBridge: ifaceNameSchema.nullable().default(null),
    /** macvtap: the host interface and macvtap's mode. */
    macvtapDev: ifaceNameSchema.nullable().default(null),
    macvtapMode: macvtapModeSchema.default('bridge'),
    ipv4: ipBlockSchema.nullable().default(null),
    ipv6: ipBlockSchema.nullable().default(null),
    /** Start it now, and with the host. */
    start: z.boolean().default(true),
    autostart: z.boolean().default(true),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === 'bridge' && !v.hostBridge)
      ctx.addIssue({ code: 'custom', path: ['hostBridge'], message: 'Choose the host bridge guests join' });
    if (v.kind === 'macvtap' && !v.macvtapDev)
      ctx.addIssue({ code: 'custom', path: ['macvtapDev'], message: 'Choose the host interface' });
    if (v.kind === 'open' && !v.ipv4 && !v.ipv6)
      ctx.addIssue({ code: 'custom', path: ['ipv4'], message: 'An open network needs an address' });
  });

const dhcpHostSchema = z
  .object({
    mac: macSchema.nullable().default(null),
    name: hostnameSchema.nullable().default(null),
    ip: ipTextSchema,
  })
  .strict()
  .refine((h) => h.mac !== null || h.name !== null, {
    message: 'Give a MAC address or a host name',
    path: ['mac'],
  });
const dnsHostSchema = z
  .object({ ip: ipTextSchema, hostnames: z.array(hostnameSchema).min(1).max(16) })
  .strict();

export const networkSummarySchema = z.object({
  name: z.string(),
  uuid: z.string(),
  active: z.boolean(),
  persistent: z.boolean(),
  autostart: z.boolean(),
  /** 'nat', 'route', 'open', 'bridge', 'private', 'vepa', 'passthrough', 'hostdev'…; null = isolated. */
  forwardMode: z.string().nullable(),
  /** The bridge (its own, or the host's for bridge networks); null for macvtap. */
  bridge: z.string().nullable(),
  /** forward dev / macvtap interfaces. */
  devices: z.array(z.string()),
  ips: z.array(
    z.object({
      family: z.enum(['ipv4', 'ipv6']),
      address: z.string().nullable(),
      prefix: z.number().nullable(),
      dhcpRanges: z.array(z.object({ start: z.string(), end: z.string() })),
    }),
  ),
  /** VMs with an interface of type network on it (persistent or live definition). */
  vms: z.array(z.object({ name: z.string(), uuid: z.string(), mac: z.string().nullable() })),
});
export type NetworkSummary = z.infer<typeof networkSummarySchema>;

export const dhcpLeaseSchema = z.object({
  mac: z.string().nullable(),
  ip: z.string(),
  prefix: z.number(),
  family: z.enum(['ipv4', 'ipv6']),
  hostname: z.string().nullable(),
  /** Unix seconds; 0 = never expires. */
  expiry: z.number(),
  /** The VM whose interface has that MAC, if any. */
  vm: z.string().nullable(),
});
export type DhcpLeaseInfo = z.infer<typeof dhcpLeaseSchema>;

export const networkDetailsSchema = networkSummarySchema.extend({
  domainName: z.string().nullable(),
  dhcpHosts: z.array(
    z.object({ mac: z.string().nullable(), name: z.string().nullable(), ip: z.string().nullable() }),
  ),
  dnsHosts: z.array(z.object({ ip: z.string(), hostnames: z.array(z.string()) })),
  leases: z.array(dhcpLeaseSchema),
});
export type NetworkDetails = z.infer<typeof networkDetailsSchema>;

export const hostInterfaceSchema = z.object({
  name: z.string(),
  mac: z.string(),
  /** 'ethernet', 'bridge', 'bond', 'vlan', … (libvirt's interface XML type). */
  type: z.string(),
  active: z.boolean(),
});
export type HostInterface = z.infer<typeof hostInterfaceSchema>;

const ref = z.object({ connectionId: connectionIdSchema, name: networkNameSchema }).strict();
/** How an entry change was applied: to the running network too, or to its definition only. */
const updateOutput = z.object({ live: z.boolean() });

/** RemoteRemedy (index.ts) as a schema, for outputs that carry one. */
export const remedySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start-network'), connectionId: z.string(), network: z.string() }),
  z.object({ kind: z.literal('start-pool'), connectionId: z.string(), pool: z.string() }),
]);

export const networkCalls = {
  /** Every network of the connection with what the list shows. */
  'networks.list': call(
    z.object({ connectionId: connectionIdSchema }).strict(),
    z.object({ networks: z.array(networkSummarySchema) }),
  ),
  /** One network with its static DHCP hosts, DNS hosts and (when running) DHCP leases. */
  'networks.get': call(ref, networkDetailsSchema),
  /**
   * Defines a network (checked first: name free, addresses and DHCP range inside the subnet, no overlap
   * with another network, host bridge/interface present), then starts it and sets autostart when asked.
   * A start that fails undefines it again: nothing is left half-created.
   */
  'networks.create': call(networkCreateSchema, z.object({ name: z.string(), active: z.boolean() })),
  'networks.stop': call(ref, z.object({ name: z.string(), active: z.boolean() })),
  'networks.setAutostart': call(
    ref.extend({ autostart: z.boolean() }).strict(),
    z.object({ name: z.string(), autostart: z.boolean() }),
  ),
  /** Stops the network when it runs, then removes its definition. */
  'networks.delete': call(ref, z.object({ name: z.string() })),
  /** Adds or removes a static DHCP host entry, live (when running) and in the definition. */
  'networks.dhcpHost': call(
    ref.extend({ op: z.enum(['add', 'remove']), host: dhcpHostSchema }).strict(),
    updateOutput,
  ),
  /**
   * Changes the start and end of one DHCP range (IPv4 or IPv6: the `<ip>` block holding `old` decides,
   * and is virNetworkUpdate's parent index), live (when running) and in the definition. libvirt
   * cannot modify a range in place (9.0 refuses VIR_NETWORK_UPDATE_COMMAND_MODIFY for ranges), so the new
   * range is added, then the old one deleted; if the delete fails, the new one is deleted again.
   * Refused, at the field, when the range leaves the subnet, ends before it starts, or holds a static
   * host's address or overlaps another range, or is of the other family or larger than libvirt allows
   * (start and end differing beyond their last 16 bits).
   */
  'networks.dhcpRange': call(
    ref
      .extend({
        /** The range as it is now (how libvirt finds it). */
        old: z.object({ start: ipTextSchema, end: ipTextSchema }).strict(),
        range: z.object({ start: ipTextSchema, end: ipTextSchema }).strict(),
      })
      .strict(),
    updateOutput,
  ),
  /** Adds or removes a DNS host entry, live (when running) and in the definition. */
  'networks.dnsHost': call(
    ref.extend({ op: z.enum(['add', 'remove']), host: dnsHostSchema }).strict(),
    updateOutput,
  ),
  /**
   * The host's interfaces and bridges (read-only, libvirt's interface driver). `unavailable` says why the
   * list is empty when that driver is missing on the host.
   */
  'networks.hostInterfaces': call(
    z.object({ connectionId: connectionIdSchema }).strict(),
    z.object({ interfaces: z.array(hostInterfaceSchema), unavailable: z.string().nullable() }),
  ),
  /**
   * Starts a defined network (idempotent: an active one stays as it is) and, with `autostart`, marks it
   * to start with the host, so the first VM on a fresh host does not hit "network 'default' is not
   * active" again after a reboot.
   */
  'networks.start': call(
    z
      .object({
        connectionId: connectionIdSchema,
        name: networkNameSchema,
        autostart: z.boolean().default(true),
      })
      .strict(),
    z.object({ name: z.string(), active: z.boolean(), autostart: z.boolean() }),
  ),
  /** The same for a storage pool a VM's disk lives in (a VM cannot start while its pool is stopped). */
  'pools.start': call(
    z
      .object({
        connectionId: connectionIdSchema,
        name: networkNameSchema,
        autostart: z.boolean().default(true),
      })
      .strict(),
    z.object({ name: z.string(), active: z.boolean(), autostart: z.boolean() }),
  ),
};

export const networkEvents = {
  /** A network of the connection was defined, undefined, started or stopped (libvirt's lifecycle event). */
  'networks.changed': z.object({ connectionId: connectionIdSchema }),
};
