import type { ConsoleErrorCode } from '../../shared/contract/consoles.js';
import type { RemoteErrorCode } from '../../shared/contract/index.js';
import { CoreError } from '../base/errors.js';

/**
 * An error with a stable `code` the UI can act on ('SPICE_ONLY', 'VM_NOT_RUNNING', …). It is a CoreError,
 * so the code crosses the boundary as RemoteError.code (RemoteError allows feature-specific codes).
 */
export class ConsoleError extends CoreError {
  override name = 'ConsoleError';
  constructor(code: ConsoleErrorCode, message: string) {
    super(code as RemoteErrorCode, message);
  }
}
