import { useSyncExternalStore } from 'react';

/**
 * A keyed store outside React state: each item has its own subscribers, so an update to one VM
 * re-renders only that VM's row. List-level subscribers (`subscribe`) hear about adds/removes and
 * any change (they get a new `version`), and typically recompute a sorted/filtered order of keys.
 */
export class KeyedStore<T> {
  private readonly items = new Map<string, T>();
  private readonly itemSubs = new Map<string, Set<() => void>>();
  private readonly listSubs = new Set<() => void>();
  private version = 0;
  private valuesCache: T[] | null = null;
  private batchDepth = 0;
  private pendingList = false;

  get(key: string): T | undefined {
    return this.items.get(key);
  }
  has(key: string): boolean {
    return this.items.has(key);
  }
  get size(): number {
    return this.items.size;
  }
  getVersion = (): number => this.version;

  values(): T[] {
    return (this.valuesCache ??= [...this.items.values()]);
  }
  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  subscribe = (cb: () => void): (() => void) => {
    this.listSubs.add(cb);
    return () => this.listSubs.delete(cb);
  };

  subscribeKey(key: string, cb: () => void): () => void {
    let set = this.itemSubs.get(key);
    if (!set) this.itemSubs.set(key, (set = new Set()));
    set.add(cb);
    return () => {
      set.delete(cb);
      if (set.size === 0) this.itemSubs.delete(key);
    };
  }

  private notifyKey(key: string): void {
    const set = this.itemSubs.get(key);
    if (set) for (const cb of [...set]) cb();
  }
  private notifyList(): void {
    this.version++;
    this.valuesCache = null;
    if (this.batchDepth > 0) {
      this.pendingList = true;
      return;
    }
    for (const cb of [...this.listSubs]) cb();
  }

  /** Start a batch that spans several tasks; `endBatch()` sends the one list notification. */
  beginBatch(): void {
    this.batchDepth++;
  }
  endBatch(): void {
    this.batchDepth--;
    if (this.batchDepth === 0 && this.pendingList) {
      this.pendingList = false;
      for (const cb of [...this.listSubs]) cb();
    }
  }

  /** Group many changes into one list notification. */
  batch(fn: () => void): void {
    this.batchDepth++;
    try {
      fn();
    } finally {
      this.batchDepth--;
      if (this.batchDepth === 0 && this.pendingList) {
        this.pendingList = false;
        for (const cb of [...this.listSubs]) cb();
      }
    }
  }

  set(key: string, value: T): void {
    if (this.items.get(key) === value) return;
    this.items.set(key, value);
    this.notifyKey(key);
    this.notifyList();
  }

  delete(key: string): void {
    if (!this.items.delete(key)) return;
    this.notifyKey(key);
    this.notifyList();
  }

  /** Replace everything; unchanged items (per `equal`) keep their identity so their rows don't re-render. */
  replaceAll(entries: Iterable<[string, T]>, equal: (a: T, b: T) => boolean): void {
    this.batch(() => {
      const seen = new Set<string>();
      for (const [k, v] of entries) {
        seen.add(k);
        const old = this.items.get(k);
        if (old === undefined || !equal(old, v)) this.set(k, v);
      }
      for (const k of [...this.items.keys()]) if (!seen.has(k)) this.delete(k);
    });
  }
}

export const useKeyedItem = <T>(store: KeyedStore<T>, key: string): T | undefined =>
  useSyncExternalStore(
    (cb) => store.subscribeKey(key, cb),
    () => store.get(key),
  );

export const useStoreVersion = <T>(store: KeyedStore<T>): number =>
  useSyncExternalStore(store.subscribe, store.getVersion);

/** Shallow equality of plain objects (one level, arrays compared by JSON). */
export const shallowEqual = <T extends object>(a: T, b: T): boolean => {
  const ka = Object.keys(a) as (keyof T)[];
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const va = a[k];
    const vb = b[k];
    if (va === vb) continue;
    if (typeof va === 'object' && typeof vb === 'object' && JSON.stringify(va) === JSON.stringify(vb))
      continue;
    return false;
  }
  return true;
};
