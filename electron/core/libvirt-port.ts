/**
 * The subset of the libvirt wire client (electron/libvirt) that the core uses. Kept as a structural
 * interface so the core can be unit-tested with a fake and so the wire client can evolve independently.
 */
export interface DomainRef {
  name: string;
  uuid: string;
  id: number;
}

export interface StorageVolRef {
  pool: string;
  name: string;
  key: string;
}

export interface DomainInfo {
  state: number;
  maxMem: number;
  memory: number;
  nrVirtCpu: number;
  cpuTime: number;
}

export interface DomainInterface {
  name: string;
  hwaddr: string | null;
  addrs: { type: number; addr: string; prefix: number }[];
}

export interface CloseInfo {
  reason: string;
  error?: Error | null;
}

export interface DomainLifecycleEvent {
  dom: DomainRef;
  /** 'defined' | 'undefined' | 'started' | 'stopped' | … or the numeric virDomainEventType. */
  event?: string | number;
  detail?: string | number;
}

export interface LibvirtClientPort {
  on(event: 'close', listener: (info: CloseInfo) => void): unknown;
  on(event: 'domainEvent', listener: (e: DomainLifecycleEvent) => void): unknown;
  off?(event: string, listener: (...args: never[]) => void): unknown;
  close(): Promise<void> | void;
  subscribeDomainEvents(): Promise<unknown>;
  connectGetHostname?(): Promise<string>;
  connectListAllDomains(flags?: number): Promise<DomainRef[]>;
  domainGetInfo(dom: DomainRef): Promise<DomainInfo>;
  domainGetState?(dom: DomainRef, flags?: number): Promise<{ state: number; reason: number }>;
  domainGetXMLDesc(dom: DomainRef, flags?: number): Promise<string>;
  domainGetAutostart(dom: DomainRef): Promise<boolean>;
  domainSetAutostart(dom: DomainRef, autostart: boolean): Promise<void>;
  domainIsPersistent?(dom: DomainRef): Promise<boolean>;
  domainHasManagedSaveImage(dom: DomainRef, flags?: number): Promise<boolean>;
  domainCreate(dom: DomainRef): Promise<unknown>;
  domainShutdown(dom: DomainRef): Promise<unknown>;
  domainReboot(dom: DomainRef, flags?: number): Promise<unknown>;
  domainDestroy(dom: DomainRef): Promise<unknown>;
  domainReset(dom: DomainRef, flags?: number): Promise<unknown>;
  domainSuspend(dom: DomainRef): Promise<unknown>;
  domainResume(dom: DomainRef): Promise<unknown>;
  domainManagedSave(dom: DomainRef, flags?: number): Promise<unknown>;
  domainRename(dom: DomainRef, newName: string, flags?: number): Promise<unknown>;
  domainUndefineFlags(dom: DomainRef, flags: number): Promise<unknown>;
  domainInterfaceAddresses?(dom: DomainRef, source: number, flags?: number): Promise<DomainInterface[]>;
  domainGetBlockInfo?(
    dom: DomainRef,
    path: string,
    flags?: number,
  ): Promise<{ capacity: number; allocation: number; physical: number }>;
  storageVolLookupByPath?(path: string): Promise<StorageVolRef>;
  storageVolGetInfo?(vol: StorageVolRef): Promise<{ type: number; capacity: number; allocation: number }>;
  storageVolDelete?(vol: StorageVolRef, flags?: number): Promise<unknown>;
  storageVolGetPath?(vol: StorageVolRef): Promise<string>;
  storageVolLookupByName?(pool: { name: string; uuid: string }, name: string): Promise<StorageVolRef>;
  storagePoolLookupByName?(name: string): Promise<{ name: string; uuid: string }>;
}

export type OpenConnectionFn = (uri: string) => Promise<LibvirtClientPort>;
