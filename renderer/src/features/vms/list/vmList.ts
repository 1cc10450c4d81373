/** Pure list logic for the VM list: filtering and sorting. No React, no DOM. */

export interface VmRowData {
  uuid: string;
  name: string;
  /** libvirt state name: running, paused, shutoff, … */
  state: string;
  vcpus: number;
  /** KiB, as libvirt reports it */
  memory: number;
  autostart: boolean;
}

export type SortKey = 'name' | 'state' | 'vcpus' | 'memory' | 'autostart';
export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  key: SortKey;
  dir: SortDir;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Order in which states are grouped when sorting by state: live ones first. */
const stateRank: Record<string, number> = {
  running: 0,
  blocked: 1,
  paused: 2,
  pmsuspended: 3,
  shutdown: 4,
  crashed: 5,
  shutoff: 6,
  nostate: 7,
};

export const compareVms = (a: VmRowData, b: VmRowData, key: SortKey): number => {
  switch (key) {
    case 'name':
      return collator.compare(a.name, b.name);
    case 'state':
      return (stateRank[a.state] ?? 9) - (stateRank[b.state] ?? 9);
    case 'vcpus':
      return a.vcpus - b.vcpus;
    case 'memory':
      return a.memory - b.memory;
    case 'autostart':
      return Number(b.autostart) - Number(a.autostart);
  }
};

/**
 * Stable sort; ties are broken by name then uuid so the order never flickers. `nameRank` (optional) gives
 * each name its position in collation order, which replaces the (slow) collator in the comparisons.
 */
export const sortVms = <T extends VmRowData>(
  rows: readonly T[],
  spec: SortSpec,
  nameRank?: (name: string) => number,
): T[] => {
  const sign = spec.dir === 'asc' ? 1 : -1;
  const byName = nameRank
    ? (a: VmRowData, b: VmRowData): number => nameRank(a.name) - nameRank(b.name)
    : (a: VmRowData, b: VmRowData): number => collator.compare(a.name, b.name);
  const primary =
    spec.key === 'name' ? byName : (a: VmRowData, b: VmRowData): number => compareVms(a, b, spec.key);
  return [...rows].sort(
    (a, b) => sign * primary(a, b) || byName(a, b) || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0),
  );
};

/** Case-insensitive search over name, state and uuid; every whitespace-separated term must match. */
export const matchesQuery = (vm: VmRowData, query: string): boolean => {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = `${vm.name}\n${vm.state}\n${vm.uuid}`.toLowerCase();
  return terms.every((term) => hay.includes(term));
};

export const filterVms = <T extends VmRowData>(rows: readonly T[], query: string): T[] =>
  query.trim() ? rows.filter((r) => matchesQuery(r, query)) : [...rows];

export const toggleSort = (current: SortSpec, key: SortKey): SortSpec =>
  current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };

/** Human-readable size (binary units). */
export const formatKiB = (kib: number): string => formatBytes(kib * 1024);

export const formatBytes = (bytes: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 10 || Number.isInteger(v) ? 0 : 1)} ${units[i]}`;
};

/**
 * Memo of the displayed order (filtered + sorted uuids). A change that touches neither membership nor the
 * fields the sort and the search look at returns the previous array (no re-sort; the list keeps its rows).
 */
export class OrderCache<T extends VmRowData> {
  private prev: { order: string[]; sig: Map<string, string>; query: string; sort: SortSpec } | null = null;
  /** Collation rank of every known name, rebuilt only when a new name shows up. */
  private ranks = new Map<string, number>();

  private rankNames(values: readonly T[]): (name: string) => number {
    let stale = false;
    for (const v of values) {
      if (!this.ranks.has(v.name)) {
        stale = true;
        break;
      }
    }
    if (stale) {
      const names = [...new Set(values.map((v) => v.name))].sort(collator.compare);
      this.ranks = new Map(names.map((n, i) => [n, i]));
    }
    const ranks = this.ranks;
    return (name) => ranks.get(name) ?? 0;
  }

  private static sigOf(v: VmRowData, sort: SortSpec, query: string): string {
    const k = sort.key;
    return `${v.name}\u0000${k === 'state' || query ? v.state : ''}\u0000${k === 'vcpus' ? v.vcpus : ''}\u0000${
      k === 'memory' ? v.memory : ''
    }\u0000${k === 'autostart' ? v.autostart : ''}`;
  }

  get(values: readonly T[], query: string, sort: SortSpec): string[] {
    const prev = this.prev;
    const sig = new Map<string, string>();
    let same =
      prev !== null &&
      prev.query === query &&
      prev.sort.key === sort.key &&
      prev.sort.dir === sort.dir &&
      prev.sig.size === values.length;
    for (const v of values) {
      const s = OrderCache.sigOf(v, sort, query);
      sig.set(v.uuid, s);
      if (same && prev!.sig.get(v.uuid) !== s) same = false;
    }
    if (same) {
      this.prev = { ...prev!, sig };
      return prev!.order;
    }
    const order = sortVms(filterVms(values, query), sort, this.rankNames(values)).map((v) => v.uuid);
    this.prev = { order, sig, query, sort };
    return order;
  }
}
