/**
 * Virtual networks (and the storage pools VMs depend on): the Networks page (list, details with leases,
 * create, start/stop/autostart/delete, static DHCP and DNS host entries changed live), starting one (with
 * autostart) from the app, and recognising the first trap of a fresh host — a VM that cannot start because
 * the network it is attached to (or the pool of its disk) is defined but not running.
 */
import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type { CallOutput, Calls } from '../../shared/contract/index.js';
import type { NetworkSummary } from '../../shared/contract/networks.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import {
  DomainXMLFlags,
  ErrorCode,
  VIR_NETWORK_XML_INACTIVE,
  libvirtCode,
  NetworkUpdateCommand,
  NetworkUpdateFlags,
  NetworkUpdateSection,
  type DomainRef,
  type LibvirtClient,
  type NetworkRef,
} from '../libvirt/index.js';
import {
  attr,
  DomainXml,
  NetworkXml,
  parseXml,
  dhcpHostXml,
  dhcpRangeXml,
  dnsHostXml,
  newNetworkXml,
  type NewNetworkSpec,
} from '../libvirt-xml/index.js';
import { checkDhcpRange } from './dhcp-range.js';
import { checkNewNetwork, type ExistingBlock, type NetworkCreateInput } from './validate.js';

/** A VM's interface on a network. */
interface Attachment {
  network: string;
  vm: { name: string; uuid: string; mac: string | null };
}

