/**
 * The typed Promise API over libvirt's remote protocol.
 *
 * `LibvirtClient.call(name, args)` drives any procedure of the declarative table (protocol/remote.ts);
 * the methods below wrap the calls the app uses with plain-JS shapes: `DomainRef` with a canonical
 * UUID string, numbers instead of XDR hypers, `TypedParam` instead of the wire union.
 */
import { EventEmitter } from 'node:events';
import type { Duplex, Readable, Writable } from 'node:stream';
import type { CallOptions, CloseInfo } from './engine.js';
import type { LibvirtStream } from './stream.js';
import type { Packet } from './packet.js';
import { decode } from './xdr/codec.js';
import type { XdrType, XdrValue } from './xdr/schema.js';
import {
  DOMAIN_EVENT_DETAIL_NAMES,
  DOMAIN_EVENT_TYPE_NAMES,
  DOMAIN_MEMORY_STAT_NAMES,
  DOMAIN_STATE_NAMES,
  DomainEventId,
  DrvFeature,
  MigrateFlags,
  NETWORK_EVENT_TYPE_NAMES,
  NetworkEventId,
  STORAGE_POOL_EVENT_TYPE_NAMES,
  STORAGE_POOL_STATE_NAMES,
  STORAGE_VOL_TYPE_NAMES,
  StoragePoolEventId,
  TYPED_PARAM_STRING_OKAY,
  TypedParamType as WireParamType,
  type DomainEventTypeName,
  type DomainStateName,
} from './protocol/constants.js';
import {
  eventMessages,
  procedures,
  type EventMessageBody,
  type EventMessageName,
  type ProcArgs,
  type ProcRet,
  type ProcedureDef,
  type ProcedureName,
  type StreamKind,
} from './protocol/remote.js';
import type {
  RemoteNonnullDomain,
  RemoteNonnullDomainSnapshot,
  RemoteNonnullInterface,
  RemoteNonnullNetwork,
  RemoteNonnullStoragePool,
  RemoteNonnullStorageVol,
  RemoteTypedParam,
} from './protocol/types.js';

// =================================================================================================
// The wire connection this client drives (implemented by connection.ts)
// =================================================================================================

/** What LibvirtClient needs from the wire engine (Engine / Connection of connection.ts). */
export interface WireConnection {
  call<A extends XdrType, R extends XdrType>(
    proc: number,
    argSchema: A,
    args: XdrValue<A>,
    retSchema: R,
    opts?: CallOptions,
  ): Promise<XdrValue<R>>;
  onMessage(proc: number, handler: (packet: Packet) => void): () => void;
  /** A stream-opening call; resolves once the daemon accepted it (see stream.ts for the overflow policy). */
  openStream(
    proc: number,
    argSchema: XdrType,
    args: never,
    retSchema: XdrType,
    direction: StreamKind,
  ): Promise<{ stream: LibvirtStream; ret: unknown }>;
  on(event: 'close', listener: (info: CloseInfo) => void): unknown;
  close(): Promise<void> | void;
}

// =================================================================================================
// Plain-JS shapes
// =================================================================================================

export interface DomainRef {
  name: string;
  /** Canonical 8-4-4-4-12 lower-case UUID. */
  uuid: string;
  /** -1 when inactive. */
  id: number;
}
export interface NetworkRef {
  name: string;
  uuid: string;
}
export interface StoragePoolRef {
  name: string;
  uuid: string;
}
export interface StorageVolRef {
  pool: string;
  name: string;
  key: string;
}
export interface SnapshotRef {
  name: string;
  dom: DomainRef;
}
export interface InterfaceRef {
  name: string;
  mac: string;
}
export interface NodeDeviceRef {
  name: string;
}

export type TypedParamKind = 'int' | 'uint' | 'llong' | 'ullong' | 'double' | 'boolean' | 'string';
export type TypedParamValue = number | boolean | string;
export interface TypedParam {
  field: string;
  type: TypedParamKind;
  value: TypedParamValue;
}

