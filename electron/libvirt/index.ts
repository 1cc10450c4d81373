/**
 * Public entry of the libvirt wire client.
 *
 *   const conn = await openConnection('qemu:///system', { readOnly: false });
 *   const doms = await conn.connectListAllDomains();
 *   conn.on('close', ({ reason }) => …);
 */
import { openConnection as openWireConnection, type OpenOptions } from './connection.js';
import { LibvirtClient } from './client.js';

export type { OpenOptions } from './connection.js';
export { Connection, connectionOverSocket } from './connection.js';
export type { CloseInfo, CloseReason } from './engine.js';
export {
  isLibvirtError,
  libvirtCode,
  LibvirtConnectionError,
  LibvirtError,
  ProtocolError,
  XdrError,
} from './errors.js';
export { withTimeout } from './timeout.js';
export type { LibvirtErrorDetails } from './errors.js';
export { parseLibvirtUri, daemonUriName, type LibvirtUri } from './uri.js';
export * from './client.js';
export * as constants from './protocol/constants.js';
export {
  ConnectListAllDomainsFlags,
  DomainAffect,
  DomainConsoleFlags,
  DomainEventId,
  DomainInterfaceAddressesSource,
  DomainJobType,
  DomainState,
  DomainStatsTypes,
  DomainUndefineFlags,
  DomainXMLFlags,
  ErrorCode,
  KeycodeSet,
  MigrateFlags,
  TypedParamType,
  VIR_NODE_CPU_STATS_ALL_CPUS,
  VIR_NODE_MEMORY_STATS_ALL_CELLS,
} from './protocol/constants.js';
export { procedures, eventMessages } from './protocol/remote.js';
export type { ProcedureName, ProcArgs, ProcRet, EventMessageName } from './protocol/remote.js';

/**
 * Opens a connection (transport, authentication, REMOTE_PROC_CONNECT_OPEN, keepalive) and returns the
 * typed client. Rejects with LibvirtError (the daemon refused) or LibvirtConnectionError (transport).
 */
export async function openConnection(uri: string, opts: OpenOptions = {}): Promise<LibvirtClient> {
  return new LibvirtClient(await openWireConnection(uri, opts));
}
