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
  LibvirtCallTimeoutError,
  LibvirtConnectionError,
  LibvirtError,
  ProtocolError,
  XdrError,
  isLibvirtError,
  libvirtCode,
} from './errors.js';
export { withTimeout } from './timeout.js';
export { isReadProcedure } from './deadlines.js';
export type { RpcCallOptions } from './rpc-core.js';
export { MAX_SCREENSHOT_BYTES, type DownloadStream } from './api/streams.js';
export type { LibvirtErrorDetails } from './errors.js';
export { parseLibvirtUri, daemonUriName, redactUri, type LibvirtUri } from './uri.js';
export * from './client.js';
export * as constants from './protocol/constants.js';
// Every libvirt number by its libvirt name (VIR_DOMAIN_SHUTOFF, VIR_ERR_NO_DOMAIN…) and the grouped objects.
export * from './protocol/constants.js';
export { procedures, eventMessages } from './protocol/remote.js';
export type { ProcedureName, ProcArgs, ProcRet, EventMessageName } from './protocol/remote.js';

export interface ClientOptions extends OpenOptions {
  /** Deadline (ms) of every read-only call (see LibvirtClient.setReadTimeout); default none. */
  readTimeoutMs?: number;
}

/**
 * Opens a connection (transport, authentication, REMOTE_PROC_CONNECT_OPEN, keepalive) and returns the
 * typed client. Rejects with LibvirtError (the daemon refused) or LibvirtConnectionError (transport).
 */
export async function openConnection(uri: string, opts: ClientOptions = {}): Promise<LibvirtClient> {
  const client = new LibvirtClient(await openWireConnection(uri, opts));
  if (opts.readTimeoutMs) client.setReadTimeout(opts.readTimeoutMs);
  return client;
}
