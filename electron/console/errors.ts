import type { ConsoleErrorCode } from '../../shared/contract/consoles.js';

/** An error with a stable `code` the UI can act on (crosses the boundary as RemoteError.code). */
export class ConsoleError extends Error {
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}
