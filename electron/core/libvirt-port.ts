/**
 * The libvirt wire client types the core uses (electron/libvirt). `getClient()` hands out the real
 * `LibvirtClient`, so feature services (consoles, stats, host) get its full API.
 */
import type { LibvirtClient } from '../libvirt/index.js';

export type {
  CloseInfo,
  DomainEvent,
  DomainInterfaceInfo,
  DomainRef,
  LibvirtClient,
  StorageVolRef,
} from '../libvirt/index.js';

export type OpenConnectionFn = (uri: string) => Promise<LibvirtClient>;
