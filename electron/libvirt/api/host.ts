/**
 * Connection and host (virConnect*, virNode*): versions, capabilities, host CPU/memory counters.
 */
import { big, charsToString } from '../convert.js';
import { RpcCore } from '../rpc-core.js';
import { fromWireParam, paramList, toWireParam } from '../typed-params.js';
import type { NodeInfo, SecurityModel, TypedParam, TypedParamValue } from '../types.js';

export class HostApi extends RpcCore {
  async connectGetHostname(): Promise<string> {
    return (await this.call('connectGetHostname', undefined)).hostname;
  }
  async connectGetType(): Promise<string> {
    return (await this.call('connectGetType', undefined)).type;
  }
  async connectGetURI(): Promise<string> {
    return (await this.call('connectGetURI', undefined)).uri;
  }
  /** Hypervisor version as major * 1,000,000 + minor * 1,000 + release. */
  async connectGetVersion(): Promise<number> {
    return big((await this.call('connectGetVersion', undefined)).hv_ver);
  }
  /** libvirt version as major * 1,000,000 + minor * 1,000 + release. */
  async connectGetLibVersion(): Promise<number> {
    return big((await this.call('connectGetLibVersion', undefined)).lib_ver);
  }
  async connectGetCapabilities(): Promise<string> {
    return (await this.call('connectGetCapabilities', undefined)).capabilities;
  }
  async connectGetDomainCapabilities(
    opts: { emulatorbin?: string; arch?: string; machine?: string; virttype?: string } = {},
    flags = 0,
  ): Promise<string> {
    const r = await this.call('connectGetDomainCapabilities', {
      emulatorbin: opts.emulatorbin ?? null,
      arch: opts.arch ?? null,
      machine: opts.machine ?? null,
      virttype: opts.virttype ?? null,
      flags,
    });
    return r.capabilities;
  }
  async connectGetSysinfo(flags = 0): Promise<string> {
    return (await this.call('connectGetSysinfo', { flags })).sysinfo;
  }
  async connectSupportsFeature(feature: number): Promise<boolean> {
    return (await this.call('connectSupportsFeature', { feature })).supported !== 0;
  }
  async connectGetMaxVcpus(type: string | null = null): Promise<number> {
    return (await this.call('connectGetMaxVcpus', { type })).max_vcpus;
  }

  async nodeGetInfo(): Promise<NodeInfo> {
    const r = await this.call('nodeGetInfo', undefined);
    return {
      model: charsToString(r.model),
      memory: big(r.memory),
      cpus: r.cpus,
      mhz: r.mhz,
      nodes: r.nodes,
      sockets: r.sockets,
      cores: r.cores,
      threads: r.threads,
    };
  }

  /** Host CPU time counters (ns), for one CPU or all (-1). Two round trips like the C API. */
  async nodeGetCPUStats(cpuNum = -1, flags = 0): Promise<Record<string, number>> {
    const n = (await this.call('nodeGetCPUStats', { cpuNum, nparams: 0, flags })).nparams;
    if (n <= 0) return {};
    const r = await this.call('nodeGetCPUStats', { cpuNum, nparams: n, flags });
    return Object.fromEntries(r.params.map((p) => [p.field, big(p.value)]));
  }

  /** Host memory counters (KiB), for one NUMA cell or all (-1). */
  async nodeGetMemoryStats(cellNum = -1, flags = 0): Promise<Record<string, number>> {
    const n = (await this.call('nodeGetMemoryStats', { nparams: 0, cellNum, flags })).nparams;
    if (n <= 0) return {};
    const r = await this.call('nodeGetMemoryStats', { nparams: n, cellNum, flags });
    return Object.fromEntries(r.params.map((p) => [p.field, big(p.value)]));
  }

  /** Host memory tunables (KSM: shm_pages_to_scan, shm_sleep_millisecs, shm_merge_across_nodes…). */
  async nodeGetMemoryParameters(flags = 0): Promise<TypedParam[]> {
    const f = flags | (await this.stringOkay());
    const n = (await this.call('nodeGetMemoryParameters', { nparams: 0, flags: f })).nparams;
    if (n <= 0) return [];
    const r = await this.call('nodeGetMemoryParameters', { nparams: n, flags: f });
    return r.params.map(fromWireParam);
  }

  async nodeSetMemoryParameters(
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    const list = await paramList(params, () => this.nodeGetMemoryParameters());
    await this.call('nodeSetMemoryParameters', { params: list.map(toWireParam), flags });
  }

  /** Free memory (bytes) of `maxCells` NUMA cells starting at `startCell`. */
  async nodeGetCellsFreeMemory(startCell = 0, maxCells = 1): Promise<number[]> {
    return (await this.call('nodeGetCellsFreeMemory', { startCell, maxcells: maxCells })).cells.map(big);
  }

  /** Free host memory in bytes. */
  async nodeGetFreeMemory(): Promise<number> {
    return big((await this.call('nodeGetFreeMemory', undefined)).freeMem);
  }

  /**
   * Free pages of each size in `pageSizesKiB` for `cellCount` NUMA cells from `startCell`: one count per
   * (cell, size), cell-major, as libvirt returns them.
   */
  async nodeGetFreePages(
    pageSizesKiB: readonly number[],
    startCell: number,
    cellCount: number,
    flags = 0,
  ): Promise<number[]> {
    const r = await this.call('nodeGetFreePages', {
      pages: [...pageSizesKiB],
      startCell,
      cellCount,
      flags,
    });
    return r.counts.map(big);
  }

  /**
   * Changes the host's huge page pools: for each page size its count, on `cellCount` cells from
   * `startCell` (-1 = the whole host). flags: VIR_NODE_ALLOC_PAGES_SET sets the pool, else adds.
   * Returns how many cells were changed.
   */
  async nodeAllocPages(
    pages: readonly { sizeKiB: number; count: number }[],
    startCell: number,
    cellCount: number,
    flags = 0,
  ): Promise<number> {
    const r = await this.call('nodeAllocPages', {
      pageSizes: pages.map((p) => p.sizeKiB),
      pageCounts: pages.map((p) => BigInt(Math.trunc(p.count))),
      startCell,
      cellCount,
      flags,
    });
    return r.ret;
  }

  async nodeGetSecurityModel(): Promise<SecurityModel> {
    const r = await this.call('nodeGetSecurityModel', undefined);
    return { model: charsToString(r.model), doi: charsToString(r.doi) };
  }
}
