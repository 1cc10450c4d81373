import {
  BROWSER_UPLOAD_PATH,
  BROWSER_UPLOAD_SESSION_HEADER,
  type TransferResult,
} from '../../../../shared/contract/storage.js';
import { webSession } from '../../api/client.js';
import { ApiError, toApiError } from '../../api/transport.js';

/**
 * Web mode: uploads a file of the browser's own computer (picked with a file input) into a new volume.
 * The browser streams the File from its disk as the request body; the server pipes it into libvirt
 * (the same upload as storage.upload), with progress events and Cancel through this page's session.
 */
export async function uploadFromBrowser(
  file: File,
  input: { connectionId: string; pool: string; volume: string; transferId: string; verify: boolean },
): Promise<TransferResult> {
  const session = webSession();
  if (!session)
    throw new ApiError({
      message: 'Not connected to VirtDesk yet: try again in a moment.',
      code: 'TRANSPORT',
    });
  const query = new URLSearchParams({
    connectionId: input.connectionId,
    pool: input.pool,
    volume: input.volume,
    transferId: input.transferId,
    verify: input.verify ? '1' : '0',
    fileName: file.name,
  });
  let res: Response;
  try {
    res = await fetch(`${BROWSER_UPLOAD_PATH}?${query.toString()}`, {
      method: 'POST',
      body: file,
      headers: {
        Authorization: `Bearer ${session.token}`,
        [BROWSER_UPLOAD_SESSION_HEADER]: session.sessionId,
        'Content-Type': 'application/octet-stream',
      },
    });
  } catch {
    // Cancel closes the request from the server's side; so does a lost connection.
    throw new ApiError({
      message: `The upload of ${file.name} stopped (cancelled, or the connection to VirtDesk was lost); nothing was kept.`,
      code: 'cancelled',
    });
  }
  const body = (await res.json().catch(() => null)) as {
    ok?: boolean;
    value?: TransferResult;
    error?: unknown;
  } | null;
  if (body?.ok && body.value) return body.value;
  throw toApiError(body?.error ?? { message: `VirtDesk refused the upload (HTTP ${res.status}).` });
}
