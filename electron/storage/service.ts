/**
 * Storage pools and volumes of a connection: the Storage page's list, pool lifecycle (start, stop,
 * refresh, autostart, delete with data, undefine), new pools of every type libvirt builds, and volumes
 * (create with an optional backing volume, resize, clone, wipe, delete). Pool events keep renderers
 * current; actions announce their own change ('storage.changed'), since volume changes have no event.
 *
 * Every multi-step change undoes what it made when a later step fails (a pool defined but not
 * buildable is undefined again), so bad input leaves nothing behind.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import {
  missingPoolFields,
  type CreatePoolInput,
  type FoundPoolSource,
  type CreateVolumeInput,
  type StoragePool,
  type StorageVolume,
} from '../../shared/contract/storage.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import {
  ErrorCode,
  LibvirtConnectionError,
  StoragePoolBuildFlags,
  libvirtCode,
  type LibvirtClient,
  type StoragePoolEvent,
  type StoragePoolRef,
  type StorageVolRef,
} from '../libvirt/index.js';
import {
  PoolXml,
  VolumeXml,
  newPoolXml,
  newVolumeXml,
  parsePoolCapabilities,
  parsePoolSources,
  poolSourceSpecXml,
} from '../libvirt-xml/index.js';
import { StorageUsage, vmList, type StorageUser } from './usage.js';

/** Tells renderers that storage of a connection changed (`pool`: which one, when known). */
export type StorageChanged = (connectionId: string, pool: string | null) => void;

const FIELD_WORDS: Record<string, string> = {
  targetPath: 'a target folder',
  sourceDevice: 'a source device',
  sourceHost: 'a server',
  sourceDir: 'an exported folder',
  sourceName: 'a source name',
};

export const formatBytes = (n: number): string => {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
};

/** Which VMs use which storage, or nobody when the caller does not show it (no domain is read then). */
const usageOf = (c: LibvirtClient, users: boolean): Promise<StorageUsage> =>
  users ? StorageUsage.read(c) : Promise.resolve(StorageUsage.none);

export class StorageService {
  private readonly listeners = new Map<string, { client: LibvirtClient; off: () => void }>();

  constructor(
    private readonly connections: ClientSource,
    private readonly changed: StorageChanged,
  ) {}

  // ---- connection lifecycle ----------------------------------------------------------------------

  /** Subscribes to the connection's pool events (best effort: without them, actions still announce). */
  attach(connectionId: string, client: LibvirtClient): void {
    this.detach(connectionId);
    const onEvent = (e: StoragePoolEvent): void => this.changed(connectionId, e.pool.name);
    client.on('poolEvent', onEvent);
    this.listeners.set(connectionId, { client, off: () => client.off('poolEvent', onEvent) });
    client.subscribePoolEvents().catch(() => undefined);
  }

  detach(connectionId: string): void {
    this.listeners.get(connectionId)?.off();
    this.listeners.delete(connectionId);
  }

  // ---- pools -------------------------------------------------------------------------------------