export interface NodeInfo {
  model: string;
  /** KiB */
  memory: number;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

export interface DomainInfo {
  state: number;
  stateName: DomainStateName;
  /** KiB */
  maxMem: number;
  /** KiB */
  memory: number;
  nrVirtCpu: number;
  /** ns */
  cpuTime: number;
}

export interface DomainStateInfo {
  state: number;
  stateName: DomainStateName;
  reason: number;
}

export interface BlockInfo {
  allocation: number;
  capacity: number;
  physical: number;
}

export interface DomainIpAddress {
  type: 'ipv4' | 'ipv6';
  addr: string;
  prefix: number;
}
export interface DomainInterfaceInfo {
  name: string;
  hwaddr: string | null;
  addrs: DomainIpAddress[];
}

export interface VcpuInfo {
  number: number;
  state: number;
  cpuTime: number;
  cpu: number;
}

export interface SecurityLabel {
  label: string;
  enforcing: boolean;
}

export interface JobInfo {
  type: number;
  timeElapsed: number;
  timeRemaining: number;
  dataTotal: number;
  dataProcessed: number;
  dataRemaining: number;
  memTotal: number;
  memProcessed: number;
  memRemaining: number;
  fileTotal: number;
  fileProcessed: number;
  fileRemaining: number;
}

export interface DomainStatsRecord {
  dom: DomainRef;
  params: TypedParam[];
}

export interface StoragePoolInfo {
  state: number;
  stateName: (typeof STORAGE_POOL_STATE_NAMES)[number] | 'unknown';
  capacity: number;
  allocation: number;
  available: number;
}

export interface StorageVolInfo {
  type: number;
  typeName: (typeof STORAGE_VOL_TYPE_NAMES)[number] | 'unknown';
  capacity: number;
  allocation: number;
}

export interface DhcpLease {
  iface: string;
  expirytime: number;
  type: 'ipv4' | 'ipv6';
  mac: string | null;
  iaid: string | null;
  ipaddr: string;
  prefix: number;
  hostname: string | null;
  clientid: string | null;
}

export interface SecurityModel {
  model: string;
  doi: string;
}

export type DomainEvent =
  | {
      kind: 'lifecycle';
      dom: DomainRef;
      event: DomainEventTypeName | 'unknown';
      detail: string;
      /** Raw virDomainEventType / detail values. */
      eventCode: number;
      detailCode: number;
    }
  | { kind: 'reboot'; dom: DomainRef }
  | { kind: 'deviceAdded'; dom: DomainRef; devAlias: string }
  | { kind: 'deviceRemoved'; dom: DomainRef; devAlias: string }
  | { kind: 'jobCompleted'; dom: DomainRef; params: TypedParam[] }
  | {
      kind: 'agentLifecycle';
      dom: DomainRef;
      state: 'connected' | 'disconnected' | 'unknown';
      reason: 'unknown' | 'domain-started' | 'channel';
    };

export type DomainEventKind = DomainEvent['kind'];

export interface NetworkEvent {
  kind: 'lifecycle';
  net: NetworkRef;
  event: (typeof NETWORK_EVENT_TYPE_NAMES)[number] | 'unknown';
  eventCode: number;
  detail: number;
}

export type StoragePoolEvent =
  | {
      kind: 'lifecycle';
      pool: StoragePoolRef;
      event: (typeof STORAGE_POOL_EVENT_TYPE_NAMES)[number] | 'unknown';
      eventCode: number;
      detail: number;
    }
  | { kind: 'refresh'; pool: StoragePoolRef };

export interface LibvirtClientEvents {
  close: [CloseInfo];
  domainEvent: [DomainEvent];
  networkEvent: [NetworkEvent];
  poolEvent: [StoragePoolEvent];
}

// =================================================================================================
// Conversions
// =================================================================================================

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

const big = (v: bigint): number => Number(v);

export function toDomainRef(d: RemoteNonnullDomain): DomainRef {
  return { name: d.name, uuid: uuidToString(d.uuid), id: d.id };
}
export function toWireDomain(d: DomainRef): RemoteNonnullDomain {
  return { name: d.name, uuid: wireUuid(d.uuid), id: d.id };
}
const toNetworkRef = (n: RemoteNonnullNetwork): NetworkRef => ({ name: n.name, uuid: uuidToString(n.uuid) });
const toWireNetwork = (n: NetworkRef): RemoteNonnullNetwork => ({
  name: n.name,
  uuid: wireUuid(n.uuid),
});
const toPoolRef = (p: RemoteNonnullStoragePool): StoragePoolRef => ({
  name: p.name,
  uuid: uuidToString(p.uuid),
});
const toWirePool = (p: StoragePoolRef): RemoteNonnullStoragePool => ({
  name: p.name,
  uuid: wireUuid(p.uuid),
});
const toVolRef = (v: RemoteNonnullStorageVol): StorageVolRef => ({ pool: v.pool, name: v.name, key: v.key });
const toSnapshotRef = (s: RemoteNonnullDomainSnapshot): SnapshotRef => ({
  name: s.name,
  dom: toDomainRef(s.dom),
});
const toWireSnapshot = (s: SnapshotRef): RemoteNonnullDomainSnapshot => ({
  name: s.name,
  dom: toWireDomain(s.dom),
});
const toInterfaceRef = (i: RemoteNonnullInterface): InterfaceRef => ({ name: i.name, mac: i.mac });

/** rpcgen `char` arrays (one int per char, NUL-terminated) → string. */
export function charsToString(chars: readonly number[]): string {
  const bytes: number[] = [];
  for (const c of chars) {
    if (c === 0) break;
    bytes.push(c & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

const PARAM_KIND_BY_TAG: Record<number, TypedParamKind> = {
  [WireParamType.INT]: 'int',
  [WireParamType.UINT]: 'uint',
  [WireParamType.LLONG]: 'llong',
  [WireParamType.ULLONG]: 'ullong',
  [WireParamType.DOUBLE]: 'double',
  [WireParamType.BOOLEAN]: 'boolean',
  [WireParamType.STRING]: 'string',
};

/** Wire typed parameter → `TypedParam` (hypers become numbers). */
export function fromWireParam(p: RemoteTypedParam): TypedParam {
  const v = p.value;
  switch (v.tag) {
    case WireParamType.INT:
    case WireParamType.UINT:
    case WireParamType.DOUBLE:
      return { field: p.field, type: PARAM_KIND_BY_TAG[v.tag] as TypedParamKind, value: v.value };
    case WireParamType.LLONG:
    case WireParamType.ULLONG:
      return { field: p.field, type: PARAM_KIND_BY_TAG[v.tag] as TypedParamKind, value: Number(v.value) };
    case WireParamType.BOOLEAN:
      return { field: p.field, type: 'boolean', value: v.value !== 0 };
    case WireParamType.STRING:
      return { field: p.field, type: 'string', value: v.value };
  }
  throw new TypeError(`unknown typed parameter type ${(v as { tag: number }).tag}`);
}

function toBigInt(value: TypedParamValue, field: string): bigint {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') return BigInt(value);
  if (!Number.isFinite(value)) throw new TypeError(`typed parameter '${field}': ${value} is not finite`);
  return BigInt(Math.trunc(value));
}

function toNumber(value: TypedParamValue, field: string): number {
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
  if (!Number.isFinite(n))
    throw new TypeError(`typed parameter '${field}': ${String(value)} is not a number`);
  return n;
}

/** `TypedParam` → wire typed parameter. */
export function toWireParam(p: TypedParam): RemoteTypedParam {
  const { field, value } = p;
  switch (p.type) {
    case 'int':
      return { field, value: { tag: WireParamType.INT, value: Math.trunc(toNumber(value, field)) } };
    case 'uint':
      return { field, value: { tag: WireParamType.UINT, value: Math.trunc(toNumber(value, field)) } };
    case 'llong':
      return { field, value: { tag: WireParamType.LLONG, value: toBigInt(value, field) } };
    case 'ullong':
      return { field, value: { tag: WireParamType.ULLONG, value: toBigInt(value, field) } };
    case 'double':
      return { field, value: { tag: WireParamType.DOUBLE, value: toNumber(value, field) } };
    case 'boolean':
      return { field, value: { tag: WireParamType.BOOLEAN, value: value === true || value === 1 ? 1 : 0 } };
    case 'string':
      return { field, value: { tag: WireParamType.STRING, value: String(value) } };
  }
  throw new TypeError(`unknown typed parameter type '${String(p.type)}'`);
}

/** `[{field, value}]` → `{ field: value }` (later duplicates win, as libvirt's own lookup does first-wins for
 * repeated fields only in a few APIs, use the array form when duplicates matter). */
export function paramsToRecord(params: readonly TypedParam[]): Record<string, TypedParamValue> {
  const out: Record<string, TypedParamValue> = {};
  for (const p of params) if (!(p.field in out)) out[p.field] = p.value;
  return out;
}

/** VIR_MIGRATE_PARAM_* typed parameters, as a list or as `{ field: value }`. */
export type MigrateParams = TypedParam[] | Record<string, TypedParamValue>;

/** Flags that only make sense for the source side / peer-to-peer (dropped where they do not apply). */
const MIGRATE_SOURCE_ONLY = MigrateFlags.ABORT_ON_ERROR | MigrateFlags.AUTO_CONVERGE;
const MIGRATE_P2P_ONLY = MigrateFlags.PEER2PEER | MigrateFlags.TUNNELLED;

function migrateParamList(params: MigrateParams): TypedParam[] {
  return Array.isArray(params)
    ? params
    : toTypedParams(params, {
        bandwidth: 'ullong',
        bandwidth_postcopy: 'ullong',
        disks_port: 'int',
        'parallel.connections': 'int',
      });
}

/**
 * `{ field: value }` → `TypedParam[]`. Types come from `types` (e.g. learned from a getter) and are
 * otherwise inferred: boolean → 'boolean', string → 'string', integer → 'ullong' (≥ 0) / 'llong',
 * other numbers → 'double'.
 */
export function toTypedParams(
  record: Readonly<Record<string, TypedParamValue>>,
  types: Readonly<Record<string, TypedParamKind>> = {},
): TypedParam[] {
  return Object.entries(record).map(([field, value]) => {
    let type = types[field];
    if (!type) {
      if (typeof value === 'boolean') type = 'boolean';
      else if (typeof value === 'string') type = 'string';
      else if (Number.isInteger(value)) type = value >= 0 ? 'ullong' : 'llong';
      else type = 'double';
    }
    return { field, type, value };
  });
}

function stateName(state: number): DomainStateName {
  return DOMAIN_STATE_NAMES[state] ?? 'nostate';
}

function cpumapBytes(cpus: readonly number[] | Uint8Array, hostCpus?: number): Buffer {
  if (cpus instanceof Uint8Array) return Buffer.from(cpus);
  const max = Math.max(hostCpus ?? 0, ...cpus.map((c) => c + 1), 1);
  const map = Buffer.alloc(Math.ceil(max / 8));
  for (const c of cpus) map[c >> 3] = (map[c >> 3] as number) | (1 << (c & 7));
  return map;
}

function cpumapToList(map: Uint8Array, maxCpus: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < maxCpus && c >> 3 < map.length; c++) {
    if (((map[c >> 3] as number) >> (c & 7)) & 1) out.push(c);
  }
  return out;
}

const AGENT_STATES = ['unknown', 'connected', 'disconnected'] as const;
const AGENT_REASONS = ['unknown', 'domain-started', 'channel'] as const;

/** Domain event IDs subscribeDomainEvents() registers, and the message each one produces. */
const DOMAIN_EVENT_SUBSCRIPTIONS: readonly { eventID: number; message: EventMessageName }[] = [
  { eventID: DomainEventId.LIFECYCLE, message: 'domainEventCallbackLifecycle' },
  { eventID: DomainEventId.REBOOT, message: 'domainEventCallbackReboot' },
  { eventID: DomainEventId.DEVICE_ADDED, message: 'domainEventCallbackDeviceAdded' },
  { eventID: DomainEventId.DEVICE_REMOVED, message: 'domainEventCallbackDeviceRemoved' },
  { eventID: DomainEventId.JOB_COMPLETED, message: 'domainEventCallbackJobCompleted' },
  { eventID: DomainEventId.AGENT_LIFECYCLE, message: 'domainEventCallbackAgentLifecycle' },
];

/** Converts one decoded domain event message; undefined for messages this API does not surface. */
export function toDomainEvent<N extends EventMessageName>(
  name: N,
  body: EventMessageBody<N>,
): DomainEvent | undefined {
  switch (name) {
    case 'domainEventCallbackLifecycle': {
      const m = (body as EventMessageBody<'domainEventCallbackLifecycle'>).msg;
      const event = DOMAIN_EVENT_TYPE_NAMES[m.event] ?? 'unknown';
      const detail =
        event === 'unknown'
          ? String(m.detail)
          : (DOMAIN_EVENT_DETAIL_NAMES[event][m.detail] ?? String(m.detail));
      return {
        kind: 'lifecycle',
        dom: toDomainRef(m.dom),
        event,
        detail,
        eventCode: m.event,
        detailCode: m.detail,
      };
    }
    case 'domainEventCallbackReboot':
      return {
        kind: 'reboot',
        dom: toDomainRef((body as EventMessageBody<'domainEventCallbackReboot'>).msg.dom),
      };
    case 'domainEventCallbackDeviceAdded': {
      const m = body as EventMessageBody<'domainEventCallbackDeviceAdded'>;
      return { kind: 'deviceAdded', dom: toDomainRef(m.dom), devAlias: m.devAlias };
    }
    case 'domainEventCallbackDeviceRemoved': {
      const m = (body as EventMessageBody<'domainEventCallbackDeviceRemoved'>).msg;
      return { kind: 'deviceRemoved', dom: toDomainRef(m.dom), devAlias: m.devAlias };
    }
    case 'domainEventCallbackJobCompleted': {
      const m = body as EventMessageBody<'domainEventCallbackJobCompleted'>;
      return { kind: 'jobCompleted', dom: toDomainRef(m.dom), params: m.params.map(fromWireParam) };
    }
    case 'domainEventCallbackAgentLifecycle': {
      const m = body as EventMessageBody<'domainEventCallbackAgentLifecycle'>;
      return {
        kind: 'agentLifecycle',
        dom: toDomainRef(m.dom),
        state: AGENT_STATES[m.state] ?? 'unknown',
        reason: AGENT_REASONS[m.reason] ?? 'unknown',
      };
    }
    default:
      return undefined;
  }
}

// =================================================================================================
// The client
// =================================================================================================

/** Default for list calls: ask the daemon for the objects, not just their count. */
const NEED_RESULTS = 1;

export class LibvirtClient extends EventEmitter<LibvirtClientEvents> {
  private domainCallbacks = new Map<number, EventMessageName>();
  private networkCallbacks = new Set<number>();
  private poolCallbacks = new Set<number>();
  private readonly unlisten: (() => void)[] = [];
  private closed = false;

  constructor(readonly connection: WireConnection) {
    super();
    connection.on('close', (info) => {
      this.closed = true;
      for (const off of this.unlisten.splice(0)) off();
      this.emit('close', info);
    });
  }

  /** True until the connection closed (for any reason). */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** Calls any procedure of the protocol table. */
  call<N extends ProcedureName>(name: N, args: ProcArgs<N>): Promise<ProcRet<N>> {
    const def = procedures[name];
    return this.connection.call(def.proc, def.args as XdrType, args as never, def.ret as XdrType) as Promise<
      ProcRet<N>
    >;
  }

  /** Sends REMOTE_PROC_CONNECT_CLOSE and closes the transport ('close' fires with reason 'client'). */
  async close(): Promise<void> {
    await this.connection.close();
  }

  // ---- connection and host ---------------------------------------------------------------------

  async connectGetHostname(): Promise<string> {
    return (await this.call('connectGetHostname', undefined)).hostname;
  }
  async connectGetType(): Promise<string> {
    return (await this.call('connectGetType', undefined)).type;
  }
  async connectGetURI(): Promise<string> {
    return (await this.call('connectGetURI', undefined)).uri;
  }
  /** Hypervisor version as major * 1,000,000 + minor * 1,000 + release. */
  async connectGetVersion(): Promise<number> {
    return big((await this.call('connectGetVersion', undefined)).hv_ver);
  }
  /** libvirt version as major * 1,000,000 + minor * 1,000 + release. */
  async connectGetLibVersion(): Promise<number> {
    return big((await this.call('connectGetLibVersion', undefined)).lib_ver);
  }
  async connectGetCapabilities(): Promise<string> {
    return (await this.call('connectGetCapabilities', undefined)).capabilities;
  }
  async connectGetDomainCapabilities(
    opts: { emulatorbin?: string; arch?: string; machine?: string; virttype?: string } = {},
    flags = 0,
  ): Promise<string> {
    const r = await this.call('connectGetDomainCapabilities', {
      emulatorbin: opts.emulatorbin ?? null,
      arch: opts.arch ?? null,
      machine: opts.machine ?? null,
      virttype: opts.virttype ?? null,
      flags,
    });
    return r.capabilities;
  }
  async connectGetSysinfo(flags = 0): Promise<string> {
    return (await this.call('connectGetSysinfo', { flags })).sysinfo;
  }
  async connectSupportsFeature(feature: number): Promise<boolean> {
    return (await this.call('connectSupportsFeature', { feature })).supported !== 0;
  }
  async connectGetMaxVcpus(type: string | null = null): Promise<number> {
    return (await this.call('connectGetMaxVcpus', { type })).max_vcpus;
  }

  async nodeGetInfo(): Promise<NodeInfo> {
    const r = await this.call('nodeGetInfo', undefined);
    return {
      model: charsToString(r.model),
      memory: big(r.memory),
      cpus: r.cpus,
      mhz: r.mhz,
      nodes: r.nodes,
      sockets: r.sockets,
      cores: r.cores,
      threads: r.threads,
    };
  }

  /** Host CPU time counters (ns), for one CPU or all (-1). Two round trips like the C API. */
  async nodeGetCPUStats(cpuNum = -1, flags = 0): Promise<Record<string, number>> {
    const n = (await this.call('nodeGetCPUStats', { cpuNum, nparams: 0, flags })).nparams;
    if (n <= 0) return {};
    const r = await this.call('nodeGetCPUStats', { cpuNum, nparams: n, flags });
    return Object.fromEntries(r.params.map((p) => [p.field, big(p.value)]));
  }

  /** Host memory counters (KiB), for one NUMA cell or all (-1). */
  async nodeGetMemoryStats(cellNum = -1, flags = 0): Promise<Record<string, number>> {
    const n = (await this.call('nodeGetMemoryStats', { nparams: 0, cellNum, flags })).nparams;
    if (n <= 0) return {};
    const r = await this.call('nodeGetMemoryStats', { nparams: n, cellNum, flags });
    return Object.fromEntries(r.params.map((p) => [p.field, big(p.value)]));
  }

  /** Host memory tunables (KSM: shm_pages_to_scan, shm_sleep_millisecs, shm_merge_across_nodes…). */
  async nodeGetMemoryParameters(flags = 0): Promise<TypedParam[]> {
    const f = flags | (await this.stringOkay());
    const n = (await this.call('nodeGetMemoryParameters', { nparams: 0, flags: f })).nparams;
    if (n <= 0) return [];
    const r = await this.call('nodeGetMemoryParameters', { nparams: n, flags: f });
    return r.params.map(fromWireParam);
  }

  async nodeSetMemoryParameters(
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    const list = Array.isArray(params)
      ? params
      : toTypedParams(params, await this.typesOf(this.nodeGetMemoryParameters()));
    await this.call('nodeSetMemoryParameters', { params: list.map(toWireParam), flags });
  }

  /** Free memory (bytes) of `maxCells` NUMA cells starting at `startCell`. */
  async nodeGetCellsFreeMemory(startCell = 0, maxCells = 1): Promise<number[]> {
    return (await this.call('nodeGetCellsFreeMemory', { startCell, maxcells: maxCells })).cells.map(big);
  }

  /** Free host memory in bytes. */
  async nodeGetFreeMemory(): Promise<number> {
    return big((await this.call('nodeGetFreeMemory', undefined)).freeMem);
  }

  async nodeGetSecurityModel(): Promise<SecurityModel> {
    const r = await this.call('nodeGetSecurityModel', undefined);
    return { model: charsToString(r.model), doi: charsToString(r.doi) };
  }

  // ---- domains: lookup and listing -------------------------------------------------------------

  /** All domains matching `flags` (virConnectListAllDomainsFlags; 0 = all). */
  async connectListAllDomains(flags = 0): Promise<DomainRef[]> {
    const r = await this.call('connectListAllDomains', { need_results: NEED_RESULTS, flags });
    return r.domains.map(toDomainRef);
  }
  async domainLookupByName(name: string): Promise<DomainRef> {
    return toDomainRef((await this.call('domainLookupByName', { name })).dom);
  }
  async domainLookupByUUID(uuid: string): Promise<DomainRef> {
    return toDomainRef((await this.call('domainLookupByUUID', { uuid: uuidFromString(uuid) })).dom);
  }
  async domainLookupByID(id: number): Promise<DomainRef> {
    return toDomainRef((await this.call('domainLookupByID', { id })).dom);
  }
  async domainIsActive(dom: DomainRef): Promise<boolean> {
    return (await this.call('domainIsActive', { dom: toWireDomain(dom) })).active !== 0;
  }
  async domainIsPersistent(dom: DomainRef): Promise<boolean> {
    return (await this.call('domainIsPersistent', { dom: toWireDomain(dom) })).persistent !== 0;
  }

  // ---- domains: definition ---------------------------------------------------------------------

  async domainDefineXML(xml: string, flags = 0): Promise<DomainRef> {
    const r =
      flags === 0
        ? await this.call('domainDefineXML', { xml })
        : await this.call('domainDefineXMLFlags', { xml, flags });
    return toDomainRef(r.dom);
  }
  async domainUndefineFlags(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainUndefineFlags', { dom: toWireDomain(dom), flags });
  }
  async domainCreateXML(xml: string, flags = 0): Promise<DomainRef> {
    return toDomainRef((await this.call('domainCreateXML', { xml_desc: xml, flags })).dom);
  }
  async domainGetXMLDesc(dom: DomainRef, flags = 0): Promise<string> {
    return (await this.call('domainGetXMLDesc', { dom: toWireDomain(dom), flags })).xml;
  }
  /** Renames an inactive domain; returns the renamed reference. */
  async domainRename(dom: DomainRef, newName: string, flags = 0): Promise<DomainRef> {
    await this.call('domainRename', { dom: toWireDomain(dom), new_name: newName, flags });
    return { ...dom, name: newName };
  }

  // ---- domains: lifecycle ----------------------------------------------------------------------

  /** Starts a defined domain; returns the reference with its new id. */
  async domainCreate(dom: DomainRef, flags = 0): Promise<DomainRef> {
    return toDomainRef((await this.call('domainCreateWithFlags', { dom: toWireDomain(dom), flags })).dom);
  }
  async domainShutdown(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainShutdownFlags', { dom: toWireDomain(dom), flags });
  }
  async domainDestroy(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainDestroyFlags', { dom: toWireDomain(dom), flags });
  }
  async domainReboot(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainReboot', { dom: toWireDomain(dom), flags });
  }
  async domainReset(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainReset', { dom: toWireDomain(dom), flags });
  }
  async domainSuspend(dom: DomainRef): Promise<void> {
    await this.call('domainSuspend', { dom: toWireDomain(dom) });
  }
  async domainResume(dom: DomainRef): Promise<void> {
    await this.call('domainResume', { dom: toWireDomain(dom) });
  }
  async domainManagedSave(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainManagedSave', { dom: toWireDomain(dom), flags });
  }
  async domainHasManagedSaveImage(dom: DomainRef, flags = 0): Promise<boolean> {
    return (await this.call('domainHasManagedSaveImage', { dom: toWireDomain(dom), flags })).result !== 0;
  }
  async domainManagedSaveRemove(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainManagedSaveRemove', { dom: toWireDomain(dom), flags });
  }
  async domainGetAutostart(dom: DomainRef): Promise<boolean> {
    return (await this.call('domainGetAutostart', { dom: toWireDomain(dom) })).autostart !== 0;
  }
  async domainSetAutostart(dom: DomainRef, autostart: boolean): Promise<void> {
    await this.call('domainSetAutostart', { dom: toWireDomain(dom), autostart: autostart ? 1 : 0 });
  }

  // ---- domains: info ---------------------------------------------------------------------------

  async domainGetInfo(dom: DomainRef): Promise<DomainInfo> {
    const r = await this.call('domainGetInfo', { dom: toWireDomain(dom) });
    return {
      state: r.state,
      stateName: stateName(r.state),
      maxMem: big(r.maxMem),
      memory: big(r.memory),
      nrVirtCpu: r.nrVirtCpu,
      cpuTime: big(r.cpuTime),
    };
  }
  async domainGetState(dom: DomainRef, flags = 0): Promise<DomainStateInfo> {
    const r = await this.call('domainGetState', { dom: toWireDomain(dom), flags });
    return { state: r.state, stateName: stateName(r.state), reason: r.reason };
  }
  async domainGetMaxMemory(dom: DomainRef): Promise<number> {
    return big((await this.call('domainGetMaxMemory', { dom: toWireDomain(dom) })).memory);
  }
  async domainGetOSType(dom: DomainRef): Promise<string> {
    return (await this.call('domainGetOSType', { dom: toWireDomain(dom) })).type;
  }
  async domainGetHostname(dom: DomainRef, flags = 0): Promise<string> {
    return (await this.call('domainGetHostname', { dom: toWireDomain(dom), flags })).hostname;
  }
  async domainGetBlockInfo(dom: DomainRef, disk: string, flags = 0): Promise<BlockInfo> {
    const r = await this.call('domainGetBlockInfo', { dom: toWireDomain(dom), path: disk, flags });
    return { allocation: big(r.allocation), capacity: big(r.capacity), physical: big(r.physical) };
  }
  async domainBlockStats(dom: DomainRef, disk: string): Promise<Record<string, number>> {
    const r = await this.call('domainBlockStats', { dom: toWireDomain(dom), path: disk });
    return {
      rd_req: big(r.rd_req),
      rd_bytes: big(r.rd_bytes),
      wr_req: big(r.wr_req),
      wr_bytes: big(r.wr_bytes),
      errs: big(r.errs),
    };
  }
  async domainInterfaceStats(dom: DomainRef, device: string): Promise<Record<string, number>> {
    const r = await this.call('domainInterfaceStats', { dom: toWireDomain(dom), path: device });
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, big(v)]));
  }
  /** Balloon statistics by name (swap_in, actual_balloon, rss, …), KiB. */
  async domainMemoryStats(dom: DomainRef, flags = 0): Promise<Record<string, number>> {
    const r = await this.call('domainMemoryStats', {
      dom: toWireDomain(dom),
      maxStats: DOMAIN_MEMORY_STAT_NAMES.length,
      flags,
    });
    return Object.fromEntries(
      r.stats.map((s) => [DOMAIN_MEMORY_STAT_NAMES[s.tag] ?? `tag${s.tag}`, big(s.val)]),
    );
  }
  async domainInterfaceAddresses(dom: DomainRef, source = 0, flags = 0): Promise<DomainInterfaceInfo[]> {
    const r = await this.call('domainInterfaceAddresses', { dom: toWireDomain(dom), source, flags });
    return r.ifaces.map((i) => ({
      name: i.name,
      hwaddr: i.hwaddr,
      addrs: i.addrs.map((a) => ({ type: a.type === 1 ? 'ipv6' : 'ipv4', addr: a.addr, prefix: a.prefix })),
    }));
  }
  /** Guest agent information (virDomainGuestInfoTypes bits in `types`; 0 = all). */
  async domainGetGuestInfo(dom: DomainRef, types = 0, flags = 0): Promise<TypedParam[]> {
    return (await this.call('domainGetGuestInfo', { dom: toWireDomain(dom), types, flags })).params.map(
      fromWireParam,
    );
  }
  async domainGetSecurityLabel(dom: DomainRef): Promise<SecurityLabel> {
    const r = await this.call('domainGetSecurityLabel', { dom: toWireDomain(dom) });
    return { label: charsToString(r.label), enforcing: r.enforcing !== 0 };
  }
  async domainGetSecurityLabelList(dom: DomainRef): Promise<SecurityLabel[]> {
    const r = await this.call('domainGetSecurityLabelList', { dom: toWireDomain(dom) });
    return r.labels.map((l) => ({ label: charsToString(l.label), enforcing: l.enforcing !== 0 }));
  }
  async domainGetMetadata(
    dom: DomainRef,
    type: number,
    uri: string | null = null,
    flags = 0,
  ): Promise<string> {
    return (await this.call('domainGetMetadata', { dom: toWireDomain(dom), type, uri, flags })).metadata;
  }
  async domainSetMetadata(
    dom: DomainRef,
    type: number,
    metadata: string | null,
    key: string | null = null,
    uri: string | null = null,
    flags = 0,
  ): Promise<void> {
    await this.call('domainSetMetadata', { dom: toWireDomain(dom), type, metadata, key, uri, flags });
  }

