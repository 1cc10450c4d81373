/**
 * Storage pools and volumes (virStoragePool*, virStorageVol*).
 */
import { big, toPoolRef, toVolRef, toWirePool, uuidFromString } from '../convert.js';
import { STORAGE_POOL_STATE_NAMES, STORAGE_VOL_TYPE_NAMES } from '../protocol/constants.js';
import { NEED_RESULTS, RpcCore } from '../rpc-core.js';
import type { StoragePoolInfo, StoragePoolRef, StorageVolInfo, StorageVolRef } from '../types.js';

export class StorageApi extends RpcCore {
  async connectListAllStoragePools(flags = 0): Promise<StoragePoolRef[]> {
    return (await this.call('connectListAllStoragePools', { need_results: NEED_RESULTS, flags })).pools.map(
      toPoolRef,
    );
  }
  /**
   * virConnectFindStoragePoolSources: what `type`'s backend discovers, as a `<sources>` document. `srcSpec`
   * is a `<source>` naming where to look (an iSCSI portal, an NFS server…); null for types that need none.
   */
  async connectFindStoragePoolSources(
    type: string,
    srcSpec: string | null = null,
    flags = 0,
  ): Promise<string> {
    return (await this.call('connectFindStoragePoolSources', { type, srcSpec, flags })).xml;
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
  /** The storage driver's pool capabilities XML (formatstoragecaps): which pool types it supports. */
  async connectGetStoragePoolCapabilities(flags = 0): Promise<string> {
    return (await this.call('connectGetStoragePoolCapabilities', { flags })).capabilities;
  }
  async storagePoolIsPersistent(pool: StoragePoolRef): Promise<boolean> {
    return (await this.call('storagePoolIsPersistent', { pool: toWirePool(pool) })).persistent !== 0;
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
}
