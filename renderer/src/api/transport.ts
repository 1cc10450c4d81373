import type { RemoteError, VirtdeskApi } from '../../../shared/contract/index.js';

/** Connection state of the transport to the main process / web-mode server. */
export type TransportStatus = 'connecting' | 'open' | 'reconnecting';

/** A generic, untyped transport. The typed client in client.ts sits on top of it. */
export interface Transport {
  call(name: string, input: unknown): Promise<unknown>;
  onEvent(cb: (name: string, payload: unknown) => void): () => void;
  onStatus(cb: (status: TransportStatus) => void): () => void;
  readonly status: TransportStatus;
}

/** An error that came back from the other side; `message` is libvirt's own message when it came from libvirt. */
export class ApiError extends Error {
  readonly code: string | undefined;
  readonly libvirt: RemoteError['libvirt'];
  readonly issues: RemoteError['issues'];
  /** A one-click fix to offer beside the message (see RemoteRemedy). */
  readonly remedy: RemoteError['remedy'];
  readonly existingId: string | undefined;
  constructor(err: RemoteError) {
    super(err.message);
    this.name = 'ApiError';
    this.code = err.code;
    this.libvirt = err.libvirt;
    this.issues = err.issues;
    this.remedy = err.remedy;
    this.existingId = err.existingId;
  }
}

export const toApiError = (raw: unknown): ApiError => {
  if (raw instanceof ApiError) return raw;
  if (raw && typeof raw === 'object' && 'message' in raw && typeof raw.message === 'string') {
    const r = raw as RemoteError;
    return new ApiError({
      message: r.message,
      code: r.code,
      libvirt: r.libvirt,
      issues: r.issues,
      remedy: r.remedy,
      ...(typeof r.existingId === 'string' ? { existingId: r.existingId } : {}),
    });
  }
  return new ApiError({ message: String(raw) });
};

/** The Electron preload bridge (electron/preload.cts), seen untyped by the transport layer. */
export interface VirtdeskBridge {
  call(name: string, input: unknown): Promise<unknown>;
  onEvent(cb: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    virtdesk?: VirtdeskApi;
  }
}

/** Electron: the preload's contextBridge. Always "open". */
export const bridgeTransport = (bridge: VirtdeskBridge): Transport => ({
  status: 'open',
  call: async (name, input) => {
    try {
      return await bridge.call(name, input);
    } catch (e) {
      throw toApiError(e);
    }
  },
  onEvent: (cb) => bridge.onEvent(cb),
  onStatus: () => () => {},
});