/** The network interfaces of every VM (persistent and live definitions), by network. */
async function attachments(c: LibvirtClient): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const dom of await c.connectListAllDomains()) {
    const seen = new Set<string>();
    for (const flags of dom.id >= 0 ? [0, DomainXMLFlags.INACTIVE] : [0]) {
      const xml = await c
        .domainGetXMLDesc(dom, flags)
        .then((x) => DomainXml.parse(x))
        .catch(() => null);
      for (const nic of xml?.interfaces ?? []) {
        if (nic.type !== 'network' || !nic.source) continue;
        const key = `${nic.source}\u0000${nic.mac ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ network: nic.source, vm: { name: dom.name, uuid: dom.uuid, mac: nic.mac } });
      }
    }
  }
  return out;
}

/** A network's summary from its description and flags. */
function summarize(
  net: NetworkRef,
  xml: NetworkXml,
  flags: { active: boolean; persistent: boolean; autostart: boolean },
  attached: Attachment[],
): NetworkSummary {
  const forwardMode = xml.forwardMode;
  const devices = [...new Set([xml.forwardDev, ...xml.forwardInterfaces].filter((d): d is string => !!d))];
  return {
    name: net.name,
    uuid: net.uuid,
    ...flags,
    forwardMode,
    bridge: xml.bridge,
    devices,
    ips: xml.ips.map(({ family, address, prefix, dhcpRanges }) => ({ family, address, prefix, dhcpRanges })),
    vms: attached.filter((a) => a.network === net.name).map((a) => a.vm),
  };
}

/** The builder's spec of a checked create input. */
function specOf(input: NetworkCreateInput): NewNetworkSpec {
  if (input.kind === 'bridge')
    return { kind: 'bridge', name: input.name, hostBridge: input.hostBridge ?? '' };
  if (input.kind === 'macvtap')
    return {
      kind: 'macvtap',
      name: input.name,
      macvtap: { mode: input.macvtapMode, dev: input.macvtapDev ?? '' },
    };
  return {
    kind: input.kind,
    name: input.name,
    bridgeName: input.bridgeName,
    forwardDev: input.kind === 'isolated' ? null : input.forwardDev,
    ipv4: input.ipv4,
    ipv6: input.ipv6,
  };
}

const notFound = (name: string) => (e: unknown) => {
  if (libvirtCode(e) === ErrorCode.NO_NETWORK)
    throw new CoreError('not-found', `There is no network '${name}' on this connection`);
  throw e;
};

/** A call's input after the contract's schema parsed it (defaults filled in). */
type Parsed<N extends keyof Calls> = z.output<Calls[N]['input']>;

export interface NetworkServiceEvents {
  /** A network of the connection was defined, undefined, started or stopped. */
  changed: [connectionId: string];
}

export class NetworkService extends EventEmitter<NetworkServiceEvents> {
  constructor(private readonly connections: ClientSource) {
    super();
  }

  /** Follows the connection's network lifecycle events (when the daemon has them). */
  attach(connectionId: string, client: LibvirtClient): void {
    client.on('networkEvent', () => this.emit('changed', connectionId));
    client.subscribeNetworkEvents().catch((e: unknown) => {
      console.warn(`virtdesk: network events of ${connectionId} unavailable:`, e);
    });
  }

  private lookup(c: LibvirtClient, name: string): Promise<NetworkRef> {
    return c.networkLookupByName(name).catch(notFound(name));
  }

  /** `users: false` leaves out the VMs attached (no domain XML is read), for pickers that do not show them. */
  async list(connectionId: string, { users = true } = {}): Promise<CallOutput<'networks.list'>> {
    const c = this.connections.getClient(connectionId);
    const [nets, attached] = await Promise.all([c.connectListAllNetworks(), users ? attachments(c) : []]);
    const networks: NetworkSummary[] = [];
    for (const net of nets) {
      // A network undefined between the list and these reads is simply left out.
      const one = await this.summaryOf(c, net, attached).catch(() => null);
      if (one) networks.push(one.summary);
    }
    networks.sort((a, b) => a.name.localeCompare(b.name));
    return { networks };
  }

  private async summaryOf(
    c: LibvirtClient,
    net: NetworkRef,
    attached: Attachment[],
  ): Promise<{ summary: NetworkSummary; xml: NetworkXml }> {
    const [active, persistent, autostart, text] = await Promise.all([
      c.networkIsActive(net),
      c.networkIsPersistent(net),
      c.networkGetAutostart(net),
      c.networkGetXMLDesc(net),
    ]);
    const xml = NetworkXml.parse(text);
    return { summary: summarize(net, xml, { active, persistent, autostart }, attached), xml };
  }

  async get(connectionId: string, name: string): Promise<CallOutput<'networks.get'>> {
    const c = this.connections.getClient(connectionId);
    const net = await this.lookup(c, name);
    const attached = await attachments(c);
    const { summary, xml } = await this.summaryOf(c, net, attached);
    const vmByMac = new Map(
      attached.filter((a) => a.vm.mac).map((a) => [a.vm.mac!.toLowerCase(), a.vm.name] as const),
    );
    const leases = summary.active
      ? (await c.networkGetDHCPLeases(net)).map((l) => ({
          mac: l.mac,
          ip: l.ipaddr,
          prefix: l.prefix,
          family: l.type,
          hostname: l.hostname,
          expiry: l.expirytime,
          vm: (l.mac && vmByMac.get(l.mac.toLowerCase())) ?? null,
        }))
      : [];
    return {
      ...summary,
      domainName: xml.domainName,
      dhcpHosts: xml.ips.flatMap((ip) => ip.dhcpHosts),
      dnsHosts: xml.dnsHosts,
      leases,
    };
  }

  /** The host's interfaces, or why libvirt cannot list them. */
  async hostInterfaces(connectionId: string): Promise<CallOutput<'networks.hostInterfaces'>> {
    const c = this.connections.getClient(connectionId);
    try {
      const refs = await c.connectListAllInterfaces();
      const interfaces = [];
      for (const ref of refs) {
        const type = await c
          .interfaceGetXMLDesc(ref)
          .then((xml) => attr(parseXml(xml), 'type'))
          .catch(() => null);
        interfaces.push({ name: ref.name, mac: ref.mac, type: type ?? 'ethernet', active: true });
      }
      const inactive = await c.connectListAllInterfaces(1).catch(() => []);
      for (const i of interfaces) if (inactive.some((x) => x.name === i.name)) i.active = false;
      interfaces.sort((a, b) => a.name.localeCompare(b.name));
      return { interfaces, unavailable: null };
    } catch (e) {
      if (libvirtCode(e) === ErrorCode.NO_SUPPORT || libvirtCode(e) === ErrorCode.INTERNAL_ERROR)
        return {
          interfaces: [],
          unavailable: `This host's libvirt cannot list its interfaces (${(e as Error).message})`,
        };
      throw e;
    }
  }

  async create(parsed: NetworkCreateInput): Promise<CallOutput<'networks.create'>> {
    const c = this.connections.getClient(parsed.connectionId);
    const nets = await c.connectListAllNetworks();
    const blocks: ExistingBlock[] = [];
    const bridges: { network: string; bridge: string }[] = [];
    for (const net of nets) {
      const xml = await c
        .networkGetXMLDesc(net)
        .then((x) => NetworkXml.parse(x))
        .catch(() => null);
      // Host-bridge networks name the host's bridge, which many may share; libvirt's own bridges are one each.
      if (xml?.bridge && xml.forwardMode !== 'bridge')
        bridges.push({ network: net.name, bridge: xml.bridge });
      for (const ip of xml?.ips ?? [])
        if (ip.address && ip.prefix !== null)
          blocks.push({
            network: net.name,
            family: ip.family,
            address: ip.address,
            prefix: ip.prefix,
            dhcpRanges: ip.dhcpRanges,
          });
    }
    const host = await this.hostInterfaces(parsed.connectionId).catch(() => null);
    const refusals = checkNewNetwork(
      parsed,
      { names: nets.map((n) => n.name), blocks, bridges },
      host && !host.unavailable ? host.interfaces : null,
    );
    if (refusals.length > 0) throw new CoreError('invalid-input', refusals[0]!.message, refusals);
    const net = await c.networkDefineXML(newNetworkXml(specOf(parsed)));
    if (parsed.start) {
      try {
        await c.networkCreate(net);
      } catch (e) {
        // Nothing half-created: the definition goes again, and the reason is libvirt's.
        await c.networkUndefine(net).catch(() => undefined);
        throw new CoreError(
          'libvirt',
          `The network '${parsed.name}' could not start, so it was not kept. (libvirt: ${(e as Error).message})`,
        );
      }
    }
    if (parsed.autostart) await c.networkSetAutostart(net, true);
    return { name: parsed.name, active: await c.networkIsActive(net) };
  }

  async stop(connectionId: string, name: string): Promise<CallOutput<'networks.stop'>> {
    const c = this.connections.getClient(connectionId);
    const net = await this.lookup(c, name);
    if (await c.networkIsActive(net)) await c.networkDestroy(net);
    return { name, active: await c.networkIsActive(net).catch(() => false) };
  }

  async setAutostart(
    connectionId: string,
    name: string,
    autostart: boolean,
  ): Promise<CallOutput<'networks.setAutostart'>> {
    const c = this.connections.getClient(connectionId);
    const net = await this.lookup(c, name);
    await c.networkSetAutostart(net, autostart);
    return { name, autostart: await c.networkGetAutostart(net) };
  }

  /** Stops (when running) and undefines; a transient network is gone once stopped. */
  async delete(connectionId: string, name: string): Promise<CallOutput<'networks.delete'>> {
    const c = this.connections.getClient(connectionId);
    const net = await this.lookup(c, name);
    const persistent = await c.networkIsPersistent(net);
    if (await c.networkIsActive(net)) await c.networkDestroy(net);
    if (persistent) await c.networkUndefine(net);
    return { name };
  }

  /** Applies one entry change live (when running) and to the definition. */
  private async update(
    connectionId: string,
    name: string,
    op: 'add' | 'remove',
    section: number,
    xml: string,
  ): Promise<CallOutput<'networks.dhcpHost'>> {
    const c = this.connections.getClient(connectionId);
    const net = await this.lookup(c, name);
    const live = await c.networkIsActive(net);
    const flags = NetworkUpdateFlags.AFFECT_CONFIG | (live ? NetworkUpdateFlags.AFFECT_LIVE : 0);
    const command = op === 'add' ? NetworkUpdateCommand.ADD_LAST : NetworkUpdateCommand.DELETE;
    await c.networkUpdate(net, command, section, xml, flags);
    return { live };
  }

  dhcpHost(input: Parsed<'networks.dhcpHost'>): Promise<CallOutput<'networks.dhcpHost'>> {
    const h = input.host;
    return this.update(
      input.connectionId,
      input.name,
      input.op,
      NetworkUpdateSection.IP_DHCP_HOST,
      dhcpHostXml({ mac: h.mac?.toLowerCase() ?? null, name: h.name, ip: h.ip }),
    );
  }

  /**
   * See 'networks.dhcpRange'. libvirt has no in-place change of a range, so: add the new one, then delete
   * the old one, each live and in the definition together; a failed delete takes the new range out
   * again, so the network never keeps both.
   */
  async dhcpRange(input: Parsed<'networks.dhcpRange'>): Promise<CallOutput<'networks.dhcpRange'>> {
    const c = this.connections.getClient(input.connectionId);
    const net = await this.lookup(c, input.name);
    const live = await c.networkIsActive(net);
    // The definition is what both changes must fit (the live one equals it unless edited elsewhere).
    const xml = NetworkXml.parse(await c.networkGetXMLDesc(net, live ? 0 : VIR_NETWORK_XML_INACTIVE));
    const check = checkDhcpRange(xml.ips, input.old, input.range);
    if (!check.ok) throw new CoreError('invalid-input', check.issues[0]!.message, check.issues);
    if (input.old.start === input.range.start && input.old.end === input.range.end) return { live };
    const flags = NetworkUpdateFlags.AFFECT_CONFIG | (live ? NetworkUpdateFlags.AFFECT_LIVE : 0);
    const apply = (command: number, r: { start: string; end: string }): Promise<void> =>
      c.networkUpdate(net, command, NetworkUpdateSection.IP_DHCP_RANGE, dhcpRangeXml(r), flags, check.index);
    const what = `the DHCP range of network '${input.name}'`;
    await apply(NetworkUpdateCommand.ADD_LAST, input.range).catch((e: unknown) => {
      throw new CoreError('libvirt', `Could not change ${what} (libvirt: ${(e as Error).message})`);
    });
    try {
      await apply(NetworkUpdateCommand.DELETE, input.old);
    } catch (e) {
      const undone = await apply(NetworkUpdateCommand.DELETE, input.range).then(
        () => true,
        () => false,
      );
      throw new CoreError(
        'libvirt',
        `Could not change ${what}: ${undone ? 'it is unchanged' : `it now has both ${input.old.start}–${input.old.end} and ${input.range.start}–${input.range.end}`} (libvirt: ${(e as Error).message})`,
      );
    }
    this.emit('changed', input.connectionId);
    return { live };
  }

  dnsHost(input: Parsed<'networks.dnsHost'>): Promise<CallOutput<'networks.dnsHost'>> {
    return this.update(
      input.connectionId,
      input.name,
      input.op,
      NetworkUpdateSection.DNS_HOST,
      dnsHostXml(input.host),
    );
  }

  /** Starts `name` unless it runs already, then sets its autostart flag when asked to. */
  async start(connectionId: string, name: string, autostart: boolean): Promise<CallOutput<'networks.start'>> {
    const c = this.connections.getClient(connectionId);
    const net = await c.networkLookupByName(name).catch((e: unknown) => {
      if (libvirtCode(e) === ErrorCode.NO_NETWORK)
        throw new CoreError('not-found', `There is no network '${name}' on this connection`);
      throw e;
    });
    if (!(await c.networkIsActive(net))) await c.networkCreate(net);
    if (autostart) await c.networkSetAutostart(net, true);
    return { name, active: await c.networkIsActive(net), autostart: await c.networkGetAutostart(net) };
  }

  /** Starts the storage pool `name` unless it runs already, then sets its autostart flag when asked to. */
  async startPool(
    connectionId: string,
    name: string,
    autostart: boolean,
  ): Promise<CallOutput<'pools.start'>> {
    const c = this.connections.getClient(connectionId);
    const pool = await c.storagePoolLookupByName(name).catch((e: unknown) => {
      if (libvirtCode(e) === ErrorCode.NO_STORAGE_POOL)
        throw new CoreError('not-found', `There is no storage pool '${name}' on this connection`);
      throw e;
    });
    if (!(await c.storagePoolIsActive(pool))) await c.storagePoolCreate(pool, 0);
    if (autostart) await c.storagePoolSetAutostart(pool, true);
    return {
      name,
      active: await c.storagePoolIsActive(pool),
      autostart: await c.storagePoolGetAutostart(pool),
    };
  }
}

