import type { RemoteError, RemoteErrorCode, RemoteRemedy } from '../../shared/contract/index.js';
import { LibvirtConnectionError } from '../libvirt/index.js';

/**
 * An error the main process raises on purpose; its message is meant for the user and its code crosses
 * the boundary as `RemoteError.code`. Here (not in core/) so feature folders can throw it without
 * depending on the core.
 */
export class CoreError extends Error {
  override name = 'CoreError';
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
    readonly issues?: RemoteError['issues'],
    /** A one-click fix the renderer offers (e.g. start the inactive network and retry). */
    readonly remedy?: RemoteRemedy,
    /** For `duplicate`: the id of what is already saved. */
    readonly existingId?: string,
  ) {
    super(message);
  }
}

/**
 * The connection was lost in the middle of a multi-step operation (create, clone): libvirt may have
 * made some of it (a disk being written, a definition) and nothing could be removed. The error names
 * what may be left behind, so it is never left unreported. Other errors pass through unchanged.
 */
export function interruptedError(err: unknown, mayBeLeft: string[]): unknown {
  if (!(err instanceof LibvirtConnectionError) || mayBeLeft.length === 0) return err;
  return new CoreError(
    'connection',
    `${err.message}. The operation was interrupted and may have left behind ${mayBeLeft.join(', ')}; ` +
      'check for it and delete it once the connection is back.',
  );
}
