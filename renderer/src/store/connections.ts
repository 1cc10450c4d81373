import { useSyncExternalStore } from 'react';
import type { ConnectionEntry, ConnectionStatus } from '../../../shared/contract/index.js';
import type { Api } from '../api/client.js';

/** Saved connections with live status, kept current by 'connections.changed' / 'connections.status'. */
export class ConnectionStore {
  private list: ConnectionEntry[] = [];
  private loaded = false;
  private readonly subs = new Set<() => void>();
  private snapshot: { list: ConnectionEntry[]; loaded: boolean } = { list: [], loaded: false };

  subscribe = (cb: () => void): (() => void) => {
    this.subs.add(cb);
    return () => this.subs.delete(cb);
  };
  getSnapshot = (): { list: ConnectionEntry[]; loaded: boolean } => this.snapshot;

  private emit(): void {
    this.snapshot = { list: this.list, loaded: this.loaded };
    for (const s of [...this.subs]) s();
  }

  setAll(list: ConnectionEntry[]): void {
    this.list = list;
    this.loaded = true;
    this.emit();
  }

  setStatus(status: ConnectionStatus): void {
    let hit = false;
    this.list = this.list.map((c) => {
      if (c.id !== status.id) return c;
      hit = true;
      return { ...c, status };
    });
    if (hit) this.emit();
  }

  get(id: string): ConnectionEntry | undefined {
    return this.list.find((c) => c.id === id);
  }

  /** Wire to the API: events + initial load. Returns a function that reloads from the server. */
  attach(api: Api, onError: (e: unknown) => void): () => Promise<void> {
    api.on('connections.changed', (p) => {
      // The changed event carries saved fields + status; keep it as the truth.
      this.setAll(p.connections);
    });
    api.on('connections.status', (s) => this.setStatus(s));
    const reload = async (): Promise<void> => {
      try {
        this.setAll(await api.call('connections.list', {}));
      } catch (e) {
        onError(e);
      }
    };
    return reload;
  }
}

export const connectionStore = new ConnectionStore();

export const useConnections = (): { list: ConnectionEntry[]; loaded: boolean } =>
  useSyncExternalStore(connectionStore.subscribe, connectionStore.getSnapshot);

export const useConnection = (id: string | null): ConnectionEntry | undefined => {
  const { list } = useConnections();
  return id === null ? undefined : list.find((c) => c.id === id);
};