/**
 * The first storage pool a disk of the domain's definition is a volume of (`<disk type='volume'>`) that
 * is not running, or null.
 */
export async function inactivePoolOf(c: LibvirtClient, dom: DomainRef): Promise<string | null> {
  const xml = DomainXml.parse(await c.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
  for (const disk of xml.disks) {
    if (disk.type !== 'volume' || !disk.pool) continue;
    const pool = await c.storagePoolLookupByName(disk.pool).catch(() => null);
    if (pool && !(await c.storagePoolIsActive(pool).catch(() => true))) return disk.pool;
  }
  return null;
}

/**
 * The first network the domain's definition attaches to that is not running, or null. Read from the
 * persistent definition: that is what a start uses.
 */
export async function inactiveNetworkOf(c: LibvirtClient, dom: DomainRef): Promise<string | null> {
  const xml = DomainXml.parse(await c.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
  for (const nic of xml.interfaces) {
    if (nic.type !== 'network' || !nic.source) continue;
    const net = await c.networkLookupByName(nic.source).catch(() => null);
    if (net && !(await c.networkIsActive(net).catch(() => true))) return nic.source;
  }
  return null;
}

/**
 * Starts a domain; when libvirt refuses because a network the VM is attached to (or a pool its disk is
 * a volume of) is not running
 * (VIR_ERR_OPERATION_INVALID and that network inactive; VIR_ERR_CONFIG_UNSUPPORTED and that pool
 * inactive — recognised by code and state, not by libvirt's English),
 * the error says so in plain words and carries the one-click fix "start the network and retry".
 */
export async function startDomain(c: LibvirtClient, connectionId: string, dom: DomainRef): Promise<void> {
  try {
    await c.domainCreate(dom);
  } catch (e) {
    throw await explainStartFailure(c, connectionId, dom, e);
  }
}

/** `e` (a failed domainCreate) as the user should see it: see startDomain. */
export async function explainStartFailure(
  c: LibvirtClient,
  connectionId: string,
  dom: DomainRef,
  e: unknown,
): Promise<unknown> {
  const code = libvirtCode(e);
  // libvirt reports a stopped network as OPERATION_INVALID, a volume of a stopped pool as CONFIG_UNSUPPORTED.
  if (code !== ErrorCode.OPERATION_INVALID && code !== ErrorCode.CONFIG_UNSUPPORTED) return e;
  const network =
    code === ErrorCode.OPERATION_INVALID ? await inactiveNetworkOf(c, dom).catch(() => null) : null;
  if (!network) {
    const pool = await inactivePoolOf(c, dom).catch(() => null);
    if (!pool) return e;
    return new CoreError(
      'libvirt',
      `Its storage pool '${pool}' is not running. (libvirt: ${(e as Error).message})`,
      undefined,
      { kind: 'start-pool', connectionId, pool },
    );
  }
  return new CoreError(
    'libvirt',
    `Its network '${network}' is not running. (libvirt: ${(e as Error).message})`,
    undefined,
    { kind: 'start-network', connectionId, network },
  );
}
