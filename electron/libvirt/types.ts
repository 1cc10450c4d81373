/**
 * Plain-JS shapes of the typed client: object references with canonical UUID strings, numbers instead
 * of XDR hypers, `TypedParam` instead of the wire union, and the events the client emits.
 */
import type { CloseInfo } from './engine.js';
import type {
  DomainEventTypeName,
  NETWORK_EVENT_TYPE_NAMES,
  STORAGE_POOL_EVENT_TYPE_NAMES,
  STORAGE_POOL_STATE_NAMES,
  STORAGE_VOL_TYPE_NAMES,
} from './protocol/constants.js';

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
