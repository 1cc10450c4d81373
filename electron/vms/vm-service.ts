import { EventEmitter } from 'node:events';
import {
  osNameFromId,
  vmReasonName,
  vmStateName,
  type IpAddress,
  type VmDetails,
  type VmSummary,
  type VmVolume,
} from '../../shared/model/index.js';
import type { EventPayload } from '../../shared/contract/index.js';
import type { VmActionInput } from '../../shared/contract/vms.js';
import type { ClientSource } from '../base/connections.js';
import { DomainXml, type DomainXmlInfo } from '../libvirt-xml/index.js';
import { CoreError } from '../base/errors.js';
import { startDomain } from '../networks/service.js';
import {
  ConnectListAllDomainsFlags,
  DomainInterfaceAddressesSource,
  DomainState,
  DomainStatsTypes,
  DomainUndefineFlags,
  DomainXMLFlags,
  ErrorCode,
  libvirtCode,
  type DomainEvent,
  type DomainRef,
  type LibvirtClient,
  type StorageVolRef,
} from '../libvirt/index.js';

/** Where guest IP addresses are asked for (virDomainInterfaceAddressesSource), in the contract's words. */
const IP_SOURCES = [
  ['lease', DomainInterfaceAddressesSource.LEASE],
  ['agent', DomainInterfaceAddressesSource.AGENT],
  ['arp', DomainInterfaceAddressesSource.ARP],
] as const;
/** How long VM deltas are collected before one 'vms.changed' goes out (well under a frame). */
const DELTA_BATCH_MS = 10;
/**
 * Event floods (thousands of lifecycle events, e.g. for many distinct domains at once) are coalesced:
 * at most this many event-driven refreshes run at a time, one per domain (a second event for a domain
 * being read marks it to be read again) …
 */
export const MAX_EVENT_REFRESHES_IN_FLIGHT = 16;
/** … and at most this many domains wait for one; beyond that the whole list is re-read once instead. */
export const MAX_PENDING_EVENT_REFRESHES = 512;

interface VmEntry {
  ref: DomainRef;
  summary: VmSummary;
  xml: DomainXmlInfo | null;
}

interface ConnState {
  client: LibvirtClient;
  vms: Map<string, VmEntry>;
  /** uuid → in-flight refresh; a second request while one runs marks it dirty. */
  refreshing: Map<string, { dirty: boolean; promise: Promise<VmSummary | null> }>;
  loaded: Promise<void>;
  /** True until the initial list is in; removals seen meanwhile must not be resurrected by it. */
  loading: boolean;
  removedDuringLoad: Set<string>;
  closed: boolean;
  onEvent: (e: DomainEvent) => void;
  /** uuid → the grace timer of a requested shutdown. */
  shutdownTimers: Map<string, NodeJS.Timeout>;
  /** VMs still running when their shutdown's grace period ended. */
  shutdownOverdue: Set<string>;
  /** Domains named by events, waiting for an event-driven refresh (bounded, oldest first). */
  queued: Map<string, DomainRef>;
  /** Event-driven refreshes running. */
  active: number;
  /** A full re-list runs (the queue overflowed); events meanwhile ask for another one. */
  resyncing: boolean;
  resyncAgain: boolean;
}

export interface VmServiceOptions {
  /** How long a guest may take to shut down before Force Off is offered (ms; default 60 s). */
  shutdownGraceMs?: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 60_000;

/** Facts about a domain already known from bulk calls (undefined = read it). */
interface KnownFacts {
  state?: { state: number; reason: number } | undefined;
  persistent?: boolean | undefined;
  autostart?: boolean | undefined;
  hasManagedSave?: boolean | undefined;
}

export type VmsChanged = EventPayload<'vms.changed'>;

export interface VmServiceEvents {
  changed: [VmsChanged];
}

const sameSummary = (a: VmSummary, b: VmSummary): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Per-connection cache of VMs. Loaded on connect (list + per-domain info, all calls pipelined on the one
 * connection), then kept current by libvirt domain lifecycle events: only the affected domain is refreshed.
 */
export class VmService extends EventEmitter<VmServiceEvents> {
  private readonly conns = new Map<string, ConnState>();
  private readonly pending = new Map<string, { upserted: Map<string, VmSummary>; removed: Set<string> }>();
  private flushTimer: NodeJS.Timeout | null = null;

