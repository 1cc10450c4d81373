import type {
  CallInput,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
} from '../../../shared/contract/index.js';
import { bridgeTransport, type Transport, type TransportStatus, type VirtdeskBridge } from './transport.js';
import { WsTransport, takeWebToken, webSocketUrl } from './ws.js';

/** The typed API over any transport. One generic bridge — no code per call. */
export interface Api {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  on<N extends EventName>(name: N, cb: (payload: EventPayload<N>) => void): () => void;
  onStatus(cb: (s: TransportStatus) => void): () => void;
  readonly status: TransportStatus;
}

export const createApi = (transport: Transport): Api => {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  transport.onEvent((name, payload) => {
    const set = listeners.get(name);
    if (set) for (const cb of [...set]) cb(payload);
  });
  return {
    call: (name, input) => transport.call(name, input) as Promise<CallOutput<typeof name>>,
    on: (name, cb) => {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const fn = cb as (p: unknown) => void;
      set.add(fn);
      return () => set.delete(fn);
    },
    onStatus: (cb) => transport.onStatus(cb),
    get status() {
      return transport.status;
    },
  };
};

let api: Api | null = null;
/** Web mode's WebSocket and access token (null in the desktop app). */
let web: { transport: WsTransport; token: string } | null = null;

const sessionStorageOrNull = (): Storage | null => {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage blocked by the browser
  }
};

const webTransport = (): WsTransport => {
  const token = takeWebToken(window.location, window.history, sessionStorageOrNull());
  const transport = new WsTransport({ url: webSocketUrl(window.location, token) });
  web = { transport, token };
  return transport;
};

/**
 * Web mode's credentials for a request beside the WebSocket (a file uploaded from the browser): the
 * access token and this page's session id; null in the desktop app or before the session is ready.
 */
export const webSession = (): { token: string; sessionId: string } | null => {
  getApi();
  const id = web?.transport.sessionId;
  return web && id ? { token: web.token, sessionId: id } : null;
};

/** The process-wide API: Electron bridge when present, else web mode's WebSocket. */
export const getApi = (): Api => {
  if (!api) {
    api = createApi(
      window.virtdesk ? bridgeTransport(window.virtdesk as unknown as VirtdeskBridge) : webTransport(),
    );
  }
  return api;
};

/** For tests and stories: swap in another transport. */
export const setApi = (a: Api): void => {
  api = a;
};
