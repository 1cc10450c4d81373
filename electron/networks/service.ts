/**
 * Virtual networks: starting one (with autostart) from the app, and recognising the first trap of a fresh
 * host — a VM that cannot start because the network it is attached to is defined but not running.
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
 * Starts a domain; when libvirt refuses because a network the VM is attached to is not running
 * (VIR_ERR_OPERATION_INVALID and that network inactive — recognised by state, not by libvirt's English),
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
  if (libvirtCode(e) !== ErrorCode.OPERATION_INVALID) return e;
  const network = await inactiveNetworkOf(c, dom).catch(() => null);
  if (!network) return e;
  return new CoreError(
    'libvirt',
    `Its network '${network}' is not running. (libvirt: ${(e as Error).message})`,
    undefined,
    { kind: 'start-network', connectionId, network },
  );
}
