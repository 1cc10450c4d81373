/**
 * Host memory tuning: KSM and the huge page pools of each NUMA node.
 *
 * KSM's parameters and counters go through libvirt (nodeGetMemoryParameters / nodeSetMemoryParameters:
 * pages to scan, sleep, merge across nodes). libvirt has no call to switch KSM on or off, so that is done
 * here through /sys/kernel/mm/ksm/run — only when the host is this machine and VirtDesk may write the
 * file (root); otherwise the page says how to do it on the host.
 *
 * Huge page pools: their sizes and totals per node from the capabilities, the free pages from
 * nodeGetFreePages, a new pool size through nodeAllocPages. A pool that cannot grow into the node's free
 * memory is refused before libvirt; when the kernel finds too little contiguous memory, libvirt says so
 * and the error says it in plain words with libvirt's text.
 */
import fs from 'node:fs/promises';
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { HostMemoryOutput, HugepagePool, KsmState } from '../../shared/contract/host-memory.js';
import type { HostCell } from '../../shared/contract/tuning.js';
import type { ConnectionDirectory } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import {
  isLibvirtError,
  paramsToRecord,
  VIR_NODE_ALLOC_PAGES_SET,
  VIR_NODE_MEMORY_SHARED_FULL_SCANS,
  VIR_NODE_MEMORY_SHARED_MERGE_ACROSS_NODES,
  VIR_NODE_MEMORY_SHARED_PAGES_SHARED,
  VIR_NODE_MEMORY_SHARED_PAGES_SHARING,
  VIR_NODE_MEMORY_SHARED_PAGES_TO_SCAN,
  VIR_NODE_MEMORY_SHARED_PAGES_UNSHARED,
  VIR_NODE_MEMORY_SHARED_PAGES_VOLATILE,
  VIR_NODE_MEMORY_SHARED_SLEEP_MILLISECS,
  type LibvirtClient,
  type TypedParamValue,
} from '../libvirt/index.js';
import { CapabilitiesXml } from '../libvirt-xml/index.js';

/** What the memory page asks the wire client. */
export type HostMemoryClient = Pick<
  LibvirtClient,
  | 'connectGetCapabilities'
  | 'nodeGetInfo'
  | 'nodeGetMemoryParameters'
  | 'nodeSetMemoryParameters'
  | 'nodeGetFreePages'
  | 'nodeAllocPages'
  | 'nodeGetCellsFreeMemory'
>;

/** KSM's on/off switch of this machine (/sys/kernel/mm/ksm/run); replaceable in tests. */
export interface KsmSwitch {
  /** 0, 1 or 2; null when the kernel has no KSM. */
  read(): Promise<number | null>;
  /** Whether the file may be written by this process. */
  writable(): Promise<boolean>;
  write(run: 0 | 1): Promise<void>;
}

const KSM_RUN = '/sys/kernel/mm/ksm/run';

