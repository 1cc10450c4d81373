/**
 * The host feature: the overview of a connected host and the KVM readiness check of a host (connected or
 * not). Depends on the saved connections, the stats sampler's latest host CPU figure and a way to open a
 * read-only probe connection, all given by the core's composition root.
 */
import { hostname } from 'node:os';
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { ConnectionDirectory } from '../base/connections.js';
import {
  libvirtCode,
  openConnection,
  VIR_ERR_NO_SUPPORT,
  VIR_ERR_OPERATION_UNSUPPORTED,
  withTimeout,
  type LibvirtClient,
} from '../libvirt/index.js';
import { collectLocalFacts, collectRemoteFacts, sshTarget, type SystemFacts } from './facts.js';
import { collectHostOverview, type HostClientPort } from './overview.js';
import { evaluateReadiness, kvmInCapabilities, type HostFacts } from './readiness.js';

/** What the readiness check asks the daemon. */
export type ProbeClient = Pick<
  LibvirtClient,
  'connectGetDomainCapabilities' | 'connectGetCapabilities' | 'connectGetHostname' | 'close'
>;

export interface HostServiceDeps {
  connections: ConnectionDirectory;
  /** The host CPU use of a connection's last stats tick (percent), null when none yet. */
  hostCpuPercent(connectionId: string): number | null;
  /** Opens a read-only connection to a daemon that is not connected; default: the wire client's. */
  openProbe?(uri: string): Promise<ProbeClient>;
}

/** How long a daemon that is not connected may take to answer the readiness probe. */
const PROBE_TIMEOUT_MS = 15_000;

/** libvirt's answers meaning "this driver has no such call" (not "KVM is unusable"). */
const DRIVER_UNSUPPORTED = new Set([VIR_ERR_NO_SUPPORT, VIR_ERR_OPERATION_UNSUPPORTED]);

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Is the URI's daemon on this machine (unix socket / no host) rather than remote? */
const isLocalUri = (uri: string): boolean => {
  try {
    const u = new URL(uri);
    return u.hostname === '' || u.hostname === 'localhost' || /\+unix:$/.test(u.protocol);
  } catch {
    return true;
  }
};

const UNKNOWN_SYSTEM: SystemFacts = {
  arch: null,
  cpuFlags: null,
  cpuVendor: null,
  modules: null,
  devKvm: null,
  user: null,
  nested: null,
};

const defaultOpenProbe = (uri: string): Promise<ProbeClient> => openConnection(uri, { readOnly: true });

export class HostService {
  constructor(private readonly deps: HostServiceDeps) {}

  async overview({ connectionId }: CallInput<'host.overview'>): Promise<CallOutput<'host.overview'>> {
    const client: HostClientPort = this.deps.connections.getClient(connectionId);
    const uri = this.deps.connections.entry(connectionId).uri;
    return collectHostOverview(client, { uri, cpuPercent: this.deps.hostCpuPercent(connectionId) });
  }

  async readiness(input: CallInput<'host.readiness'>): Promise<CallOutput<'host.readiness'>> {
    const { connections } = this.deps;
    const uri = 'uri' in input ? input.uri : connections.entry(input.connectionId).uri;
    // The daemon: the live client when connected, otherwise a fresh read-only attempt.
    let client: ProbeClient | null = null;
    let opened: ProbeClient | null = null;
    let daemon: HostFacts['daemon'] = { reachable: false };
    if ('connectionId' in input) {
      try {
        client = connections.getClient(input.connectionId);
      } catch {
        client = null;
      }
    }
    if (!client) {
      try {
        const open = this.deps.openProbe ?? defaultOpenProbe;
        opened = await withTimeout(open(uri), PROBE_TIMEOUT_MS, 'libvirt');
        client = opened;
      } catch (e) {
        daemon = { reachable: false, error: errText(e) };
      }
    }
    let kvmDomainCaps: HostFacts['kvmDomainCaps'] = null;
    let host = '';
    if (client) {
      daemon = { reachable: true };
      try {
        const xml = await client.connectGetDomainCapabilities({ virttype: 'kvm' }, 0);
        kvmDomainCaps = { offered: kvmInCapabilities(xml) };
      } catch (e) {
        // no kvm domain caps: fall back to the guest list of the capabilities. A driver that has no
        // domain capabilities at all (test://) does not run KVM guests: not applicable, not a failure.
        const unsupported = DRIVER_UNSUPPORTED.has(libvirtCode(e) ?? -1);
        const notOffered = { offered: false, error: errText(e), ...(unsupported ? { unsupported } : {}) };
        try {
          const caps = await client.connectGetCapabilities();
          kvmDomainCaps = kvmInCapabilities(caps) ? { offered: true } : notOffered;
        } catch {
          kvmDomainCaps = notOffered;
        }
      }
      host = await client.connectGetHostname().catch(() => '');
    }
    if (opened) await Promise.resolve(opened.close()).catch(() => undefined);

    let system: SystemFacts = UNKNOWN_SYSTEM;
    let factsError: string | null = null;
    let where: 'local' | 'remote' = 'local';
    if (sshTarget(uri)) {
      where = 'remote';
      try {
        system = await collectRemoteFacts(uri);
      } catch (e) {
        factsError = errText(e);
      }
    } else if (isLocalUri(uri)) {
      system = await collectLocalFacts();
    } else {
      where = 'remote';
      factsError = 'Host facts are collected over ssh only; this URI checks the daemon alone.';
    }
    const facts: HostFacts = {
      where,
      host: host || (where === 'local' ? hostname() : ''),
      uri,
      ...system,
      daemon,
      kvmDomainCaps,
    };
    return { ...evaluateReadiness(facts), factsError };
  }
}
