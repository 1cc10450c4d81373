/**
 * Virtual networks (and the storage pools VMs depend on): starting one (with autostart) from the app, and
 * recognising the first trap of a fresh host — a VM that cannot start because the network it is attached
 * to (or the pool of its disk) is defined but not running.
 */
import type { CallOutput } from '../../shared/contract/index.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import {
  DomainXMLFlags,
  ErrorCode,
  libvirtCode,
  type DomainRef,
  type LibvirtClient,
} from '../libvirt/index.js';
import { DomainXml } from '../libvirt-xml/index.js';

export class NetworkService {
  constructor(private readonly connections: ClientSource) {}

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
