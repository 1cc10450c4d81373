import type { hostCalls } from '../../../shared/contract/host.js';
import { collectLocalFacts, collectRemoteFacts, sshTarget, type SystemFacts } from '../../host/facts.js';
import { collectHostOverview, type HostClientPort } from '../../host/overview.js';
import { evaluateReadiness, kvmInCapabilities, type HostFacts } from '../../host/readiness.js';
import { withTimeout } from '../../libvirt/index.js';
import { samplerFor } from '../../stats/service.js';
import type { Core } from '../core.js';
import type { HandlerMap } from '../handler-types.js';

interface ProbeClient {
  connectGetDomainCapabilities?(opts?: { virttype?: string }, flags?: number): Promise<string>;
  connectGetCapabilities?(): Promise<string>;
  connectGetHostname?(): Promise<string>;
  close?(): Promise<void> | void;
}

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

export const hostHandlers = (core: Core): HandlerMap<typeof hostCalls> => ({
  'host.overview': async ({ connectionId }) => {
    const client = core.getClient(connectionId) as unknown as HostClientPort;
    const uri = core.connections.entry(connectionId).uri;
    const cpuPercent = samplerFor(core).latestHost(connectionId)?.cpu ?? null;
    return collectHostOverview(client, { uri, cpuPercent });
  },

  'host.readiness': async (input) => {
    const uri = 'uri' in input ? input.uri : core.connections.entry(input.connectionId).uri;
    // The daemon: the live client when connected, otherwise a fresh read-only attempt.
    let client: ProbeClient | null = null;
    let opened: ProbeClient | null = null;
    let daemon: HostFacts['daemon'] = { reachable: false };
    if ('connectionId' in input) {
      try {
        client = core.getClient(input.connectionId) as unknown as ProbeClient;
      } catch {
        client = null;
      }
    }
    if (!client) {
      try {
        const mod = (await import('../../libvirt/index.js')) as unknown as {
          openConnection(uri: string, opts?: object): Promise<ProbeClient>;
        };
        opened = await withTimeout(mod.openConnection(uri, { readOnly: true }), 15_000, 'libvirt');
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
        const xml = await client.connectGetDomainCapabilities!({ virttype: 'kvm' }, 0);
        kvmDomainCaps = { offered: kvmInCapabilities(xml) };
      } catch (e) {
        // no kvm domain caps: fall back to the guest list of the capabilities
        try {
          const caps = await client.connectGetCapabilities!();
          kvmDomainCaps = kvmInCapabilities(caps) ? { offered: true } : { offered: false, error: errText(e) };
        } catch {
          kvmDomainCaps = { offered: false, error: errText(e) };
        }
      }
      host = (await client.connectGetHostname?.().catch(() => '')) ?? '';
    }
    if (opened) await Promise.resolve(opened.close?.()).catch(() => undefined);

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
      host: host || (where === 'local' ? (await import('node:os')).hostname() : ''),
      uri,
      ...system,
      daemon,
      kvmDomainCaps,
    };
    return { ...evaluateReadiness(facts), factsError };
  },
});