  private readonly shutdownGraceMs: number;

  constructor(
    private readonly connections: ClientSource,
    options: VmServiceOptions = {},
  ) {
    super();
    this.shutdownGraceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  }

  /** A connection came up: list its VMs and follow its lifecycle events (the composition root calls this). */
  attach(connectionId: string, client: LibvirtClient): void {
    this.detach(connectionId);
    const st: ConnState = {
      client,
      vms: new Map(),
      refreshing: new Map(),
      loaded: Promise.resolve(),
      loading: true,
      removedDuringLoad: new Set(),
      closed: false,
      shutdownTimers: new Map(),
      shutdownOverdue: new Set(),
      onEvent: (e) => {
        // Lifecycle events (defined/undefined/started/stopped/suspended/resumed/…) change what the list
        // shows; only the affected domain is re-read.
        if (!st.closed && e.kind === 'lifecycle') this.onLifecycle(connectionId, st, e.dom);
      },
      queued: new Map(),
      active: 0,
      resyncing: false,
      resyncAgain: false,
    };
    this.conns.set(connectionId, st);
    client.on('domainEvent', st.onEvent);
    st.loaded = this.loadAll(connectionId, st).catch((e: unknown) => {
      st.loading = false;
      console.warn(`virtdesk: listing VMs of ${connectionId} failed:`, e);
    });
  }

  /** Queue a refresh for the domain of an event (see MAX_PENDING_EVENT_REFRESHES). */
  private onLifecycle(connectionId: string, st: ConnState, ref: DomainRef): void {
    if (st.resyncing) {
      st.resyncAgain = true;
      return;
    }
    const uuid = ref.uuid.toLowerCase();
    const running = st.refreshing.get(uuid);
    if (running) {
      running.dirty = true;
      return;
    }
    if (!st.queued.has(uuid) && st.queued.size >= MAX_PENDING_EVENT_REFRESHES) {
      st.queued.clear();
      void this.resync(connectionId, st);
      return;
    }
    st.queued.set(uuid, ref); // the newest ref (its id changes when the domain starts)
    this.pump(connectionId, st);
  }

  /** Start queued event refreshes up to MAX_EVENT_REFRESHES_IN_FLIGHT. */
  private pump(connectionId: string, st: ConnState): void {
    while (!st.closed && !st.resyncing && st.active < MAX_EVENT_REFRESHES_IN_FLIGHT) {
      const next = st.queued.entries().next();
      if (next.done) return;
      const [uuid, ref] = next.value;
      st.queued.delete(uuid);
      st.active++;
      void this.refresh(connectionId, st, ref)
        .catch(() => undefined)
        .finally(() => {
          st.active--;
          this.pump(connectionId, st);
        });
    }
  }

  /**
   * Re-read the whole list (bulk calls, like on connect) and emit what changed: the answer to an event
   * flood too large to follow domain by domain. One at a time; events meanwhile make it run once more.
   */
  private async resync(connectionId: string, st: ConnState): Promise<void> {
    if (st.resyncing) {
      st.resyncAgain = true;
      return;
    }
    st.resyncing = true;
    try {
      await st.loaded;
      do {
        st.resyncAgain = false;
        const entries = await this.readAll(connectionId, st.client);
        if (st.closed) return;
        const seen = new Set<string>();
        for (const entry of entries) {
          if (!entry) continue;
          const u = entry.summary.uuid;
          seen.add(u);
          const known = st.vms.get(u);
          st.vms.set(u, entry);
          if (!known || !sameSummary(known.summary, entry.summary))
            this.queueDelta(connectionId, u, entry.summary);
        }
        for (const u of [...st.vms.keys()]) {
          if (seen.has(u)) continue;
          st.vms.delete(u);
          this.queueDelta(connectionId, u, null);
        }
      } while (st.resyncAgain && !st.closed);
    } catch (e) {
      if (!st.closed) console.warn(`virtdesk: re-listing VMs of ${connectionId} failed:`, e);
    } finally {
      st.resyncing = false;
      this.pump(connectionId, st);
    }
  }

