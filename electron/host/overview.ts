/**
 * Host overview for the dashboard: identity and versions, CPU model/topology, NUMA cells with free
 * memory, host CPU/memory now, KSM figures, the security model and each running VM's security labels.
 * Parsing is pure (capabilities XML, live domain XML); `collectHostOverview` does the calls.
 */
import type { HostOverview } from '../../shared/contract/host.js';
import {
  ConnectListAllDomainsFlags,
  VIR_NODE_MEMORY_STATS_ALL_CELLS,
  type LibvirtClient,
} from '../libvirt/index.js';
import { attr, bytesOf, child, children, DomainXml, intOf, parseXml, text } from '../libvirt-xml/index.js';
import { parseHostMemoryStats } from '../stats/rates.js';

export interface CapabilitiesHost {
  cpu: {
    model: string | null;
    vendor: string | null;
    arch: string | null;
    sockets: number | null;
    dies: number | null;
    cores: number | null;
    threads: number | null;
  };
  cells: { id: number; memory: number | null; cpus: number[] }[];
  secmodels: { model: string; doi: string | null; baseLabels: string[] }[];
}

/** The <host> part of connectGetCapabilities. */
export function parseCapabilitiesHost(xml: string): CapabilitiesHost {
  const host = child(parseXml(xml), 'host');
  const cpu = child(host, 'cpu');
  const topo = child(cpu, 'topology');
  const cells = children(host, 'topology/cells/cell').map((c) => ({
    id: intOf(attr(c, 'id')) ?? 0,
    memory: bytesOf(child(c, 'memory')),
    cpus: children(c, 'cpus/cpu')
      .map((x) => intOf(attr(x, 'id')))
      .filter((x): x is number => x !== null),
  }));
  const secmodels = children(host, 'secmodel').map((s) => ({
    model: text(s, 'model') ?? '',
    doi: text(s, 'doi') || null,
    baseLabels: children(s, 'baselabel').map((b) => `${attr(b, 'type') ?? ''}: ${text(b)}`),
  }));
  return {
    cpu: {
      model: text(cpu, 'model'),
      vendor: text(cpu, 'vendor'),
      arch: text(cpu, 'arch'),
      sockets: intOf(attr(topo, 'sockets')),
      dies: intOf(attr(topo, 'dies')),
      cores: intOf(attr(topo, 'cores')),
      threads: intOf(attr(topo, 'threads')),
    },
    cells,
    secmodels,
  };
}

export type SecurityLabelView = HostOverview['labels'][number]['labels'][number];

/** The <seclabel> elements of a (live) domain XML. */
export const parseSecLabels = (domainXml: string): SecurityLabelView[] =>
  DomainXml.parse(domainXml).seclabels;

/** libvirt's version number (major*1e6 + minor*1e3 + release) as 'major.minor.release'. */
export const versionString = (v: number | null | undefined): string | null =>
  v === null || v === undefined || !Number.isFinite(v) || v <= 0
    ? null
    : `${Math.floor(v / 1e6)}.${Math.floor((v % 1e6) / 1e3)}.${v % 1e3}`;

/** Mandatory-access-control models that make sVirt confinement. */
export const MAC_MODELS = ['selinux', 'apparmor'];

/**
 * What the overview asks the wire client. Taken from the real client's type; the optional calls are the
 * ones the overview can do without (a missing one becomes "not supported by this client").
 */
