/**
 * The composition root of the main process: the one place that creates every feature service, hands each
 * the narrow view of its neighbours it depends on, wires their lifecycle to the connections (up/down) and
 * stops them in order. Handlers get their services from here (handlers/index.ts); nothing else creates a
 * service or looks one up.
 */
import type { EventName, EventPayload } from '../../shared/contract/index.js';
import { ConsoleService } from '../console/service.js';
import { HardwareService } from '../hardware/service.js';
import { TuningService } from '../tuning/service.js';
import { TuningPlanService } from '../tuning/plan-service.js';
import { TuningSecurityService } from '../tuning/security.js';
import { HardwareDeviceService } from '../hardware/devices/choices.js';
import { HostDeviceService } from '../hardware/devices/host-devices.js';
import { HostService } from '../host/service.js';
import { HostMemoryService } from '../host/memory.js';
import { StatsSampler } from '../stats/sampler.js';
import type { OpenConnectionFn } from '../base/connections.js';
import { ConnectionManager, type ReconnectPolicy } from '../connections/connection-manager.js';
import { DomainXmlService } from '../domainxml/service.js';
import { MigrationService } from '../migration/service.js';
import { NetworkService } from '../networks/service.js';
import { NewVmService } from '../newvm/service.js';
import { SnapshotService } from '../snapshots/service.js';
import { StorageService } from '../storage/service.js';
import { TransferService } from '../storage/transfers.js';
import { IsoLibrary } from '../storage/iso-library.js';
import { CloneService } from '../vms/clone.js';
import { VmService } from '../vms/vm-service.js';

export interface Services {
  connections: ConnectionManager;
  vms: VmService;
  clones: CloneService;
  snapshots: SnapshotService;
  migration: MigrationService;
  newVm: NewVmService;
  networks: NetworkService;
  domainXml: DomainXmlService;
  storage: StorageService;
  transfers: TransferService;
  isoLibrary: IsoLibrary;
  consoles: ConsoleService;
  stats: StatsSampler;
  host: HostService;
  hostMemory: HostMemoryService;
  hardware: HardwareService;
  tuning: TuningService;
  tuningSecurity: TuningSecurityService;
  hardwareDevices: HardwareDeviceService;
  hostDevices: HostDeviceService;
  tuningPlans: TuningPlanService;
}

export interface ServicesOptions {
  configDir: string;
  openConnection: OpenConnectionFn;
  reconnect: ReconnectPolicy;
  /** See CoreOptions.shutdownGraceMs. */
  shutdownGraceMs?: number | undefined;
}

/** Pushes an event to every renderer (the core's sessions). */
export type Broadcast = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

export interface Composition {
  services: Services;
  /** Releases the feature services (ptys, VNC proxy, samplers), then closes the connections. */
  stop(): Promise<void>;
}

export function createServices(opts: ServicesOptions, broadcast: Broadcast): Composition {
  const connections = new ConnectionManager(opts.configDir, opts.openConnection, opts.reconnect);
  const vms = new VmService(
    connections,
    opts.shutdownGraceMs !== undefined ? { shutdownGraceMs: opts.shutdownGraceMs } : {},
  );
  const stats = new StatsSampler();
  const consoles = new ConsoleService({
    getClient: (id) => connections.getClient(id),
    connectionUri: (id) => connections.entry(id).uri,
  });
  const isoLibrary = new IsoLibrary(connections);
  const storageChanged = (connectionId: string, pool: string | null): void => {
    isoLibrary.invalidate(connectionId, pool);
    broadcast('storage.changed', { connectionId, pool });
  };
  const storage = new StorageService(connections, storageChanged);
  const networks = new NetworkService(connections);
  const transfers = new TransferService(connections, storage, storageChanged);
  const domainXml = new DomainXmlService(connections);
  const services: Services = {
    connections,
    vms,
    clones: new CloneService(connections),
    snapshots: new SnapshotService(connections),
    migration: new MigrationService(connections),
    newVm: new NewVmService(connections),
    networks,
    domainXml,
    storage,
    transfers,
    isoLibrary,
    consoles,
    stats,
    host: new HostService({
      connections,
      hostCpuPercent: (id) => stats.latestHost(id)?.cpu ?? null,
    }),
    hostMemory: new HostMemoryService({ connections }),
    hardware: new HardwareService(connections),
    tuning: new TuningService(connections),
    hardwareDevices: new HardwareDeviceService(connections, storage, networks),
    hostDevices: new HostDeviceService(connections),
    tuningPlans: new TuningPlanService({ connections, domainXml }),
    tuningSecurity: new TuningSecurityService(connections),
  };

  // Connection up/down: the VM cache first (it lists the VMs), then the sampler.
  connections.on('connected', (id, client) => vms.attach(id, client));
  connections.on('disconnected', (id) => vms.detach(id));
  connections.on('connected', (id, client) => stats.attach(id, client));
  connections.on('disconnected', (id) => stats.detach(id));
  connections.on('connected', (id, client) => services.networks.attach(id, client));
  connections.on('connected', (id, client) => storage.attach(id, client));
  connections.on('disconnected', (id) => storage.detach(id));
  connections.on('disconnected', (id) => isoLibrary.invalidate(id, null));

  // What renderers see change.
  connections.on('changed', () => broadcast('connections.changed', { connections: connections.list() }));
  connections.on('status', (s) => broadcast('connections.status', s));
  vms.on('changed', (delta) => broadcast('vms.changed', delta));
  services.networks.on('changed', (connectionId) => broadcast('networks.changed', { connectionId }));

  const stop = async (): Promise<void> => {
    const steps: [string, () => Promise<void> | void][] = [
      ['consoles', () => consoles.stop()],
      ['transfers', () => transfers.stop()],
      ['stats', () => stats.stop()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (e) {
        console.warn(`virtdesk: stopping ${name} failed:`, e);
      }
    }
    await connections.stop();
  };
  return { services, stop };
}