  // ---- domains: resources ----------------------------------------------------------------------

  /** Memory in KiB; flags: virDomainMemoryModFlags (MAXIMUM sets the maximum). */
  async domainSetMemoryFlags(dom: DomainRef, memoryKiB: number, flags = 0): Promise<void> {
    await this.call('domainSetMemoryFlags', {
      dom: toWireDomain(dom),
      memory: BigInt(Math.trunc(memoryKiB)),
      flags,
    });
  }
  async domainSetMaxMemory(dom: DomainRef, memoryKiB: number): Promise<void> {
    await this.call('domainSetMaxMemory', { dom: toWireDomain(dom), memory: BigInt(Math.trunc(memoryKiB)) });
  }
  async domainSetVcpusFlags(dom: DomainRef, nvcpus: number, flags = 0): Promise<void> {
    await this.call('domainSetVcpusFlags', { dom: toWireDomain(dom), nvcpus, flags });
  }
  async domainGetVcpusFlags(dom: DomainRef, flags = 0): Promise<number> {
    return (await this.call('domainGetVcpusFlags', { dom: toWireDomain(dom), flags })).num;
  }
  async domainGetMaxVcpus(dom: DomainRef): Promise<number> {
    return (await this.call('domainGetMaxVcpus', { dom: toWireDomain(dom) })).num;
  }
  async domainAttachDeviceFlags(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    await this.call('domainAttachDeviceFlags', { dom: toWireDomain(dom), xml, flags });
  }
  async domainDetachDeviceFlags(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    await this.call('domainDetachDeviceFlags', { dom: toWireDomain(dom), xml, flags });
  }
  async domainUpdateDeviceFlags(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    await this.call('domainUpdateDeviceFlags', { dom: toWireDomain(dom), xml, flags });
  }
  /** Size in KiB unless flags has VIR_DOMAIN_BLOCK_RESIZE_BYTES. */
  async domainBlockResize(dom: DomainRef, disk: string, size: number, flags = 0): Promise<void> {
    await this.call('domainBlockResize', {
      dom: toWireDomain(dom),
      disk,
      size: BigInt(Math.trunc(size)),
      flags,
    });
  }
  async domainSendKey(
    dom: DomainRef,
    codeset: number,
    holdtime: number,
    keycodes: number[],
    flags = 0,
  ): Promise<void> {
    await this.call('domainSendKey', { dom: toWireDomain(dom), codeset, holdtime, keycodes, flags });
  }

