import { ApiError, toApiError, type Transport, type TransportStatus } from './transport.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface WsTransportOptions {
  /** Full ws:// URL including the token. */
  url: string;
  /** Reconnect back-off bounds in ms. */
  minDelay?: number;
  maxDelay?: number;
  WebSocketImpl?: typeof WebSocket;
}

/**
 * Web mode: JSON frames over one WebSocket. `{t:'call', id, name, input}` → `{t:'result', id, ok, value|error}`,
 * `{t:'event', name, payload}`. Reconnects with back-off; calls made while disconnected wait for the socket,
 * calls in flight when it drops fail (the caller may retry — the main process may or may not have run them).
 */
export class WsTransport implements Transport {
  status: TransportStatus = 'connecting';
  /** The server's id of this page's session (its 'ready' frame); null until then. */
  sessionId: string | null = null;
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: string[] = [];
  private readonly eventCbs = new Set<(name: string, payload: unknown) => void>();
  private readonly statusCbs = new Set<(s: TransportStatus) => void>();
  private delay: number;
  private everOpened = false;
  private readonly opts: Required<Omit<WsTransportOptions, 'WebSocketImpl'>> & {
    WebSocketImpl: typeof WebSocket;
  };

  constructor(opts: WsTransportOptions) {
    this.opts = { minDelay: 250, maxDelay: 5000, WebSocketImpl: WebSocket, ...opts };
    this.delay = this.opts.minDelay;
    this.connect();
  }

  private setStatus(s: TransportStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const cb of this.statusCbs) cb(s);
  }

  private connect(): void {
    // Marks for the UI benchmark (tests/bench/ui.bench.ts): when the page starts talking to VirtDesk.
    if (!this.everOpened) performance.mark('virtdesk:ws-connect');
    const ws = new this.opts.WebSocketImpl(this.opts.url);
    this.ws = ws;
    ws.onopen = () => {
      this.delay = this.opts.minDelay;
      this.everOpened = true;
      this.setStatus('open');
      for (const frame of this.queue.splice(0)) ws.send(frame);
    };
    ws.onmessage = (ev: MessageEvent) => this.onFrame(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const [, p] of this.pending)
        p.reject(new ApiError({ message: 'Connection to VirtDesk lost', code: 'TRANSPORT' }));
      this.pending.clear();
      this.queue.length = 0;
      this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, this.opts.maxDelay);
    };
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: {
      t?: string;
      sessionId?: unknown;
      id?: number;
      ok?: boolean;
      value?: unknown;
      error?: unknown;
      name?: string;
      payload?: unknown;
    };
    try {
      msg = JSON.parse(data) as typeof msg;
    } catch {
      return;
    }
    if (msg.t === 'result' && typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(toApiError(msg.error));
    } else if (msg.t === 'ready' && typeof msg.sessionId === 'string') {
      this.sessionId = msg.sessionId;
    } else if (msg.t === 'event' && typeof msg.name === 'string') {
      for (const cb of this.eventCbs) cb(msg.name, msg.payload);
    }
  }

  call(name: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    const frame = JSON.stringify({ t: 'call', id, name, input });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.ws && this.ws.readyState === 1) this.ws.send(frame);
      else this.queue.push(frame);
    });
  }

  onEvent(cb: (name: string, payload: unknown) => void): () => void {
    this.eventCbs.add(cb);
    return () => this.eventCbs.delete(cb);
  }

  onStatus(cb: (s: TransportStatus) => void): () => void {
    this.statusCbs.add(cb);
    return () => this.statusCbs.delete(cb);
  }
}

const TOKEN_KEY = 'virtdesk.token';

/**
 * Web mode's access token. Taken once from the page's `?token=`, kept in this tab's sessionStorage
 * (so a reload still works) and removed from the address bar, so it does not stay in the history,
 * bookmarks or a shared screen.
 */
export const takeWebToken = (
  loc: Location,
  history: Pick<History, 'replaceState' | 'state'> | null,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
): string => {
  const params = new URLSearchParams(loc.search);
  const fromUrl = params.get('token');
  if (fromUrl !== null) {
    try {
      storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage disabled: the token lives in memory only (a reload then needs the URL again)
    }
    params.delete('token');
    const query = params.toString();
    history?.replaceState(history.state, '', `${loc.pathname}${query ? `?${query}` : ''}${loc.hash}`);
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
};

/** The WebSocket URL for web mode: same host, path /ws, the access token forwarded. */
export const webSocketUrl = (
  loc: Location,
  token: string = new URLSearchParams(loc.search).get('token') ?? '',
): string => {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/ws?token=${encodeURIComponent(token)}`;
};