  /**
   * Deltas are batched per connection and flushed after DELTA_BATCH_MS, so a burst of events (many
   * VMs starting) reaches the renderers as one 'vms.changed' instead of hundreds.
   */
  private queueDelta(connectionId: string, uuid: string, summary: VmSummary | null): void {
    let p = this.pending.get(connectionId);
    if (!p) this.pending.set(connectionId, (p = { upserted: new Map(), removed: new Set() }));
    if (summary) {
      p.removed.delete(uuid);
      p.upserted.set(uuid, summary);
    } else {
      p.upserted.delete(uuid);
      p.removed.add(uuid);
    }
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), DELTA_BATCH_MS);
  }

  private flush(): void {
    this.flushTimer = null;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [connectionId, p] of pending) {
      if (!this.conns.has(connectionId)) continue;
      if (!p.upserted.size && !p.removed.size) continue;
      this.emit('changed', {
        connectionId,
        reset: false,
        upserted: [...p.upserted.values()],
        removed: [...p.removed],
      });
    }
  }

  /** A connection went down or away: forget its VMs. */
  detach(connectionId: string): void {
    const st = this.conns.get(connectionId);
    if (!st) return;
    st.closed = true;
    for (const timer of st.shutdownTimers.values()) clearTimeout(timer);
    st.shutdownTimers.clear();
    st.client.off('domainEvent', st.onEvent);
    this.conns.delete(connectionId);
    this.pending.delete(connectionId);
    this.emit('changed', { connectionId, reset: true, upserted: [], removed: [] });
  }

  private async loadAll(connectionId: string, st: ConnState): Promise<void> {
    const results = await this.readAll(connectionId, st.client);
    if (st.closed) return;
    // Events that arrived during the load were applied already and win over the (older) list results.
    for (const entry of results) {
      if (!entry) continue;
      const u = entry.summary.uuid;
      if (!st.vms.has(u) && !st.removedDuringLoad.has(u)) st.vms.set(u, entry);
    }
    st.loading = false;
    st.removedDuringLoad.clear();
    this.pending.delete(connectionId);
    this.emit('changed', {
      connectionId,
      reset: true,
      upserted: [...st.vms.values()].map((v) => v.summary),
      removed: [],
    });
  }

  /** Every domain of the connection, read in bulk (null for one that vanished while it was read). */
  private async readAll(connectionId: string, c: LibvirtClient): Promise<(VmEntry | null)[]> {
    // A handful of bulk calls give every domain, its state and reason, and who is persistent /
    // autostarted / has a managed save; then only the XML (OS, title, memory, vCPUs, disks) is read per
    // domain, all requests issued at once and pipelined on the one connection.
    const [refs, persistent, autostart, managed, stats] = await Promise.all([
      c.connectListAllDomains(0),
      c.connectListAllDomains(ConnectListAllDomainsFlags.PERSISTENT).catch(() => null),
      c.connectListAllDomains(ConnectListAllDomainsFlags.AUTOSTART).catch(() => null),
      c.connectListAllDomains(ConnectListAllDomainsFlags.MANAGEDSAVE).catch(() => null),
      c.connectGetAllDomainStats(DomainStatsTypes.STATE, 0).catch(() => null),
    ]);
    const set = (l: DomainRef[] | null) => (l ? new Set(l.map((d) => d.uuid.toLowerCase())) : null);
    const flags = { persistent: set(persistent), autostart: set(autostart), managed: set(managed) };
    const states = new Map<string, { state: number; reason: number }>();
    for (const rec of stats ?? []) {
      const p = new Map(rec.params.map((x) => [x.field, x.value]));
      const state = p.get('state.state');
      if (typeof state === 'number') {
        const reason = p.get('state.reason');
        states.set(rec.dom.uuid.toLowerCase(), { state, reason: typeof reason === 'number' ? reason : 0 });
      }
    }
    return Promise.all(
      refs.map((ref) => {
        const u = ref.uuid.toLowerCase();
        const known: KnownFacts = {
          state: states.get(u),
          persistent: flags.persistent?.has(u),
          autostart: flags.autostart?.has(u),
          hasManagedSave: flags.managed?.has(u),
        };
        return this.fetch(connectionId, c, ref, known).catch((e: unknown) => {
          if (libvirtCode(e) !== ErrorCode.NO_DOMAIN)
            console.warn(`virtdesk: reading VM ${ref.name} failed:`, e);
          return null;
        });
      }),
    );
  }

  /**
   * Read everything the list shows about one domain (calls issued in parallel). Memory and vCPUs come
   * from the XML (libvirt keeps the live XML current), facts already known from bulk calls are not re-read.
   */
  private async fetch(
    connectionId: string,
    client: LibvirtClient,
    ref: DomainRef,
    known: KnownFacts = {},
  ): Promise<VmEntry> {
    const [state, autostart, persistent, hasManagedSave, xmlText] = await Promise.all([
      known.state ?? client.domainGetState(ref, 0),
      known.autostart ?? client.domainGetAutostart(ref).catch(() => false),
      known.persistent ?? client.domainIsPersistent(ref).catch(() => true),
      known.hasManagedSave ?? client.domainHasManagedSaveImage(ref, 0).catch(() => false),
      client.domainGetXMLDesc(ref, 0),
    ]);
    let xml: DomainXmlInfo | null = null;
    try {
      xml = DomainXml.parse(xmlText).info();
    } catch (e) {
      console.warn(`virtdesk: cannot parse the XML of ${ref.name}:`, e);
    }
    let vcpus = xml?.vcpus ?? null;
    let memory = xml?.currentMemoryKiB ?? null;
    let maxMemory = xml?.memoryKiB ?? null;
    if (vcpus === null || memory === null || maxMemory === null) {
      const info = await client.domainGetInfo(ref);
      vcpus ??= info.nrVirtCpu;
      memory ??= info.memory;
      maxMemory ??= info.maxMem;
    }
    const stateName = vmStateName(state.state);
    const name = xml?.name ?? ref.name;
    const active = stateName !== 'shutoff' && stateName !== 'nostate';
    let id = active ? ref.id : -1;
    if (active && id < 0) {
      // Started since we last looked (our own action): ask for the new domain id.
      id = await client
        .domainLookupByUUID(ref.uuid)
        .then((r) => r.id)
        .catch(() => -1);
    }
    const fresh: DomainRef = { name, uuid: ref.uuid, id };
    return {
      ref: fresh,
      xml,
      summary: {
        connectionId,
        uuid: ref.uuid.toLowerCase(),
        name,
        id: fresh.id,
        state: stateName,
        reason: vmReasonName(stateName, state.reason),
        vcpus,
        memory,
        maxMemory,
        autostart,
        persistent,
        hasManagedSave,
        osId: xml?.osId ?? null,
        osName: osNameFromId(xml?.osId),
        title: xml?.title ?? null,
      },
    };
  }

  /** Re-read one domain and emit a delta (coalescing concurrent requests). */
  private refresh(connectionId: string, st: ConnState, ref: DomainRef): Promise<VmSummary | null> {
    const uuid = ref.uuid.toLowerCase();
    const running = st.refreshing.get(uuid);
    if (running) {
      running.dirty = true;
      return running.promise;
    }
    const slot = { dirty: false, promise: Promise.resolve<VmSummary | null>(null) };
    slot.promise = (async () => {
      let result: VmSummary | null;
      try {
        do {
          slot.dirty = false;
          result = await this.refreshOnce(connectionId, st, ref);
        } while (slot.dirty && !st.closed);
      } finally {
        st.refreshing.delete(uuid);
      }
      return result;
    })();
    st.refreshing.set(uuid, slot);
    return slot.promise;
  }

  private async refreshOnce(connectionId: string, st: ConnState, ref: DomainRef): Promise<VmSummary | null> {
    const uuid = ref.uuid.toLowerCase();
    const known = st.vms.get(uuid);
    let entry: VmEntry | null;
    try {
      entry = await this.fetch(connectionId, st.client, known ? { ...known.ref, id: ref.id } : ref);
    } catch (e) {
      if (libvirtCode(e) !== ErrorCode.NO_DOMAIN) throw e;
      entry = null;
    }
    if (st.closed) return entry?.summary ?? null;
    if (!entry) {
      if (st.loading) st.removedDuringLoad.add(uuid);
      if (st.vms.delete(uuid)) this.queueDelta(connectionId, uuid, null);
      return null;
    }
    st.removedDuringLoad.delete(uuid);
    if (entry.summary.id < 0) this.forgetShutdown(st, uuid);
    else if (st.shutdownOverdue.has(uuid)) entry.summary = { ...entry.summary, shutdownOverdue: true };
    st.vms.set(uuid, entry);
    if (!known || !sameSummary(known.summary, entry.summary))
      this.queueDelta(connectionId, uuid, entry.summary);
    return entry.summary;
  }

  private state(connectionId: string): ConnState {
    this.connections.getClient(connectionId); // throws not-found / not-connected
    const st = this.conns.get(connectionId);
    if (!st) throw new CoreError('not-connected', 'The connection is not ready yet');
    return st;
  }

  /** Cached VM list of a connection (waits for the initial load). */
  async list(connectionId: string): Promise<VmSummary[]> {
    const st = this.state(connectionId);
    await st.loaded;
    return [...st.vms.values()].map((v) => v.summary);
  }

  private async entry(connectionId: string, uuid: string): Promise<{ st: ConnState; entry: VmEntry }> {
    const st = this.state(connectionId);
    await st.loaded;
    const key = uuid.toLowerCase();
    let entry = st.vms.get(key);
    if (!entry) {
      // Maybe defined after the load and its event is still in flight: ask libvirt.
      const refs = await st.client.connectListAllDomains(0);
      const ref = refs.find((r) => r.uuid.toLowerCase() === key);
      if (ref) {
        await this.refresh(connectionId, st, ref);
        entry = st.vms.get(key);
      }
    }
    if (!entry) throw new CoreError('not-found', `No such VM: ${uuid}`);
    return { st, entry };
  }

  async xml(connectionId: string, uuid: string, inactive: boolean): Promise<string> {
    const { st, entry } = await this.entry(connectionId, uuid);
    return st.client.domainGetXMLDesc(entry.ref, inactive ? DomainXMLFlags.INACTIVE : 0);
  }

  async details(connectionId: string, uuid: string): Promise<VmDetails> {
    const { st, entry: cached } = await this.entry(connectionId, uuid);
    const summary = (await this.refresh(connectionId, st, cached.ref)) ?? cached.summary;
    const entry = st.vms.get(uuid.toLowerCase()) ?? cached;
    const xml = entry.xml ?? DomainXml.parse(await st.client.domainGetXMLDesc(entry.ref, 0)).info();
    const client = st.client;
    const active = entry.summary.id >= 0;

    const disks = await Promise.all(
      xml.disks.map(async (d) => {
        let capacity: number | null = null;
        let allocation: number | null = null;
        if (d.source && (d.type === 'file' || d.type === 'block' || d.type === 'volume')) {
          const size = await this.diskSize(
            client,
            entry.ref,
            d.target,
            d.type === 'volume' ? null : d.source,
          );
          capacity = size?.capacity ?? null;
          allocation = size?.allocation ?? null;
        }
        return {
          target: d.target,
          bus: d.bus,
          device: d.device,
          type: d.type,
          source: d.source,
          format: d.format,
          readonly: d.readonly,
          shareable: d.shareable,
          capacity,
          allocation,
        };
      }),
    );

    const ipSourceErrors: VmDetails['ipSourceErrors'] = [];
    const byMac = new Map<string, IpAddress[]>();
    if (active) {
      const results = await Promise.all(
        IP_SOURCES.map(async ([source, num]) => {
          try {
            return { source, ifaces: await client.domainInterfaceAddresses(entry.ref, num, 0) };
          } catch (e) {
            ipSourceErrors.push({ source, message: e instanceof Error ? e.message : String(e) });
            return { source, ifaces: [] };
          }
        }),
      );
      for (const { source, ifaces } of results) {
        for (const iface of ifaces) {
          const mac = iface.hwaddr?.toLowerCase();
          if (!mac) continue;
          const list = byMac.get(mac) ?? [];
          for (const a of iface.addrs) {
            if (list.some((x) => x.address === a.addr)) continue;
            list.push({ type: a.type, address: a.addr, prefix: a.prefix, source });
          }
          byMac.set(mac, list);
        }
      }
    }

    return {
      ...summary,
      description: xml.description,
      arch: xml.arch,
      machine: xml.machine,
      firmware: xml.firmware,
      emulator: xml.emulator,
      cpu: {
        vcpus: summary.vcpus,
        maxVcpus: xml.maxVcpus ?? summary.vcpus,
        mode: xml.cpu.mode,
        model: xml.cpu.model,
        sockets: xml.cpu.sockets,
        cores: xml.cpu.cores,
        threads: xml.cpu.threads,
      },
      bootDevices: xml.bootDevices,
      disks,
      nics: xml.nics.map((n) => ({ ...n, addresses: (n.mac && byMac.get(n.mac)) || [] })),
      graphics: xml.graphics,
      ipSourceErrors,
    };
  }

  private async diskSize(
    client: LibvirtClient,
    ref: DomainRef,
    target: string,
    path: string | null,
  ): Promise<{ capacity: number; allocation: number } | null> {
    try {
      const info = await client.domainGetBlockInfo(ref, target, 0);
      return { capacity: info.capacity, allocation: info.allocation };
    } catch {
      // not supported by this driver or image unreadable: try the storage pool
    }
    if (path) {
      try {
        const vol = await client.storageVolLookupByPath(path);
        const info = await client.storageVolGetInfo(vol);
        return { capacity: info.capacity, allocation: info.allocation };
      } catch {
        // not in a pool
      }
    }
    return null;
  }

  /** Disks of a VM for the delete dialog, with pool info and which other VMs share them. */
  async volumes(connectionId: string, uuid: string): Promise<VmVolume[]> {
    const { st, entry } = await this.entry(connectionId, uuid);
    const client = st.client;
    const xml = DomainXml.parse(await client.domainGetXMLDesc(entry.ref, 0)).info();
    const out: VmVolume[] = [];
    for (const d of xml.disks) {
      if (!d.source || (d.type !== 'file' && d.type !== 'block' && d.type !== 'volume')) continue;
      let path: string | null = d.type === 'volume' ? null : d.source;
      let vol: StorageVolRef | null = null;
      try {
        if (d.type === 'volume' && d.pool && d.volume) {
          const pool = await client.storagePoolLookupByName(d.pool);
          vol = await client.storageVolLookupByName(pool, d.volume);
          path = await client.storageVolGetPath(vol);
        } else if (path) {
          vol = await client.storageVolLookupByPath(path);
        }
      } catch {
        vol = null;
      }
      if (!path) continue;
      let capacity: number | null = null;
      if (vol) {
        capacity = await client
          .storageVolGetInfo(vol)
          .then((i) => i.capacity)
          .catch(() => null);
      }
      const usedBy: string[] = [];
      for (const other of st.vms.values()) {
        if (other.ref.uuid.toLowerCase() === entry.ref.uuid.toLowerCase() || !other.xml) continue;
        if (other.xml.disks.some((od) => od.source === path || (d.pool && od.source === d.source))) {
          usedBy.push(other.summary.name);
        }
      }
      out.push({
        target: d.target,
        device: d.device,
        path,
        pool: vol?.pool ?? null,
        volume: vol?.name ?? null,
        capacity,
        readonly: d.readonly,
        shareable: d.shareable,
        usedBy,
        suggested: !!vol && !d.readonly && !d.shareable && d.device === 'disk' && usedBy.length === 0,
      });
    }
    return out;
  }

  private forgetShutdown(st: ConnState, uuid: string): void {
    clearTimeout(st.shutdownTimers.get(uuid));
    st.shutdownTimers.delete(uuid);
    st.shutdownOverdue.delete(uuid);
  }

  /**
   * A guest may ignore ACPI (no agent, hung, a firmware menu): when it still runs after the grace period
   * its summary says `shutdownOverdue` and the renderer offers Force Off.
   */
  private watchShutdown(connectionId: string, st: ConnState, entry: VmEntry): void {
    const uuid = entry.ref.uuid.toLowerCase();
    this.forgetShutdown(st, uuid);
    const timer = setTimeout(() => {
      st.shutdownTimers.delete(uuid);
      if (st.closed) return;
      st.shutdownOverdue.add(uuid);
      void this.refresh(connectionId, st, entry.ref).catch(() => undefined);
    }, this.shutdownGraceMs);
    timer.unref?.();
    st.shutdownTimers.set(uuid, timer);
  }

  /** Run a lifecycle action; resolves with the refreshed VM (null after delete). */
  async action(input: VmActionInput): Promise<VmSummary | null> {
    const { st, entry } = await this.entry(input.connectionId, input.uuid);
    const c = st.client;
    const dom = entry.ref;
    // Any other action is the user taking over: the shutdown follow-up no longer applies.
    if (input.action !== 'shutdown' && input.action !== 'setAutostart' && input.action !== 'rename')
      this.forgetShutdown(st, dom.uuid.toLowerCase());
    switch (input.action) {
      case 'start':
        await startDomain(c, input.connectionId, dom);
        break;
      case 'restore': {
        const has = await c.domainHasManagedSaveImage(dom, 0);
        if (!has) throw new CoreError('libvirt', `VM "${dom.name}" has no saved state to restore`);
        await c.domainCreate(dom);
        break;
      }
      case 'shutdown':
        await c.domainShutdown(dom);
        this.watchShutdown(input.connectionId, st, entry);
        break;
      case 'reboot':
        await c.domainReboot(dom, 0);
        break;
      case 'destroy':
        await c.domainDestroy(dom);
        break;
      case 'reset':
        await c.domainReset(dom, 0);
        break;
      case 'suspend':
        await c.domainSuspend(dom);
        break;
      case 'resume':
        await c.domainResume(dom);
        break;
      case 'managedSave':
        await c.domainManagedSave(dom, 0);
        break;
      case 'setAutostart':
        await c.domainSetAutostart(dom, input.autostart);
        break;
      case 'rename':
        await c.domainRename(dom, input.newName, 0);
        entry.ref = { ...dom, name: input.newName };
        break;
      case 'delete':
        await this.delete(st, entry, input.deleteVolumes ?? []);
        return null;
    }
    return this.refresh(input.connectionId, st, entry.ref);
  }

  private async delete(st: ConnState, entry: VmEntry, deleteVolumes: string[]): Promise<void> {
    const c = st.client;
    const dom = entry.ref;
    // Resolve the volumes first (the VM's disks only: the renderer cannot name arbitrary files).
    const offered = deleteVolumes.length ? await this.volumes(entry.summary.connectionId, dom.uuid) : [];
    const toDelete = deleteVolumes.map((path) => {
      const v = offered.find((o) => o.path === path);
      if (!v) throw new CoreError('invalid-input', `${path} is not a disk of VM "${dom.name}"`);
      if (!v.pool)
        throw new CoreError('invalid-input', `${path} is not in a storage pool and cannot be deleted`);
      return v;
    });
    const xml = entry.xml ?? DomainXml.parse(await c.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).info();
    const persistent = await c.domainIsPersistent(dom);
    if (entry.summary.id >= 0 || (await c.domainGetInfo(dom)).state !== DomainState.SHUTOFF) {
      try {
        await c.domainDestroy(dom);
      } catch (e) {
        if (libvirtCode(e) !== ErrorCode.OPERATION_INVALID) throw e; // not running any more: fine
      }
    }
    if (persistent) {
      const full =
        DomainUndefineFlags.MANAGED_SAVE |
        DomainUndefineFlags.SNAPSHOTS_METADATA |
        DomainUndefineFlags.CHECKPOINTS_METADATA |
        (xml.hasNvram ? DomainUndefineFlags.NVRAM : 0);
      try {
        await c.domainUndefineFlags(dom, full);
      } catch (e) {
        const code = libvirtCode(e);
        if (code !== ErrorCode.INVALID_ARG && code !== ErrorCode.NO_SUPPORT) throw e;
        // Older drivers (and the test driver) reject some flags: retry with the ones every driver knows.
        await c.domainUndefineFlags(
          dom,
          DomainUndefineFlags.MANAGED_SAVE | DomainUndefineFlags.SNAPSHOTS_METADATA,
        );
      }
    }
    const failures: string[] = [];
    for (const v of toDelete) {
      try {
        const vol = await c.storageVolLookupByPath(v.path);
        await c.storageVolDelete(vol, 0);
      } catch (e) {
        failures.push(`${v.path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await this.refresh(entry.summary.connectionId, st, dom).catch(() => undefined);
    if (failures.length) {
      throw new CoreError(
        'libvirt',
        `VM "${dom.name}" was deleted, but some volumes were not: ${failures.join('; ')}`,
      );
    }
  }
}