  // ---- domains: tuning (typed parameters) ------------------------------------------------------

  async domainGetSchedulerType(dom: DomainRef): Promise<{ type: string; nparams: number }> {
    return this.call('domainGetSchedulerType', { dom: toWireDomain(dom) });
  }
  async domainGetSchedulerParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    const { nparams } = await this.domainGetSchedulerType(dom);
    if (nparams <= 0) return [];
    const r = await this.call('domainGetSchedulerParametersFlags', {
      dom: toWireDomain(dom),
      nparams,
      flags,
    });
    return r.params.map(fromWireParam);
  }
  async domainSetSchedulerParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetSchedulerParametersFlags',
      dom,
      params,
      () => this.domainGetSchedulerParameters(dom),
      flags,
    );
  }
  async domainGetMemoryParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    return this.twoStepParams('domainGetMemoryParameters', dom, flags);
  }
  async domainSetMemoryParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetMemoryParameters',
      dom,
      params,
      () => this.domainGetMemoryParameters(dom),
      flags,
    );
  }
  async domainGetBlkioParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    return this.twoStepParams('domainGetBlkioParameters', dom, flags);
  }
  async domainSetBlkioParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetBlkioParameters',
      dom,
      params,
      () => this.domainGetBlkioParameters(dom),
      flags,
    );
  }
  async domainGetNumaParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    return this.twoStepParams('domainGetNumaParameters', dom, flags);
  }
  async domainSetNumaParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetNumaParameters',
      dom,
      params,
      () => this.domainGetNumaParameters(dom),
      flags,
    );
  }

  /** Pins a vCPU to host CPUs (a list of CPU numbers or a raw bitmap). */
  async domainPinVcpuFlags(
    dom: DomainRef,
    vcpu: number,
    cpus: readonly number[] | Uint8Array,
    flags = 0,
  ): Promise<void> {
    const host = await this.hostCpuCount();
    await this.call('domainPinVcpuFlags', {
      dom: toWireDomain(dom),
      vcpu,
      cpumap: cpumapBytes(cpus, host),
      flags,
    });
  }
  /** Host CPUs each vCPU may run on, indexed by vCPU. */
  async domainGetVcpuPinInfo(dom: DomainRef, flags = 0): Promise<number[][]> {
    const host = await this.hostCpuCount();
    const maplen = Math.ceil(host / 8);
    const ncpumaps = await this.domainGetVcpusFlags(dom, flags & 3 ? flags & 3 : 0);
    const r = await this.call('domainGetVcpuPinInfo', { dom: toWireDomain(dom), ncpumaps, maplen, flags });
    const out: number[][] = [];
    for (let i = 0; i < r.num; i++)
      out.push(cpumapToList(r.cpumaps.subarray(i * maplen, (i + 1) * maplen), host));
    return out;
  }
  /** Host CPUs the emulator threads may run on. */
  async domainGetEmulatorPinInfo(dom: DomainRef, flags = 0): Promise<number[]> {
    const host = await this.hostCpuCount();
    const r = await this.call('domainGetEmulatorPinInfo', {
      dom: toWireDomain(dom),
      maplen: Math.ceil(host / 8),
      flags,
    });
    return r.ret > 0 ? cpumapToList(r.cpumaps, host) : [];
  }
  /** Per-vCPU state/time/physical CPU (running domains only). */
  async domainGetVcpus(dom: DomainRef): Promise<(VcpuInfo & { affinity: number[] })[]> {
    const host = await this.hostCpuCount();
    const maplen = Math.ceil(host / 8);
    const maxinfo = (await this.domainGetInfo(dom)).nrVirtCpu;
    const r = await this.call('domainGetVcpus', { dom: toWireDomain(dom), maxinfo, maplen });
    return r.info.map((v, i) => ({
      number: v.number,
      state: v.state,
      cpuTime: big(v.cpu_time),
      cpu: v.cpu,
      affinity: cpumapToList(r.cpumaps.subarray(i * maplen, (i + 1) * maplen), host),
    }));
  }

  // ---- domains: jobs and migration -------------------------------------------------------------

  async domainGetJobInfo(dom: DomainRef): Promise<JobInfo> {
    const r = await this.call('domainGetJobInfo', { dom: toWireDomain(dom) });
    const out = { type: r.type } as JobInfo;
    for (const [k, v] of Object.entries(r))
      if (k !== 'type') (out as unknown as Record<string, number>)[k] = big(v as bigint);
    return out;
  }
  async domainGetJobStats(dom: DomainRef, flags = 0): Promise<{ type: number; params: TypedParam[] }> {
    const r = await this.call('domainGetJobStats', { dom: toWireDomain(dom), flags });
    return { type: r.type, params: r.params.map(fromWireParam) };
  }
  async domainAbortJob(dom: DomainRef): Promise<void> {
    await this.call('domainAbortJob', { dom: toWireDomain(dom) });
  }
  /** Bandwidth in MiB/s. */
  async domainMigrateSetMaxSpeed(dom: DomainRef, bandwidth: number, flags = 0): Promise<void> {
    await this.call('domainMigrateSetMaxSpeed', {
      dom: toWireDomain(dom),
      bandwidth: BigInt(Math.trunc(bandwidth)),
      flags,
    });
  }
  /**
   * Peer-to-peer migration: the source daemon connects to `dconnuri` itself (virDomainMigrateToURI3
   * with VIR_MIGRATE_PEER2PEER). `params` are VIR_MIGRATE_PARAM_* typed parameters.
   */
  async domainMigrateToHost(
    dom: DomainRef,
    dconnuri: string,
    params: MigrateParams = [],
    flags = 0,
  ): Promise<void> {
    const list = migrateParamList(params);
    await this.call('domainMigratePerform3Params', {
      dom: toWireDomain(dom),
      dconnuri,
      params: list.map(toWireParam),
      cookie_in: Buffer.alloc(0),
      flags: flags | MigrateFlags.PEER2PEER,
    });
  }

  /**
   * Client-managed migration to the host `dest` is connected to (virDomainMigrate3 without
   * PEER2PEER): this client drives Begin/Prepare/Perform/Finish/Confirm on both connections, so the two
   * hosts need no credentials for each other; QEMU sends the guest straight from host to host (to
   * `migrate_uri` when given, else the address the destination proposes). A failed step cancels the
   * started migration on both sides, the guest keeps running on the source, and the first error (with
   * libvirt's message) is thrown. Resolves with the domain on the destination.
   */
  async domainMigrate(
    dom: DomainRef,
    dest: LibvirtClient,
    params: MigrateParams = [],
    flags = 0,
  ): Promise<DomainRef> {
    const srcFlags =
      (flags & ~MIGRATE_P2P_ONLY) |
      ((await this.supportsChangeProtection()) ? MigrateFlags.CHANGE_PROTECTION : 0);
    const destFlags = flags & ~MIGRATE_SOURCE_ONLY & ~MIGRATE_P2P_ONLY;
    let list = migrateParamList(params).map(toWireParam);
    const setParam = (field: string, value: string) => {
      list = [...list.filter((p) => p.field !== field), toWireParam({ field, type: 'string', value })];
    };
    const wireDom = toWireDomain(dom);
    const begin = await this.call('domainMigrateBegin3Params', {
      dom: wireDom,
      params: list,
      flags: srcFlags,
    });
    let cookie = begin.cookie_out;
    const confirm = async (cancelled: boolean): Promise<void> => {
      try {
        await this.call('domainMigrateConfirm3Params', {
          dom: wireDom,
          params: list,
          cookie_in: cookie,
          flags: srcFlags,
          cancelled: cancelled ? 1 : 0,
        });
      } catch {
        // As libvirt's own client: a failed Confirm after a finished migration is only a warning, and
        // after a failure the first error is the one that matters.
      }
    };
    setParam('destination_xml', begin.xml);
    try {
      const prep = await dest.call('domainMigratePrepare3Params', {
        params: list,
        cookie_in: cookie,
        flags: destFlags,
      });
      cookie = prep.cookie_out;
      // The destination's answer wins (it adds the port it listens on), as in libvirt's own client.
      if (prep.uri_out !== null) setParam('migrate_uri', prep.uri_out);
    } catch (err) {
      await confirm(true);
      throw err;
    }
    let performError: unknown = null;
    try {
      const perf = await this.call('domainMigratePerform3Params', {
        dom: wireDom,
        dconnuri: null,
        params: list,
        cookie_in: cookie,
        flags: srcFlags,
      });
      cookie = perf.cookie_out;
    } catch (err) {
      performError = err;
    }
    // Finish runs either way: after a failed Perform it tears down the half-started guest there. It
    // finds the incoming guest by name.
    if (!list.some((p) => p.field === 'destination_name')) setParam('destination_name', dom.name);
    let arrived: DomainRef | null = null;
    let finishError: unknown = null;
    try {
      const fin = await dest.call('domainMigrateFinish3Params', {
        params: list,
        cookie_in: cookie,
        flags: destFlags,
        cancelled: performError ? 1 : 0,
      });
      cookie = fin.cookie_out;
      arrived = toDomainRef(fin.dom);
    } catch (err) {
      finishError = err;
    }
    await confirm(arrived === null || performError !== null);
    if (performError) throw performError;
    if (!arrived) throw finishError ?? new Error('migration finished without a domain');
    return arrived;
  }

  private changeProtection: Promise<boolean> | null = null;
  private supportsChangeProtection(): Promise<boolean> {
    this.changeProtection ??= this.connectSupportsFeature(DrvFeature.MIGRATE_CHANGE_PROTECTION).catch(
      () => false,
    );
    return this.changeProtection;
  }

  // ---- bulk statistics ---------------------------------------------------------------------------

  /**
   * virConnectGetAllDomainStats / virDomainListGetStats: `stats` is a virDomainStatsTypes mask
   * (0 = all), `doms` restricts the domains (empty = all matching `flags`).
   */
  async connectGetAllDomainStats(
    stats = 0,
    flags = 0,
    doms: readonly DomainRef[] = [],
  ): Promise<DomainStatsRecord[]> {
    const r = await this.call('connectGetAllDomainStats', { doms: doms.map(toWireDomain), stats, flags });
    return r.retStats.map((rec) => ({ dom: toDomainRef(rec.dom), params: rec.params.map(fromWireParam) }));
  }

  // ---- streams -----------------------------------------------------------------------------------

  /** Starts a stream-carrying call (direction from the table); the stream is discarded if the call fails. */
  private async callWithStream<N extends ProcedureName>(
    name: N,
    args: ProcArgs<N>,
  ): Promise<{ ret: ProcRet<N>; stream: LibvirtStream }> {
    const def = procedures[name] as ProcedureDef;
    const { stream, ret } = await this.connection.openStream(
      def.proc,
      def.args,
      args as never,
      def.ret,
      def.stream ?? 'duplex',
    );
    return { ret: ret as ProcRet<N>, stream };
  }

  /**
   * Opens a domain console (serial by default, or the device alias `devName`) as a Duplex: write
   * keystrokes, read output. Flags: VIR_DOMAIN_CONSOLE_FORCE / SAFE.
   */
  async domainOpenConsole(dom: DomainRef, devName: string | null = null, flags = 0): Promise<Duplex> {
    const { stream } = await this.callWithStream('domainOpenConsole', {
      dom: toWireDomain(dom),
      dev_name: devName,
      flags,
    });
    return stream;
  }

  /** Takes a screenshot of `screen`; the daemon picks the format (usually image/png or PPM). */
  async domainScreenshot(dom: DomainRef, screen = 0, flags = 0): Promise<{ mime: string; data: Buffer }> {
    const { ret, stream } = await this.callWithStream('domainScreenshot', {
      dom: toWireDomain(dom),
      screen,
      flags,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { mime: ret.mime ?? 'application/octet-stream', data: Buffer.concat(chunks) };
  }

  /**
   * Uploads into a volume: write the bytes to the returned stream and `end()` it; the upload is
   * complete when the stream emits 'finish' (the daemon confirmed). `length` 0 = up to the end.
   */
  async storageVolUpload(vol: StorageVolRef, offset = 0, length = 0, flags = 0): Promise<Writable> {
    const { stream } = await this.callWithStream('storageVolUpload', {
      vol,
      offset: BigInt(offset),
      length: BigInt(length),
      flags,
    });
    // Nothing is ever read from an upload: drain the readable side so 'end' (and finished()) follow
    // the daemon's confirmation.
    stream.resume();
    return stream;
  }

  /** Downloads a volume's bytes as a Readable. `length` 0 = up to the end. */
  async storageVolDownload(vol: StorageVolRef, offset = 0, length = 0, flags = 0): Promise<Readable> {
    const { stream } = await this.callWithStream('storageVolDownload', {
      vol,
      offset: BigInt(offset),
      length: BigInt(length),
      flags,
    });
    // Nothing is written to a download: once the data ended (the stream is complete), close the
    // writable side too, so finished()/pipeline() on the returned stream settle.
    stream.once('end', () => stream.end());
    return stream;
  }

  // ---- snapshots -------------------------------------------------------------------------------

  async domainSnapshotCreateXML(dom: DomainRef, xml: string, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef(
      (await this.call('domainSnapshotCreateXML', { dom: toWireDomain(dom), xml_desc: xml, flags })).snap,
    );
  }
  async domainListAllSnapshots(dom: DomainRef, flags = 0): Promise<SnapshotRef[]> {
    const r = await this.call('domainListAllSnapshots', {
      dom: toWireDomain(dom),
      need_results: NEED_RESULTS,
      flags,
    });
    return r.snapshots.map(toSnapshotRef);
  }
  async domainSnapshotGetXMLDesc(snap: SnapshotRef, flags = 0): Promise<string> {
    return (await this.call('domainSnapshotGetXMLDesc', { snap: toWireSnapshot(snap), flags })).xml;
  }
  async domainRevertToSnapshot(snap: SnapshotRef, flags = 0): Promise<void> {
    await this.call('domainRevertToSnapshot', { snap: toWireSnapshot(snap), flags });
  }
  async domainSnapshotDelete(snap: SnapshotRef, flags = 0): Promise<void> {
    await this.call('domainSnapshotDelete', { snap: toWireSnapshot(snap), flags });
  }
  async domainSnapshotGetParent(snap: SnapshotRef, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef(
      (await this.call('domainSnapshotGetParent', { snap: toWireSnapshot(snap), flags })).snap,
    );
  }
  async domainSnapshotCurrent(dom: DomainRef, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef((await this.call('domainSnapshotCurrent', { dom: toWireDomain(dom), flags })).snap);
  }
  async domainSnapshotLookupByName(dom: DomainRef, name: string, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef(
      (await this.call('domainSnapshotLookupByName', { dom: toWireDomain(dom), name, flags })).snap,
    );
  }
  async domainHasCurrentSnapshot(dom: DomainRef, flags = 0): Promise<boolean> {
    return (await this.call('domainHasCurrentSnapshot', { dom: toWireDomain(dom), flags })).result !== 0;
  }
  async domainSnapshotNum(dom: DomainRef, flags = 0): Promise<number> {
    return (await this.call('domainSnapshotNum', { dom: toWireDomain(dom), flags })).num;
  }

  // ---- storage pools ---------------------------------------------------------------------------

  async connectListAllStoragePools(flags = 0): Promise<StoragePoolRef[]> {
    return (await this.call('connectListAllStoragePools', { need_results: NEED_RESULTS, flags })).pools.map(
      toPoolRef,
    );
  }
  async storagePoolLookupByName(name: string): Promise<StoragePoolRef> {
    return toPoolRef((await this.call('storagePoolLookupByName', { name })).pool);
  }
  async storagePoolLookupByUUID(uuid: string): Promise<StoragePoolRef> {
    return toPoolRef((await this.call('storagePoolLookupByUUID', { uuid: uuidFromString(uuid) })).pool);
  }
  async storagePoolLookupByVolume(vol: StorageVolRef): Promise<StoragePoolRef> {
    return toPoolRef((await this.call('storagePoolLookupByVolume', { vol })).pool);
  }
  async storagePoolDefineXML(xml: string, flags = 0): Promise<StoragePoolRef> {
    return toPoolRef((await this.call('storagePoolDefineXML', { xml, flags })).pool);
  }
  async storagePoolCreateXML(xml: string, flags = 0): Promise<StoragePoolRef> {
    return toPoolRef((await this.call('storagePoolCreateXML', { xml, flags })).pool);
  }
  async storagePoolBuild(pool: StoragePoolRef, flags = 0): Promise<void> {
    await this.call('storagePoolBuild', { pool: toWirePool(pool), flags });
  }
  async storagePoolCreate(pool: StoragePoolRef, flags = 0): Promise<void> {
    await this.call('storagePoolCreate', { pool: toWirePool(pool), flags });
  }
  async storagePoolDestroy(pool: StoragePoolRef): Promise<void> {
    await this.call('storagePoolDestroy', { pool: toWirePool(pool) });
  }
  async storagePoolDelete(pool: StoragePoolRef, flags = 0): Promise<void> {
    await this.call('storagePoolDelete', { pool: toWirePool(pool), flags });
  }
  async storagePoolUndefine(pool: StoragePoolRef): Promise<void> {
    await this.call('storagePoolUndefine', { pool: toWirePool(pool) });
  }
  async storagePoolRefresh(pool: StoragePoolRef, flags = 0): Promise<void> {
    await this.call('storagePoolRefresh', { pool: toWirePool(pool), flags });
  }
  async storagePoolGetInfo(pool: StoragePoolRef): Promise<StoragePoolInfo> {
    const r = await this.call('storagePoolGetInfo', { pool: toWirePool(pool) });
    return {
      state: r.state,
      stateName: STORAGE_POOL_STATE_NAMES[r.state] ?? 'unknown',
      capacity: big(r.capacity),
      allocation: big(r.allocation),
      available: big(r.available),
    };
  }
  async storagePoolGetXMLDesc(pool: StoragePoolRef, flags = 0): Promise<string> {
    return (await this.call('storagePoolGetXMLDesc', { pool: toWirePool(pool), flags })).xml;
  }
  async storagePoolGetAutostart(pool: StoragePoolRef): Promise<boolean> {
    return (await this.call('storagePoolGetAutostart', { pool: toWirePool(pool) })).autostart !== 0;
  }
  async storagePoolSetAutostart(pool: StoragePoolRef, autostart: boolean): Promise<void> {
    await this.call('storagePoolSetAutostart', { pool: toWirePool(pool), autostart: autostart ? 1 : 0 });
  }
  async storagePoolIsActive(pool: StoragePoolRef): Promise<boolean> {
    return (await this.call('storagePoolIsActive', { pool: toWirePool(pool) })).active !== 0;
  }
  async storagePoolListAllVolumes(pool: StoragePoolRef, flags = 0): Promise<StorageVolRef[]> {
    const r = await this.call('storagePoolListAllVolumes', {
      pool: toWirePool(pool),
      need_results: NEED_RESULTS,
      flags,
    });
    return r.vols.map(toVolRef);
  }

  // ---- storage volumes -------------------------------------------------------------------------

  async storageVolLookupByName(pool: StoragePoolRef, name: string): Promise<StorageVolRef> {
    return toVolRef((await this.call('storageVolLookupByName', { pool: toWirePool(pool), name })).vol);
  }
  async storageVolLookupByPath(path: string): Promise<StorageVolRef> {
    return toVolRef((await this.call('storageVolLookupByPath', { path })).vol);
  }
  async storageVolLookupByKey(key: string): Promise<StorageVolRef> {
    return toVolRef((await this.call('storageVolLookupByKey', { key })).vol);
  }
  async storageVolCreateXML(pool: StoragePoolRef, xml: string, flags = 0): Promise<StorageVolRef> {
    return toVolRef((await this.call('storageVolCreateXML', { pool: toWirePool(pool), xml, flags })).vol);
  }
  /** Creates a volume in `pool` as a copy of `source` (clone). */
  async storageVolCreateXMLFrom(
    pool: StoragePoolRef,
    xml: string,
    source: StorageVolRef,
    flags = 0,
  ): Promise<StorageVolRef> {
    return toVolRef(
      (await this.call('storageVolCreateXMLFrom', { pool: toWirePool(pool), xml, clonevol: source, flags }))
        .vol,
    );
  }
  async storageVolDelete(vol: StorageVolRef, flags = 0): Promise<void> {
    await this.call('storageVolDelete', { vol, flags });
  }
  /** New capacity in bytes. */
  async storageVolResize(vol: StorageVolRef, capacity: number, flags = 0): Promise<void> {
    await this.call('storageVolResize', { vol, capacity: BigInt(Math.trunc(capacity)), flags });
  }
  async storageVolWipe(vol: StorageVolRef, flags = 0): Promise<void> {
    await this.call('storageVolWipe', { vol, flags });
  }
  async storageVolGetInfo(vol: StorageVolRef): Promise<StorageVolInfo> {
    const r = await this.call('storageVolGetInfo', { vol });
    return {
      type: r.type,
      typeName: STORAGE_VOL_TYPE_NAMES[r.type] ?? 'unknown',
      capacity: big(r.capacity),
      allocation: big(r.allocation),
    };
  }
  async storageVolGetXMLDesc(vol: StorageVolRef, flags = 0): Promise<string> {
    return (await this.call('storageVolGetXMLDesc', { vol, flags })).xml;
  }
  async storageVolGetPath(vol: StorageVolRef): Promise<string> {
    return (await this.call('storageVolGetPath', { vol })).name;
  }

  // ---- networks --------------------------------------------------------------------------------

  async connectListAllNetworks(flags = 0): Promise<NetworkRef[]> {
    return (await this.call('connectListAllNetworks', { need_results: NEED_RESULTS, flags })).nets.map(
      toNetworkRef,
    );
  }
  async networkLookupByName(name: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkLookupByName', { name })).net);
  }
  async networkLookupByUUID(uuid: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkLookupByUUID', { uuid: uuidFromString(uuid) })).net);
  }
  async networkDefineXML(xml: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkDefineXML', { xml })).net);
  }
  async networkCreateXML(xml: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkCreateXML', { xml })).net);
  }
  async networkCreate(net: NetworkRef): Promise<void> {
    await this.call('networkCreate', { net: toWireNetwork(net) });
  }
  async networkDestroy(net: NetworkRef): Promise<void> {
    await this.call('networkDestroy', { net: toWireNetwork(net) });
  }
  async networkUndefine(net: NetworkRef): Promise<void> {
    await this.call('networkUndefine', { net: toWireNetwork(net) });
  }
  async networkGetXMLDesc(net: NetworkRef, flags = 0): Promise<string> {
    return (await this.call('networkGetXMLDesc', { net: toWireNetwork(net), flags })).xml;
  }
  async networkGetAutostart(net: NetworkRef): Promise<boolean> {
    return (await this.call('networkGetAutostart', { net: toWireNetwork(net) })).autostart !== 0;
  }
  async networkSetAutostart(net: NetworkRef, autostart: boolean): Promise<void> {
    await this.call('networkSetAutostart', { net: toWireNetwork(net), autostart: autostart ? 1 : 0 });
  }
  async networkIsActive(net: NetworkRef): Promise<boolean> {
    return (await this.call('networkIsActive', { net: toWireNetwork(net) })).active !== 0;
  }
  async networkGetBridgeName(net: NetworkRef): Promise<string> {
    return (await this.call('networkGetBridgeName', { net: toWireNetwork(net) })).name;
  }
  async networkGetDHCPLeases(net: NetworkRef, mac: string | null = null, flags = 0): Promise<DhcpLease[]> {
    const r = await this.call('networkGetDHCPLeases', {
      net: toWireNetwork(net),
      mac,
      need_results: NEED_RESULTS,
      flags,
    });
    return r.leases.map((l) => ({
      ...l,
      expirytime: big(l.expirytime),
      type: l.type === 1 ? 'ipv6' : 'ipv4',
    }));
  }

  // ---- node devices and host interfaces --------------------------------------------------------

  async connectListAllNodeDevices(flags = 0): Promise<NodeDeviceRef[]> {
    return (await this.call('connectListAllNodeDevices', { need_results: NEED_RESULTS, flags })).devices;
  }
  async nodeDeviceLookupByName(name: string): Promise<NodeDeviceRef> {
    return (await this.call('nodeDeviceLookupByName', { name })).dev;
  }
  async nodeDeviceGetXMLDesc(name: string, flags = 0): Promise<string> {
    return (await this.call('nodeDeviceGetXMLDesc', { name, flags })).xml;
  }
  async connectListAllInterfaces(flags = 0): Promise<InterfaceRef[]> {
    return (await this.call('connectListAllInterfaces', { need_results: NEED_RESULTS, flags })).ifaces.map(
      toInterfaceRef,
    );
  }
  async interfaceLookupByName(name: string): Promise<InterfaceRef> {
    return toInterfaceRef((await this.call('interfaceLookupByName', { name })).iface);
  }
  async interfaceGetXMLDesc(iface: InterfaceRef, flags = 0): Promise<string> {
    return (await this.call('interfaceGetXMLDesc', { iface, flags })).xml;
  }

  // ---- events ----------------------------------------------------------------------------------

  /**
   * Registers for lifecycle, reboot, device added/removed, job completed and agent lifecycle events of
   * every domain; they arrive as 'domainEvent'. Event IDs the daemon refuses are skipped. Returns the
   * kinds actually registered. Idempotent.
   */
  async subscribeDomainEvents(): Promise<DomainEventKind[]> {
    const kinds: DomainEventKind[] = [];
    if (this.domainCallbacks.size > 0) {
      for (const name of this.domainCallbacks.values()) kinds.push(DOMAIN_KIND_BY_MESSAGE[name]);
      return kinds;
    }
    for (const { eventID, message } of DOMAIN_EVENT_SUBSCRIPTIONS) {
      this.listen(message);
      try {
        const { callbackID } = await this.call('connectDomainEventCallbackRegisterAny', {
          eventID,
          dom: null,
        });
        this.domainCallbacks.set(callbackID, message);
        kinds.push(DOMAIN_KIND_BY_MESSAGE[message]);
      } catch (err) {
        if (this.closed) throw err;
        /* refused by this daemon/driver: skip */
      }
    }
    return kinds;
  }

  async unsubscribeDomainEvents(): Promise<void> {
    const ids = [...this.domainCallbacks.keys()];
    this.domainCallbacks.clear();
    await Promise.all(
      ids.map((callbackID) =>
        this.call('connectDomainEventCallbackDeregisterAny', { callbackID }).catch(() => undefined),
      ),
    );
  }

  /** Network lifecycle events ('networkEvent'). */
  async subscribeNetworkEvents(): Promise<void> {
    if (this.networkCallbacks.size > 0) return;
    this.listen('networkEventLifecycle');
    const { callbackID } = await this.call('connectNetworkEventRegisterAny', {
      eventID: NetworkEventId.LIFECYCLE,
      net: null,
    });
    this.networkCallbacks.add(callbackID);
  }

  async unsubscribeNetworkEvents(): Promise<void> {
    const ids = [...this.networkCallbacks];
    this.networkCallbacks.clear();
    await Promise.all(
      ids.map((callbackID) =>
        this.call('connectNetworkEventDeregisterAny', { callbackID }).catch(() => undefined),
      ),
    );
  }

  /** Storage pool lifecycle and refresh events ('poolEvent'). */
  async subscribePoolEvents(): Promise<void> {
    if (this.poolCallbacks.size > 0) return;
    this.listen('storagePoolEventLifecycle');
    this.listen('storagePoolEventRefresh');
    for (const eventID of [StoragePoolEventId.LIFECYCLE, StoragePoolEventId.REFRESH]) {
      const { callbackID } = await this.call('connectStoragePoolEventRegisterAny', { eventID, pool: null });
      this.poolCallbacks.add(callbackID);
    }
  }

  async unsubscribePoolEvents(): Promise<void> {
    const ids = [...this.poolCallbacks];
    this.poolCallbacks.clear();
    await Promise.all(
      ids.map((callbackID) =>
        this.call('connectStoragePoolEventDeregisterAny', { callbackID }).catch(() => undefined),
      ),
    );
  }

  // ---- internals -------------------------------------------------------------------------------

  private readonly listening = new Set<EventMessageName>();

  private listen(name: EventMessageName): void {
    if (this.listening.has(name)) return;
    this.listening.add(name);
    const def = eventMessages[name];
    const off = this.connection.onMessage(def.proc, (packet) => {
      let body: { callbackID: number };
      try {
        body = decode(def.msg as XdrType, packet.payload) as { callbackID: number };
      } catch {
        return; // a malformed event must not take the connection down
      }
      this.dispatchEvent(name, body);
    });
    this.unlisten.push(off);
  }

  private dispatchEvent(name: EventMessageName, body: { callbackID: number }): void {
    if (name === 'networkEventLifecycle') {
      if (!this.networkCallbacks.has(body.callbackID)) return;
      const m = body as EventMessageBody<'networkEventLifecycle'>;
      this.emit('networkEvent', {
        kind: 'lifecycle',
        net: toNetworkRef(m.net),
        event: NETWORK_EVENT_TYPE_NAMES[m.event] ?? 'unknown',
        eventCode: m.event,
        detail: m.detail,
      });
      return;
    }
    if (name === 'storagePoolEventLifecycle' || name === 'storagePoolEventRefresh') {
      if (!this.poolCallbacks.has(body.callbackID)) return;
      if (name === 'storagePoolEventRefresh') {
        this.emit('poolEvent', {
          kind: 'refresh',
          pool: toPoolRef((body as EventMessageBody<'storagePoolEventRefresh'>).pool),
        });
      } else {
        const m = body as EventMessageBody<'storagePoolEventLifecycle'>;
        this.emit('poolEvent', {
          kind: 'lifecycle',
          pool: toPoolRef(m.pool),
          event: STORAGE_POOL_EVENT_TYPE_NAMES[m.event] ?? 'unknown',
          eventCode: m.event,
          detail: m.detail,
        });
      }
      return;
    }
    if (this.domainCallbacks.get(body.callbackID) !== name) return;
    const event = toDomainEvent(name, body as EventMessageBody<typeof name>);
    if (event) this.emit('domainEvent', event);
  }

  private async twoStepParams(
    name: 'domainGetMemoryParameters' | 'domainGetBlkioParameters' | 'domainGetNumaParameters',
    dom: DomainRef,
    flags: number,
  ): Promise<TypedParam[]> {
    const wire = toWireDomain(dom);
    const f = flags | (await this.stringOkay());
    const n = (await this.call(name, { dom: wire, nparams: 0, flags: f })).nparams;
    if (n <= 0) return [];
    return (await this.call(name, { dom: wire, nparams: n, flags: f })).params.map(fromWireParam);
  }

  /** Sets typed parameters; a plain record takes its wire types from the current values. */
  private async setParams(
    name:
      | 'domainSetSchedulerParametersFlags'
      | 'domainSetMemoryParameters'
      | 'domainSetBlkioParameters'
      | 'domainSetNumaParameters',
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    current: () => Promise<TypedParam[]>,
    flags: number,
  ): Promise<void> {
    const list = Array.isArray(params) ? params : toTypedParams(params, await this.typesOf(current()));
    await this.call(name, { dom: toWireDomain(dom), params: list.map(toWireParam), flags });
  }

  private async typesOf(params: Promise<TypedParam[]>): Promise<Record<string, TypedParamKind>> {
    try {
      return Object.fromEntries((await params).map((p) => [p.field, p.type]));
    } catch {
      return {};
    }
  }

  private hostCpus: number | undefined;
  private typedParamString: Promise<number> | undefined;

  /** VIR_TYPED_PARAM_STRING_OKAY when the driver supports string parameters (as the C API adds it). */
  private stringOkay(): Promise<number> {
    this.typedParamString ??= this.connectSupportsFeature(DrvFeature.TYPED_PARAM_STRING).then(
      (ok) => (ok ? TYPED_PARAM_STRING_OKAY : 0),
      () => 0,
    );
    return this.typedParamString;
  }

  private async hostCpuCount(): Promise<number> {
    this.hostCpus ??= (await this.nodeGetInfo()).cpus;
    return this.hostCpus;
  }
}

const DOMAIN_KIND_BY_MESSAGE: Record<EventMessageName, DomainEventKind> = {
  domainEventCallbackLifecycle: 'lifecycle',
  domainEventCallbackReboot: 'reboot',
  domainEventCallbackDeviceAdded: 'deviceAdded',
  domainEventCallbackDeviceRemoved: 'deviceRemoved',
  domainEventCallbackJobCompleted: 'jobCompleted',
  domainEventCallbackAgentLifecycle: 'agentLifecycle',
} as Record<EventMessageName, DomainEventKind>;
