/**
 * The narrow views of the saved connections that services depend on (the core's ConnectionManager
 * implements them), so a service can be built and tested without the whole connection manager.
 */
import type { LibvirtClient } from '../libvirt/index.js';

/** Opens a libvirt connection (the wire client's `openConnection`, or a test double). */
export type OpenConnectionFn = (uri: string) => Promise<LibvirtClient>;

/** The live client of a connected connection; throws CoreError 'not-found' / 'not-connected'. */
export interface ClientSource {
  getClient(connectionId: string): LibvirtClient;
}

/** A `ClientSource` that also knows each saved connection's URI (throws 'not-found' for unknown ids). */
export interface ConnectionDirectory extends ClientSource {
  entry(connectionId: string): { readonly uri: string };
}
