/**
 * Conversions between the wire structs of protocol/types.ts and the plain shapes of types.ts: UUIDs,
 * object references, rpcgen char arrays, CPU bitmaps.
 */
import type {
  RemoteNonnullDomain,
  RemoteNonnullDomainSnapshot,
  RemoteNonnullInterface,
  RemoteNonnullNetwork,
  RemoteNonnullStoragePool,
  RemoteNonnullStorageVol,
} from './protocol/types.js';
import type {
  DomainRef,
  InterfaceRef,
  NetworkRef,
  SnapshotRef,
  StoragePoolRef,
  StorageVolRef,
} from './types.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 16 raw bytes → canonical `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
export function uuidToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new TypeError(`a UUID has 16 bytes, got ${bytes.length}`);
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[i] as number];
  }
  return s;
}

/** Canonical (or dash-less) UUID string → 16 raw bytes. */
export function uuidFromString(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`invalid UUID '${uuid}'`);
  return Buffer.from(hex, 'hex');
}

/**
 * UUID bytes for outgoing references, memoised: the same domains are referenced call after call
 * (listings, stats, pipelined info), and the buffers are only read by the encoder.
 */
const wireUuidCache = new Map<string, Buffer>();
function wireUuid(uuid: string): Buffer {
  let bytes = wireUuidCache.get(uuid);
  if (bytes === undefined) {
    bytes = uuidFromString(uuid);
    if (wireUuidCache.size >= 8192) wireUuidCache.clear();
    wireUuidCache.set(uuid, bytes);
  }
  return bytes;
}

export const big = (v: bigint): number => Number(v);

export function toDomainRef(d: RemoteNonnullDomain): DomainRef {
  return { name: d.name, uuid: uuidToString(d.uuid), id: d.id };
}
export function toWireDomain(d: DomainRef): RemoteNonnullDomain {
  return { name: d.name, uuid: wireUuid(d.uuid), id: d.id };
}
export const toNetworkRef = (n: RemoteNonnullNetwork): NetworkRef => ({
  name: n.name,
  uuid: uuidToString(n.uuid),
});
export const toWireNetwork = (n: NetworkRef): RemoteNonnullNetwork => ({
  name: n.name,
  uuid: wireUuid(n.uuid),
});
export const toPoolRef = (p: RemoteNonnullStoragePool): StoragePoolRef => ({
  name: p.name,
  uuid: uuidToString(p.uuid),
});
export const toWirePool = (p: StoragePoolRef): RemoteNonnullStoragePool => ({
  name: p.name,
  uuid: wireUuid(p.uuid),
});
export const toVolRef = (v: RemoteNonnullStorageVol): StorageVolRef => ({
  pool: v.pool,
  name: v.name,
  key: v.key,
});
export const toSnapshotRef = (s: RemoteNonnullDomainSnapshot): SnapshotRef => ({
  name: s.name,
  dom: toDomainRef(s.dom),
});
export const toWireSnapshot = (s: SnapshotRef): RemoteNonnullDomainSnapshot => ({
  name: s.name,
  dom: toWireDomain(s.dom),
});
export const toInterfaceRef = (i: RemoteNonnullInterface): InterfaceRef => ({ name: i.name, mac: i.mac });

/** rpcgen `char` arrays (one int per char, NUL-terminated) → string. */
export function charsToString(chars: readonly number[]): string {
  const bytes: number[] = [];
  for (const c of chars) {
    if (c === 0) break;
    bytes.push(c & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

export function cpumapBytes(cpus: readonly number[] | Uint8Array, hostCpus?: number): Buffer {
  if (cpus instanceof Uint8Array) return Buffer.from(cpus);
  const max = Math.max(hostCpus ?? 0, ...cpus.map((c) => c + 1), 1);
  const map = Buffer.alloc(Math.ceil(max / 8));
  for (const c of cpus) map[c >> 3] = (map[c >> 3] as number) | (1 << (c & 7));
  return map;
}

export function cpumapToList(map: Uint8Array, maxCpus: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < maxCpus && c >> 3 < map.length; c++) {
    if (((map[c >> 3] as number) >> (c & 7)) & 1) out.push(c);
  }
  return out;
}
