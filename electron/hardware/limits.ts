/**
 * What the host allows a VM: domain capabilities for the VM's emulator, arch, machine and type, and the
 * host's CPUs and memory from node info. Both are cached per connection (they change only when the host's
 * software does), so opening the Hardware tab again costs no extra round trips.
 */
import type { HostLimits } from '../../shared/contract/hardware.js';
import { isLibvirtError, type LibvirtClient } from '../libvirt/index.js';
import { DomainCapabilitiesXml, type DomainXml } from '../libvirt-xml/index.js';

/** QEMU's NIC models: libvirt's domain capabilities do not list them. */
const QEMU_NIC_MODELS = ['virtio', 'e1000e', 'e1000', 'rtl8139'];

export const limitsFrom = (
  caps: DomainCapabilitiesXml,
  node: { cpus: number; memory: number },
): HostLimits => ({
  maxVcpus: caps.maxVcpus,
  hostCpus: node.cpus,
  hostMemoryKiB: node.memory,
  cpu: {
    hostPassthrough: caps.cpuModeSupported('host-passthrough'),
    hostModel: caps.cpuModeSupported('host-model'),
    custom: caps.cpuModeSupported('custom'),
    models: caps.usableCpuModels,
  },
  firmware: { choices: caps.firmwareChoices, loaders: caps.loaders, secureBoot: caps.secureBoot },
  memoryBackingSources: caps.memoryBackingSources,
  diskBuses: caps.deviceValues('disk', 'bus'),
  diskDevices: caps.deviceValues('disk', 'diskDevice'),
  nicModels: QEMU_NIC_MODELS,
  videoModels: caps.deviceValues('video', 'modelType'),
  graphicsTypes: caps.deviceValues('graphics', 'type'),
  hostdevTypes: caps.deviceValues('hostdev', 'subsysType'),
  tpmModels: caps.deviceValues('tpm', 'model'),
  rngModels: caps.deviceValues('rng', 'model'),
  tpmBackends: caps.deviceValues('tpm', 'backendModel'),
  tpmVersions: caps.deviceValues('tpm', 'backendVersion'),
  rngBackends: caps.deviceValues('rng', 'backendModel'),
  watchdogModels: caps.deviceValues('watchdog', 'model'),
  deviceSupport: caps.deviceSupport,
});

type Cache = Map<string, Promise<HostLimits>>;

export class HostLimitsCache {
  // Keyed by client: a reconnect is a new client, so a host upgraded meanwhile is read afresh.
  private readonly byClient = new WeakMap<LibvirtClient, Cache>();

  get(client: LibvirtClient, dom: DomainXml): Promise<HostLimits> {
    let cache = this.byClient.get(client);
    if (!cache) this.byClient.set(client, (cache = new Map()));
    const opts = {
      ...(dom.emulator ? { emulatorbin: dom.emulator } : {}),
      ...(dom.arch ? { arch: dom.arch } : {}),
      ...(dom.machine ? { machine: dom.machine } : {}),
      ...(dom.type ? { virttype: dom.type } : {}),
    };
    const key = JSON.stringify(opts);
    let limits = cache.get(key);
    if (!limits) {
      limits = Promise.all([
        // A driver without domain capabilities (libvirt's test driver, old daemons): no limits from
        // them — libvirt still checks what it is given.
        client.connectGetDomainCapabilities(opts, 0).catch((e: unknown) => {
          if (!isLibvirtError(e)) throw e;
          return '<domainCapabilities/>';
        }),
        client.nodeGetInfo(),
      ]).then(([caps, node]) => limitsFrom(DomainCapabilitiesXml.parse(caps), node));
      // A failure is not kept: the next open asks again.
      limits.catch(() => cache.delete(key));
      cache.set(key, limits);
    }
    return limits;
  }
}