  /** `users: false` leaves `usedBy` empty and reads no domain (for pickers that do not show it). */
  async pools(connectionId: string, { users = true } = {}): Promise<CallOutput<'storage.pools'>> {
    const c = this.connections.getClient(connectionId);
    const [refs, usage] = await Promise.all([c.connectListAllStoragePools(0), usageOf(c, users)]);
    const pools = await Promise.all(refs.map((p) => this.describePool(c, p, usage).catch(() => null)));
    return {
      pools: pools.filter((p): p is StoragePool => p !== null).sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  async poolTypes(connectionId: string): Promise<CallOutput<'storage.poolTypes'>> {
    const c = this.connections.getClient(connectionId);
    return { types: parsePoolCapabilities(await c.connectGetStoragePoolCapabilities(0)) };
  }

  /**
   * What libvirt's backend of `type` finds where `host` points (or on this host, for logical). libvirt
   * answers "Failed to find any … pool sources" both when there are none and when it could not look;
   * the error keeps its reason (iscsiadm's or libiscsi's own words) as the detail.
   */
  async findPoolSources(
    input: CallInput<'storage.findPoolSources'>,
  ): Promise<CallOutput<'storage.findPoolSources'>> {
    const c = this.connections.getClient(input.connectionId);
    const spec = poolSourceSpecXml({ type: input.type, host: input.host, port: input.port });
    const where = input.host ? ` on ${input.host}${input.port ? `:${input.port}` : ''}` : ' on this host';
    let xml: string;
    try {
      xml = await c.connectFindStoragePoolSources(input.type, spec, 0);
    } catch (e) {
      if (libvirtCode(e) === ErrorCode.NO_SUPPORT)
        throw new CoreError(
          'libvirt',
          `This host's libvirt cannot search for ${input.type} pool sources. (libvirt: ${(e as Error).message.trim()})`,
        );
      throw this.failure(`No ${input.type} pool sources were found${where}`, e);
    }
    const sources: FoundPoolSource[] = parsePoolSources(xml).map((src) => ({
      host: src.hosts[0]?.name || null,
      port: src.hosts[0]?.port ?? null,
      device: src.devices[0] ?? null,
      dir: src.dir,
      name: src.name,
      format: src.format,
    }));
    return { sources };
  }

  async createPool(input: CreatePoolInput): Promise<StoragePool> {
    const c = this.connections.getClient(input.connectionId);
    const missing = missingPoolFields(input);
    if (missing.length > 0)
      throw new CoreError(
        'invalid-input',
        `A ${input.type} pool needs ${missing.map((f) => FIELD_WORDS[f]).join(' and ')}.`,
        missing.map((f) => ({ path: [f], message: `A ${input.type} pool needs ${FIELD_WORDS[f]}` })),
      );
    const existing = await c.storagePoolLookupByName(input.name).catch(() => null);
    if (existing)
      throw new CoreError(
        'duplicate',
        `There is already a storage pool named '${input.name}' on this connection.`,
        [{ path: ['name'], message: 'A pool with this name exists already' }],
      );
    const what = `pool '${input.name}'`;
    const pool = await c.storagePoolDefineXML(newPoolXml(input)).catch((e: unknown) => {
      throw this.failure(`Could not define the storage ${what}`, e);
    });
    try {
      if (input.build !== false) {
        await c.storagePoolBuild(
          pool,
          input.noOverwrite === false ? StoragePoolBuildFlags.OVERWRITE : this.buildFlags(input.type),
        );
      }
      await c.storagePoolCreate(pool, 0);
      if (input.autostart !== false) await c.storagePoolSetAutostart(pool, true);
    } catch (e) {
      // Nothing half-made: a pool that cannot be built or started is not left defined.
      if (e instanceof LibvirtConnectionError) throw e;
      await c.storagePoolDestroy(pool).catch(() => undefined);
      await c.storagePoolUndefine(pool).catch(() => undefined);
      throw this.failure(`Could not create the storage ${what}`, e);
    }
    this.changed(input.connectionId, input.name);
    return this.describePool(c, pool, await StorageUsage.read(c));
  }

  /** Building a dir pool over an existing folder is fine; for devices, never overwrite data by default. */
  private buildFlags(type: string): number {
    return type === 'dir' ? StoragePoolBuildFlags.NEW : StoragePoolBuildFlags.NO_OVERWRITE;
  }

  async poolAction(
    connectionId: string,
    name: string,
    action: 'start' | 'stop' | 'refresh' | 'undefine',
  ): Promise<null> {
    const c = this.connections.getClient(connectionId);
    const pool = await this.lookupPool(c, name);
    const verb = { start: 'start', stop: 'stop', refresh: 'refresh', undefine: 'remove' }[action];
    try {
      if (action === 'start') await c.storagePoolCreate(pool, 0);
      else if (action === 'stop') {
        const users = await this.poolUsers(c, pool);
        if (users.length > 0)
          throw new CoreError(
            'in-use',
            `Pool '${name}' is used by ${vmList(users)}; stop ${users.length === 1 ? 'it' : 'them'} first.`,
          );
        await c.storagePoolDestroy(pool);
      } else if (action === 'refresh') await c.storagePoolRefresh(pool, 0);
      else await c.storagePoolUndefine(pool);
    } catch (e) {
      throw this.failure(`Could not ${verb} pool '${name}'`, e);
    }
    this.changed(connectionId, name);
    return null;
  }

  async setAutostart(connectionId: string, name: string, autostart: boolean): Promise<null> {
    const c = this.connections.getClient(connectionId);
    const pool = await this.lookupPool(c, name);
    await c.storagePoolSetAutostart(pool, autostart).catch((e: unknown) => {
      throw this.failure(`Could not change autostart of pool '${name}'`, e);
    });
    this.changed(connectionId, name);
    return null;
  }

  /** Every volume, the pool's own storage (virStoragePoolDelete) and its definition. */
  async deletePool(connectionId: string, name: string): Promise<null> {
    const c = this.connections.getClient(connectionId);
    const pool = await this.lookupPool(c, name);
    const users = await this.poolUsers(c, pool);
    if (users.length > 0)
      throw new CoreError('in-use', `Pool '${name}' is used by ${vmList(users)}: it was not deleted.`);
    try {
      if (!(await c.storagePoolIsActive(pool))) await c.storagePoolCreate(pool, 0);
      for (const vol of await c.storagePoolListAllVolumes(pool, 0)) await c.storageVolDelete(vol, 0);
      await c.storagePoolDestroy(pool);
      await c.storagePoolDelete(pool, 0);
      if (await c.storagePoolIsPersistent(pool).catch(() => false)) await c.storagePoolUndefine(pool);
    } catch (e) {
      this.changed(connectionId, name);
      throw this.failure(`Could not delete pool '${name}'`, e);
    }
    this.changed(connectionId, name);
    return null;
  }

  // ---- volumes -----------------------------------------------------------------------------------

  /** `users: false` as for `pools`. */
  async volumes(
    connectionId: string,
    poolName: string,
    { users = true } = {},
  ): Promise<CallOutput<'storage.volumes'>> {
    const c = this.connections.getClient(connectionId);
    const pool = await this.lookupPool(c, poolName);
    if (!(await c.storagePoolIsActive(pool))) return { volumes: [] };
    const [refs, usage] = await Promise.all([c.storagePoolListAllVolumes(pool, 0), usageOf(c, users)]);
    const vols = await Promise.all(refs.map((v) => this.describeVolume(c, v, usage).catch(() => null)));
    return {
      volumes: vols
        .filter((v): v is StorageVolume => v !== null)
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  async createVolume(input: CreateVolumeInput & { format: 'qcow2' | 'raw' }): Promise<StorageVolume> {
    const c = this.connections.getClient(input.connectionId);
    const pool = await this.lookupPool(c, input.pool);
    await this.refuseExistingVolume(c, pool, input.name);
    await this.checkFits(c, pool, input.capacity, input.format === 'raw');
    let backing: { path: string; format: string | null } | null = null;
    if (input.backingPath) {
      const base = await c.storageVolLookupByPath(input.backingPath).catch(() => {
        throw new CoreError('not-found', `There is no volume at ${input.backingPath} to start from.`, [
          { path: ['backingPath'], message: 'No volume has this path' },
        ]);
      });
      backing = {
        path: input.backingPath,
        format: VolumeXml.parse(await c.storageVolGetXMLDesc(base, 0)).format,
      };
    }
    const vol = await c
      .storageVolCreateXML(
        pool,
        newVolumeXml({
          name: input.name,
          capacityBytes: input.capacity,
          format: input.format,
          // qcow2 grows as it is written; raw is allocated in full now, so the space is really there.
          ...(input.format === 'qcow2' ? { allocationBytes: 0 } : {}),
          backing,
        }),
        0,
      )
      .catch((e: unknown) => {
        throw this.failure(`Could not create volume '${input.name}' in pool '${input.pool}'`, e);
      });
    this.changed(input.connectionId, input.pool);
    return this.describeVolume(c, vol, await StorageUsage.read(c));
  }

  async resizeVolume(connectionId: string, poolName: string, name: string, capacity: number): Promise<null> {
    const c = this.connections.getClient(connectionId);
    const vol = await this.lookupVolume(c, poolName, name);
    const info = await c.storageVolGetInfo(vol);
    if (capacity < info.capacity)
      throw new CoreError(
        'invalid-input',
        `Volume '${name}' is ${formatBytes(info.capacity)}; shrinking it would destroy the data at its end, so it is refused.`,
        [{ path: ['capacity'], message: `At least ${formatBytes(info.capacity)}` }],
      );
    await c.storageVolResize(vol, capacity, 0).catch((e: unknown) => {
      throw this.failure(`Could not resize volume '${name}'`, e);
    });
    this.changed(connectionId, poolName);
    return null;
  }

  async cloneVolume(
    connectionId: string,
    poolName: string,
    name: string,
    newName: string,
  ): Promise<StorageVolume> {
    const c = this.connections.getClient(connectionId);
    const pool = await this.lookupPool(c, poolName);
    const source = await this.lookupVolume(c, poolName, name);
    await this.refuseExistingVolume(c, pool, newName, 'newName');
    const xml = VolumeXml.parse(await c.storageVolGetXMLDesc(source, 0));
    const info = await c.storageVolGetInfo(source);
    await this.checkFits(c, pool, info.allocation, false);
    const copy = await c
      .storageVolCreateXMLFrom(
        pool,
        newVolumeXml({ name: newName, capacityBytes: info.capacity, format: xml.format }),
        source,
        0,
      )
      .catch(async (e: unknown) => {
        // A copy that failed half way is removed (unless the connection is gone: then it is named).
        if (e instanceof LibvirtConnectionError)
          throw new CoreError(
            'connection',
            `${e.message}. Cloning '${name}' was interrupted; a partial volume '${newName}' may be left in pool '${poolName}'.`,
          );
        const partial = await c.storageVolLookupByName(pool, newName).catch(() => null);
        if (partial) await c.storageVolDelete(partial, 0).catch(() => undefined);
        throw this.failure(`Could not clone volume '${name}'`, e);
      });
    this.changed(connectionId, poolName);
    return this.describeVolume(c, copy, await StorageUsage.read(c));
  }

  async wipeVolume(connectionId: string, poolName: string, name: string, force: boolean): Promise<null> {
    const c = this.connections.getClient(connectionId);
    const vol = await this.lookupVolume(c, poolName, name);
    await this.refuseInUse(c, vol, force, 'wiped');
    await c.storageVolWipe(vol, 0).catch((e: unknown) => {
      throw this.failure(`Could not wipe volume '${name}'`, e);
    });
    this.changed(connectionId, poolName);
    return null;
  }

  async deleteVolume(connectionId: string, poolName: string, name: string, force: boolean): Promise<null> {
    const c = this.connections.getClient(connectionId);
    const vol = await this.lookupVolume(c, poolName, name);
    await this.refuseInUse(c, vol, force, 'deleted');
    await c.storageVolDelete(vol, 0).catch((e: unknown) => {
      throw this.failure(`Could not delete volume '${name}'`, e);
    });
    this.changed(connectionId, poolName);
    return null;
  }

  // ---- shared helpers (also used by transfers) ----------------------------------------------------

  async lookupPool(c: LibvirtClient, name: string): Promise<StoragePoolRef> {
    return c.storagePoolLookupByName(name).catch((e: unknown) => {
      if (libvirtCode(e) === ErrorCode.NO_STORAGE_POOL)
        throw new CoreError('not-found', `There is no storage pool '${name}' on this connection.`);
      throw e;
    });
  }

  async lookupVolume(c: LibvirtClient, poolName: string, name: string): Promise<StorageVolRef> {
    const pool = await this.lookupPool(c, poolName);
    if (!(await c.storagePoolIsActive(pool)))
      throw new CoreError('invalid-input', `Pool '${poolName}' is not running; start it to see its volumes.`);
    return c.storageVolLookupByName(pool, name).catch((e: unknown) => {
      if (libvirtCode(e) === ErrorCode.NO_STORAGE_VOL)
        throw new CoreError('not-found', `There is no volume '${name}' in pool '${poolName}'.`);
      throw e;
    });
  }

  async refuseExistingVolume(
    c: LibvirtClient,
    pool: StoragePoolRef,
    name: string,
    field = 'name',
  ): Promise<void> {
    if (!(await c.storagePoolIsActive(pool)))
      throw new CoreError('invalid-input', `Pool '${pool.name}' is not running; start it first.`);
    if (await c.storageVolLookupByName(pool, name).catch(() => null))
      throw new CoreError('duplicate', `Pool '${pool.name}' has a volume named '${name}' already.`, [
        { path: [field], message: 'A volume with this name exists already' },
      ]);
  }

  /** Refuses a volume that cannot fit: larger than the free space (allocated now) or than the pool. */
  async checkFits(
    c: LibvirtClient,
    pool: StoragePoolRef,
    bytes: number,
    allocatedNow: boolean,
  ): Promise<void> {
    const info = await c.storagePoolGetInfo(pool);
    const limit = allocatedNow ? info.available : info.capacity;
    if (bytes > limit)
      throw new CoreError(
        'invalid-input',
        `${formatBytes(bytes)} does not fit in pool '${pool.name}': it has ${formatBytes(info.available)} free ` +
          `of ${formatBytes(info.capacity)}.`,
        [{ path: ['capacity'], message: `At most ${formatBytes(limit)}` }],
      );
  }

  /** Wraps libvirt's refusal in a sentence about the object; libvirt's words stay as the detail. */
  failure(sentence: string, e: unknown): unknown {
    if (e instanceof CoreError || e instanceof LibvirtConnectionError) return e;
    if (libvirtCode(e) === undefined) return e;
    return new CoreError('libvirt', `${sentence}. (libvirt: ${(e as Error).message.trim()})`);
  }

  private async refuseInUse(
    c: LibvirtClient,
    vol: StorageVolRef,
    force: boolean,
    done: string,
  ): Promise<void> {
    if (force) return;
    const path = await c.storageVolGetPath(vol);
    const users = (await StorageUsage.read(c)).ofVolume(vol.pool, vol.name, path);
    if (users.length > 0)
      throw new CoreError(
        'in-use',
        `Volume '${vol.name}' is a disk of ${vmList(users)}, so it was not ${done}. ` +
          `Remove it from ${users.length === 1 ? 'that VM' : 'those VMs'} first, or force it (the VM loses its disk).`,
      );
  }

  private async poolUsers(c: LibvirtClient, pool: StoragePoolRef): Promise<StorageUser[]> {
    const xml = PoolXml.parse(await c.storagePoolGetXMLDesc(pool, 0));
    const active = await c.storagePoolIsActive(pool);
    const paths = active
      ? await Promise.all((await c.storagePoolListAllVolumes(pool, 0)).map((v) => c.storageVolGetPath(v)))
      : [];
    return (await StorageUsage.read(c)).ofPool(pool.name, xml.targetPath, paths);
  }

  private async describePool(
    c: LibvirtClient,
    ref: StoragePoolRef,
    usage: StorageUsage,
  ): Promise<StoragePool> {
    const [info, xmlText, autostart, persistent] = await Promise.all([
      c.storagePoolGetInfo(ref),
      c.storagePoolGetXMLDesc(ref, 0),
      c.storagePoolGetAutostart(ref).catch(() => false),
      c.storagePoolIsPersistent(ref).catch(() => true),
    ]);
    const xml = PoolXml.parse(xmlText);
    const active = info.stateName !== 'inactive';
    const vols = active ? await c.storagePoolListAllVolumes(ref, 0).catch(() => null) : null;
    const paths = vols ? await Promise.all(vols.map((v) => c.storageVolGetPath(v).catch(() => ''))) : [];
    const src = xml.source;
    return {
      name: ref.name,
      uuid: ref.uuid,
      type: xml.type ?? 'unknown',
      state: info.stateName,
      active,
      persistent,
      autostart,
      capacity: info.capacity,
      allocation: info.allocation,
      available: info.available,
      targetPath: xml.targetPath,
      source: {
        devices: src.devices,
        host: src.hosts[0]?.name ?? null,
        dir: src.dir,
        name: src.name,
        format: src.format,
      },
      volumeCount: vols ? vols.length : null,
      usedBy: usage.ofPool(ref.name, xml.targetPath, paths),
    };
  }

  private async describeVolume(
    c: LibvirtClient,
    ref: StorageVolRef,
    usage: StorageUsage,
  ): Promise<StorageVolume> {
    const [info, xmlText, path] = await Promise.all([
      c.storageVolGetInfo(ref),
      c.storageVolGetXMLDesc(ref, 0),
      c.storageVolGetPath(ref),
    ]);
    const xml = VolumeXml.parse(xmlText);
    return {
      name: ref.name,
      key: ref.key,
      path,
      type: info.typeName,
      format: xml.format,
      capacity: info.capacity,
      allocation: info.allocation,
      backing: await this.backingChain(c, xml),
      usedBy: usage.ofVolume(ref.pool, ref.name, path),
    };
  }

  /** The backing chain, nearest first, followed through volumes libvirt knows (at most 16 deep). */
  private async backingChain(
    c: LibvirtClient,
    xml: VolumeXml,
  ): Promise<{ path: string | null; format: string | null }[]> {
    const chain: { path: string | null; format: string | null }[] = [];
    let next = xml.backingStore;
    while (next && chain.length < 16) {
      chain.push(next);
      if (!next.path) break;
      const vol = await c.storageVolLookupByPath(next.path).catch(() => null);
      if (!vol) break;
      next = VolumeXml.parse(await c.storageVolGetXMLDesc(vol, 0)).backingStore;
    }
    return chain;
  }
}