export type HostClientPort = Pick<LibvirtClient, 'connectListAllDomains' | 'domainGetXMLDesc'> &
  Partial<
    Pick<
      LibvirtClient,
      | 'connectGetHostname'
      | 'connectGetType'
      | 'connectGetVersion'
      | 'connectGetLibVersion'
      | 'connectGetCapabilities'
      | 'connectGetDomainCapabilities'
      | 'nodeGetInfo'
      | 'nodeGetMemoryStats'
      | 'nodeGetMemoryParameters'
      | 'nodeGetCellsFreeMemory'
      | 'nodeGetSecurityModel'
    >
  >;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function attempt<T>(
  fn: (() => Promise<T>) | undefined,
): Promise<{ ok: true; v: T } | { ok: false; error: string }> {
  if (!fn) return { ok: false, error: 'not supported by this client' };
  try {
    return { ok: true, v: await fn() };
  } catch (e) {
    return { ok: false, error: errText(e) };
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function collectHostOverview(
  c: HostClientPort,
  opts: { uri: string; cpuPercent: number | null; maxLabelVms?: number },
): Promise<HostOverview> {
  const bind = <K extends keyof HostClientPort>(k: K) =>
    (c[k] as ((...a: never[]) => unknown) | undefined)?.bind(c);
  const [hostname, type, hvVer, libVer, capsXml, info, memStats, ksm, secModel, doms] = await Promise.all([
    attempt(bind('connectGetHostname') as HostClientPort['connectGetHostname']),
    attempt(bind('connectGetType') as HostClientPort['connectGetType']),
    attempt(bind('connectGetVersion') as HostClientPort['connectGetVersion']),
    attempt(bind('connectGetLibVersion') as HostClientPort['connectGetLibVersion']),
    attempt(bind('connectGetCapabilities') as HostClientPort['connectGetCapabilities']),
    attempt(bind('nodeGetInfo') as HostClientPort['nodeGetInfo']),
    attempt(
      c.nodeGetMemoryStats ? () => c.nodeGetMemoryStats!(VIR_NODE_MEMORY_STATS_ALL_CELLS, 0) : undefined,
    ),
    attempt(c.nodeGetMemoryParameters ? () => c.nodeGetMemoryParameters!(0) : undefined),
    attempt(bind('nodeGetSecurityModel') as HostClientPort['nodeGetSecurityModel']),
    attempt(() => c.connectListAllDomains(ConnectListAllDomainsFlags.ACTIVE)),
  ]);

  let caps: CapabilitiesHost | null = null;
  if (capsXml.ok) {
    try {
      caps = parseCapabilitiesHost(capsXml.v);
    } catch {
      caps = null;
    }
  }
  const cells = caps?.cells ?? [];
  let free: number[] = [];
  if (cells.length > 0 && c.nodeGetCellsFreeMemory) {
    const maxId = Math.max(...cells.map((x) => x.id));
    const r = await attempt(() => c.nodeGetCellsFreeMemory!(0, maxId + 1));
    if (r.ok) free = r.v;
  }
  const mem = memStats.ok ? parseHostMemoryStats(memStats.v) : null;
  const ni = info.ok ? info.v : null;
  const totalFromInfo = ni ? ni.memory * 1024 : null;
  const fin = (v: number | undefined | null): number | null =>
    v !== undefined && v !== null && Number.isFinite(v) ? v : null;

  const running = doms.ok ? doms.v.slice(0, opts.maxLabelVms ?? 1000) : [];
  const labels = await mapLimit(running, 16, async (d) => {
    try {
      return { uuid: d.uuid, name: d.name, labels: parseSecLabels(await c.domainGetXMLDesc(d, 0)) };
    } catch {
      return { uuid: d.uuid, name: d.name, labels: [] };
    }
  });

  const secmodels = caps?.secmodels ?? [];
  const primary = secModel.ok ? secModel.v : null;
  const allModels = new Set([primary?.model ?? '', ...secmodels.map((s) => s.model)].filter(Boolean));

  return {
    hostname: hostname.ok ? hostname.v : '',
    uri: opts.uri,
    libvirtVersion: libVer.ok ? versionString(libVer.v) : null,
    hypervisor: { type: type.ok ? type.v : null, version: hvVer.ok ? versionString(hvVer.v) : null },
    cpu: {
      model: caps?.cpu.model ?? ni?.model ?? null,
      vendor: caps?.cpu.vendor ?? null,
      arch: caps?.cpu.arch ?? null,
      mhz: fin(ni?.mhz),
      cpus: fin(ni?.cpus),
      nodes: fin(ni?.nodes) ?? (cells.length || null),
      sockets: caps?.cpu.sockets ?? fin(ni?.sockets),
      coresPerSocket: caps?.cpu.cores ?? fin(ni?.cores),
      threadsPerCore: caps?.cpu.threads ?? fin(ni?.threads),
    },
    memory: {
      total: fin(mem?.total) ?? totalFromInfo,
      used: fin(mem?.used),
      free: fin(mem?.free),
    },
    cpuPercent: opts.cpuPercent,
    numa: cells.map((cell) => ({
      id: cell.id,
      memory: cell.memory,
      free: fin(free[cell.id]),
      cpus: cell.cpus,
    })),
    ksm: {
      params: ksm.ok ? ksm.v.map((p) => ({ field: p.field, value: p.value })) : [],
      error: ksm.ok ? null : ksm.error,
    },
    security: {
      model: primary ? primary.model || 'none' : null,
      doi: primary ? primary.doi || null : null,
      models: secmodels,
      svirt: [...allModels].some((m) => MAC_MODELS.includes(m)),
      error: secModel.ok ? null : secModel.error,
    },
    labels,
  };
}
