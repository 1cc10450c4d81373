import type { RemoteError, RemoteErrorCode } from '../../shared/contract/index.js';

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
  ) {
    super(message);
  }
}