export const sysfsKsmSwitch: KsmSwitch = {
  async read() {
    try {
      const v = Number((await fs.readFile(KSM_RUN, 'utf8')).trim());
      return v === 0 || v === 1 || v === 2 ? v : null;
    } catch {
      return null;
    }
  },
  async writable() {
    try {
      await fs.access(KSM_RUN, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  async write(run) {
    await fs.writeFile(KSM_RUN, `${run}\n`);
  },
};

/** A libvirt URI of this machine's QEMU daemon (no remote host): only then is /sys ours to read. */
export const isLocalQemuUri = (uri: string): boolean => {
  try {
    const u = new URL(uri);
    const local = u.hostname === '' || u.hostname === 'localhost';
    return local && /^qemu(\+unix)?:$/.test(u.protocol);
  } catch {
    return false;
  }
};

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const countOf = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : null;

const sizeText = (kib: number): string =>
  kib >= 1024 * 1024 ? `${kib / (1024 * 1024)} GiB` : kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`;

/**
 * The huge page pools of every host node (every page size above the base one): their totals from the
 * capabilities' cells, their free pages from nodeGetFreePages (null, with libvirt's text, when it cannot
 * say). The host memory page and the Tuning tab's guest NUMA section both show them.
 */
export const readHugepagePools = async (
  client: Pick<LibvirtClient, 'nodeGetFreePages'>,
  cells: readonly HostCell[],
): Promise<{ pools: HugepagePool[]; error: string | null }> => {
  const allSizes = [...new Set(cells.flatMap((c) => c.pages.map((p) => p.sizeKiB)))].sort((a, b) => a - b);
  const hugeSizes = allSizes.filter((s) => s > (allSizes[0] ?? 4));
  let error: string | null = null;
  const pools: HugepagePool[] = [];
  for (const cell of cells) {
    let free: number[] | null = null;
    if (hugeSizes.length > 0) {
      try {
        free = await client.nodeGetFreePages(hugeSizes, cell.id, 1);
      } catch (e) {
        error ??= errText(e);
      }
    }
    hugeSizes.forEach((sizeKiB, i) => {
      const total = cell.pages.find((p) => p.sizeKiB === sizeKiB)?.count ?? 0;
      pools.push({ cell: cell.id, sizeKiB, total, free: free?.[i] ?? null });
    });
  }
  return { pools, error };
};

export interface HostMemoryDeps {
  connections: Pick<ConnectionDirectory, 'getClient' | 'entry'>;
  ksmSwitch?: KsmSwitch;
}

export class HostMemoryService {
  private readonly ksmSwitch: KsmSwitch;
  constructor(private readonly deps: HostMemoryDeps) {
    this.ksmSwitch = deps.ksmSwitch ?? sysfsKsmSwitch;
  }

  private client(connectionId: string): HostMemoryClient {
    return this.deps.connections.getClient(connectionId);
  }

  private local(connectionId: string): boolean {
    return isLocalQemuUri(this.deps.connections.entry(connectionId).uri);
  }

  async memory({ connectionId }: CallInput<'host.memory'>): Promise<CallOutput<'host.memory'>> {
    const client = this.client(connectionId);
    const local = this.local(connectionId);
    const [params, caps, run, canWrite] = await Promise.all([
      client.nodeGetMemoryParameters().then(
        (p) => ({ ok: true as const, values: paramsToRecord(p) }),
        (e: unknown) => ({ ok: false as const, error: errText(e) }),
      ),
      Promise.all([client.connectGetCapabilities(), client.nodeGetInfo()]).then(
        ([xml, info]) => CapabilitiesXml.parse(xml).cells(info),
        (e: unknown) => errText(e),
      ),
      local ? this.ksmSwitch.read() : Promise.resolve(null),
      local ? this.ksmSwitch.writable() : Promise.resolve(false),
    ]);
    const cells = typeof caps === 'string' ? [] : caps;
    const allSizes = [...new Set(cells.flatMap((c) => c.pages.map((p) => p.sizeKiB)))].sort((a, b) => a - b);
    const baseKiB = allSizes[0] ?? 4;
    const values: Record<string, TypedParamValue> = params.ok ? params.values : {};
    const merge = values[VIR_NODE_MEMORY_SHARED_MERGE_ACROSS_NODES];
    const ksm: KsmState = {
      error: params.ok ? null : params.error,
      run,
      canSwitch: run !== null && canWrite,
      pagesToScan: countOf(values[VIR_NODE_MEMORY_SHARED_PAGES_TO_SCAN]),
      sleepMillisecs: countOf(values[VIR_NODE_MEMORY_SHARED_SLEEP_MILLISECS]),
      mergeAcrossNodes: merge === undefined ? null : Boolean(merge),
      pagesShared: countOf(values[VIR_NODE_MEMORY_SHARED_PAGES_SHARED]),
      pagesSharing: countOf(values[VIR_NODE_MEMORY_SHARED_PAGES_SHARING]),
      pagesUnshared: countOf(values[VIR_NODE_MEMORY_SHARED_PAGES_UNSHARED]),
      pagesVolatile: countOf(values[VIR_NODE_MEMORY_SHARED_PAGES_VOLATILE]),
      fullScans: countOf(values[VIR_NODE_MEMORY_SHARED_FULL_SCANS]),
      pageBytes: baseKiB * 1024,
    };

    const read = await readHugepagePools(client, cells);
    const pools = read.pools;
    const poolsError: string | null = typeof caps === 'string' ? caps : read.error;
    const cellsFree = await Promise.all(
      cells.map(async (c) => ({
        cell: c.id,
        bytes: await client.nodeGetCellsFreeMemory(c.id, 1).then(
          (b) => countOf(b[0]),
          () => null,
        ),
      })),
    );
    return { ksm, pools, cellsFree, poolsError };
  }

  async setKsm(input: CallInput<'host.setKsm'>): Promise<CallOutput<'host.setKsm'>> {
    const { connectionId } = input;
    const client = this.client(connectionId);
    const params: Record<string, TypedParamValue> = {};
    if (input.pagesToScan !== undefined) params[VIR_NODE_MEMORY_SHARED_PAGES_TO_SCAN] = input.pagesToScan;
    if (input.sleepMillisecs !== undefined)
      params[VIR_NODE_MEMORY_SHARED_SLEEP_MILLISECS] = input.sleepMillisecs;
    if (input.mergeAcrossNodes !== undefined)
      params[VIR_NODE_MEMORY_SHARED_MERGE_ACROSS_NODES] = input.mergeAcrossNodes ? 1 : 0;
    if (Object.keys(params).length > 0) {
      try {
        await client.nodeSetMemoryParameters(params);
      } catch (e) {
        if (!isLibvirtError(e)) throw e;
        const merge =
          input.mergeAcrossNodes !== undefined
            ? ' Merging across NUMA nodes can only change while no pages are shared: switch KSM off (which unmerges them) first.'
            : '';
        throw new CoreError('libvirt', `libvirt refused the KSM settings.${merge} libvirt: ${e.message}`);
      }
    }
    if (input.run !== undefined) {
      if (!this.local(connectionId) || (await this.ksmSwitch.read()) === null)
        throw new CoreError(
          'invalid-input',
          'libvirt cannot switch KSM on or off; on that host run “echo 1 > /sys/kernel/mm/ksm/run” as root (0 switches it off), or enable its ksm/ksmtuned service.',
        );
      try {
        await this.ksmSwitch.write(input.run ? 1 : 0);
      } catch (e) {
        throw new CoreError(
          'invalid-input',
          `VirtDesk may not switch KSM ${input.run ? 'on' : 'off'} here: it needs root (libvirt has no call for it). Run “echo ${input.run ? 1 : 0} | sudo tee /sys/kernel/mm/ksm/run”. (${errText(e)})`,
        );
      }
    }
    return this.memory({ connectionId });
  }

  async setHugepages(input: CallInput<'host.setHugepages'>): Promise<CallOutput<'host.setHugepages'>> {
    const { connectionId, cell, sizeKiB, count } = input;
    const client = this.client(connectionId);
    const before: HostMemoryOutput = await this.memory({ connectionId });
    const pool = before.pools.find((p) => p.cell === cell && p.sizeKiB === sizeKiB);
    const where = `${sizeText(sizeKiB)} huge pages on NUMA node ${cell}`;
    if (!pool) {
      const sizes = [...new Set(before.pools.map((p) => p.sizeKiB))].map(sizeText);
      const nodes = [...new Set(before.cellsFree.map((c) => c.cell))];
      throw new CoreError(
        'invalid-input',
        nodes.includes(cell)
          ? `This host has no ${sizeText(sizeKiB)} huge pages (its sizes: ${sizes.join(', ') || 'none'}).`
          : `This host has no NUMA node ${cell} (its nodes: ${nodes.join(', ') || 'none'}).`,
        [{ path: ['count'], message: 'No such pool on this host.' }],
      );
    }
    const grow = (count - pool.total) * sizeKiB * 1024;
    const free = before.cellsFree.find((c) => c.cell === cell)?.bytes ?? null;
    if (grow > 0 && free !== null && grow > free) {
      const most = pool.total + Math.floor(free / (sizeKiB * 1024));
      throw new CoreError(
        'invalid-input',
        `Node ${cell} has ${Math.floor(free / 1024 / 1024)} MiB free: not enough for ${count} ${where}. At most about ${most} would fit (fewer when its memory is fragmented).`,
        [{ path: ['count'], message: `At most about ${most}.` }],
      );
    }
    try {
      await client.nodeAllocPages([{ sizeKiB, count }], cell, 1, VIR_NODE_ALLOC_PAGES_SET);
    } catch (e) {
      if (!isLibvirtError(e)) throw e;
      const after = await this.memory({ connectionId }).catch(() => null);
      const now = after?.pools.find((p) => p.cell === cell && p.sizeKiB === sizeKiB)?.total;
      throw new CoreError(
        'libvirt',
        `The kernel could not set aside ${count} ${where}${now !== undefined ? ` (the pool now holds ${now})` : ''}: ` +
          'it needs that much free, contiguous memory, and a running host rarely has it for large pages. ' +
          `Free memory or reserve them at boot (hugepages= on the kernel command line). libvirt: ${e.message}`,
      );
    }
    return this.memory({ connectionId });
  }
}
