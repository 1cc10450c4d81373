/**
 * The typed Promise API over libvirt's remote protocol.
 *
 * `LibvirtClient` is the RPC core (rpc-core.ts: the generic `call(name, args)` of the declarative
 * procedure table, streams, events, 'close') plus one module per libvirt object area in api/, the way
 * libvirt-python has a class per object. Method names are libvirt's own C names without the `vir`
 * prefix (`domainGetXMLDesc` ↔ virDomainGetXMLDesc), so they can be looked up in libvirt's docs.
 * Shapes are plain JS (types.ts): `DomainRef` with a canonical UUID string, numbers instead of XDR
 * hypers, `TypedParam` instead of the wire union.
 */
import { DomainTuningApi } from './api/domain-tuning.js';
import { DomainApi } from './api/domains.js';
import { EventApi } from './api/events.js';
import { HostApi } from './api/host.js';
import { MigrationApi } from './api/migration.js';
import { NetworkApi } from './api/networks.js';
import { NodeDeviceApi } from './api/node-devices.js';
import { SnapshotApi } from './api/snapshots.js';
import { StorageApi } from './api/storage.js';
import { StreamApi } from './api/streams.js';
import { RpcCore } from './rpc-core.js';

export type * from './types.js';
export type { WireConnection } from './rpc-core.js';
export type { MigrateParams } from './api/migration.js';
export { charsToString, toDomainRef, toWireDomain, uuidFromString, uuidToString } from './convert.js';
export { fromWireParam, paramsToRecord, toTypedParams, toWireParam } from './typed-params.js';
export { toDomainEvent } from './event-mapping.js';

/** The per-area method sets composed into LibvirtClient (each a subclass of RpcCore without state). */
const AREAS = [
  HostApi,
  DomainApi,
  DomainTuningApi,
  MigrationApi,
  SnapshotApi,
  StorageApi,
  NetworkApi,
  NodeDeviceApi,
  EventApi,
  StreamApi,
] as const;

// The class and this interface merge: tsc sees every area's methods on LibvirtClient, and
// mixAreasInto() below puts them on its prototype. Areas keep their state in RpcCore (field
// initialisers of an area class would never run), which is why the merge is safe here.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LibvirtClient
  extends
    HostApi,
    DomainApi,
    DomainTuningApi,
    MigrationApi,
    SnapshotApi,
    StorageApi,
    NetworkApi,
    NodeDeviceApi,
    EventApi,
    StreamApi {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LibvirtClient extends RpcCore {}

/** Copies each area's methods onto the client's prototype; two areas defining one name is a bug. */
function mixAreasInto(target: typeof RpcCore, areas: readonly (typeof RpcCore)[]): void {
  const owner = new Map<string, string>();
  for (const area of areas) {
    for (const name of Object.getOwnPropertyNames(area.prototype)) {
      if (name === 'constructor') continue;
      const previous = owner.get(name);
      if (previous !== undefined) throw new Error(`${area.name}.${name} is already defined by ${previous}`);
      if (Object.prototype.hasOwnProperty.call(RpcCore.prototype, name))
        throw new Error(`${area.name}.${name} would hide RpcCore.${name}`);
      owner.set(name, area.name);
      const descriptor = Object.getOwnPropertyDescriptor(area.prototype, name);
      if (descriptor) Object.defineProperty(target.prototype, name, descriptor);
    }
  }
}

mixAreasInto(LibvirtClient, AREAS);
