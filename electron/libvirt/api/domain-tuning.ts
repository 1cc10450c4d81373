/**
 * Domain resources and tuning: memory, vCPUs, devices, typed-parameter tunables, CPU pinning.
 */
import { big, cpumapBytes, cpumapToList, toWireDomain } from '../convert.js';
import { VIR_DOMAIN_AFFECT_CONFIG, VIR_DOMAIN_AFFECT_LIVE } from '../protocol/constants.js';
import { RpcCore } from '../rpc-core.js';
import { fromWireParam, paramList, toWireParam } from '../typed-params.js';
import type { DomainRef, TypedParam, TypedParamValue, VcpuInfo } from '../types.js';

type TwoStepGetter = 'domainGetMemoryParameters' | 'domainGetBlkioParameters' | 'domainGetNumaParameters';
type TypedSetter =
  | 'domainSetSchedulerParametersFlags'
  | 'domainSetMemoryParameters'
  | 'domainSetBlkioParameters'
  | 'domainSetNumaParameters';

export class DomainTuningApi extends RpcCore {
  /** Memory in KiB; flags: virDomainMemoryModFlags (MAXIMUM sets the maximum). */
  async domainSetMemoryFlags(dom: DomainRef, memoryKiB: number, flags = 0): Promise<void> {
    await this.call('domainSetMemoryFlags', {
      dom: toWireDomain(dom),
      memory: BigInt(Math.trunc(memoryKiB)),
      flags,
    });
  }
  async domainSetMaxMemory(dom: DomainRef, memoryKiB: number): Promise<void> {
    await this.call('domainSetMaxMemory', { dom: toWireDomain(dom), memory: BigInt(Math.trunc(memoryKiB)) });
  }
  async domainSetVcpusFlags(dom: DomainRef, nvcpus: number, flags = 0): Promise<void> {
    await this.call('domainSetVcpusFlags', { dom: toWireDomain(dom), nvcpus, flags });
  }
  async domainGetVcpusFlags(dom: DomainRef, flags = 0): Promise<number> {
    return (await this.call('domainGetVcpusFlags', { dom: toWireDomain(dom), flags })).num;
  }
  async domainGetMaxVcpus(dom: DomainRef): Promise<number> {
    return (await this.call('domainGetMaxVcpus', { dom: toWireDomain(dom) })).num;
  }
  async domainAttachDeviceFlags(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    await this.call('domainAttachDeviceFlags', { dom: toWireDomain(dom), xml, flags });
  }
  async domainDetachDeviceFlags(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    await this.call('domainDetachDeviceFlags', { dom: toWireDomain(dom), xml, flags });
  }
  async domainUpdateDeviceFlags(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    await this.call('domainUpdateDeviceFlags', { dom: toWireDomain(dom), xml, flags });
  }
  /** Size in KiB unless flags has VIR_DOMAIN_BLOCK_RESIZE_BYTES. */
  async domainBlockResize(dom: DomainRef, disk: string, size: number, flags = 0): Promise<void> {
    await this.call('domainBlockResize', {
      dom: toWireDomain(dom),
      disk,
      size: BigInt(Math.trunc(size)),
      flags,
    });
  }
  async domainSendKey(
    dom: DomainRef,
    codeset: number,
    holdtime: number,
    keycodes: number[],
    flags = 0,
  ): Promise<void> {
    await this.call('domainSendKey', { dom: toWireDomain(dom), codeset, holdtime, keycodes, flags });
  }

  // ---- domains: tuning (typed parameters) ------------------------------------------------------

  async domainGetSchedulerType(dom: DomainRef): Promise<{ type: string; nparams: number }> {
    return this.call('domainGetSchedulerType', { dom: toWireDomain(dom) });
  }
  async domainGetSchedulerParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    const { nparams } = await this.domainGetSchedulerType(dom);
    if (nparams <= 0) return [];
    const r = await this.call('domainGetSchedulerParametersFlags', {
      dom: toWireDomain(dom),
      nparams,
      flags,
    });
    return r.params.map(fromWireParam);
  }
  async domainSetSchedulerParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetSchedulerParametersFlags',
      dom,
      params,
      () => this.domainGetSchedulerParameters(dom),
      flags,
    );
  }
  async domainGetMemoryParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    return this.twoStepParams('domainGetMemoryParameters', dom, flags);
  }
  async domainSetMemoryParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetMemoryParameters',
      dom,
      params,
      () => this.domainGetMemoryParameters(dom),
      flags,
    );
  }
  async domainGetBlkioParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    return this.twoStepParams('domainGetBlkioParameters', dom, flags);
  }
  async domainSetBlkioParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetBlkioParameters',
      dom,
      params,
      () => this.domainGetBlkioParameters(dom),
      flags,
    );
  }
  async domainGetNumaParameters(dom: DomainRef, flags = 0): Promise<TypedParam[]> {
    return this.twoStepParams('domainGetNumaParameters', dom, flags);
  }
  async domainSetNumaParameters(
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    await this.setParams(
      'domainSetNumaParameters',
      dom,
      params,
      () => this.domainGetNumaParameters(dom),
      flags,
    );
  }

  /** Pins a vCPU to host CPUs (a list of CPU numbers or a raw bitmap). */
  async domainPinVcpuFlags(
    dom: DomainRef,
    vcpu: number,
    cpus: readonly number[] | Uint8Array,
    flags = 0,
  ): Promise<void> {
    const host = await this.hostCpuCount();
    await this.call('domainPinVcpuFlags', {
      dom: toWireDomain(dom),
      vcpu,
      cpumap: cpumapBytes(cpus, host),
      flags,
    });
  }
  /** Host CPUs each vCPU may run on, indexed by vCPU. */
  async domainGetVcpuPinInfo(dom: DomainRef, flags = 0): Promise<number[][]> {
    const host = await this.hostCpuCount();
    const maplen = Math.ceil(host / 8);
    // As many maps as vCPUs in the definition the flags pick (live or config).
    const ncpumaps = await this.domainGetVcpusFlags(
      dom,
      flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
    );
    const r = await this.call('domainGetVcpuPinInfo', { dom: toWireDomain(dom), ncpumaps, maplen, flags });
    const out: number[][] = [];
    for (let i = 0; i < r.num; i++)
      out.push(cpumapToList(r.cpumaps.subarray(i * maplen, (i + 1) * maplen), host));
    return out;
  }
  /** Host CPUs the emulator threads may run on. */
  async domainGetEmulatorPinInfo(dom: DomainRef, flags = 0): Promise<number[]> {
    const host = await this.hostCpuCount();
    const r = await this.call('domainGetEmulatorPinInfo', {
      dom: toWireDomain(dom),
      maplen: Math.ceil(host / 8),
      flags,
    });
    return r.ret > 0 ? cpumapToList(r.cpumaps, host) : [];
  }
  /** Pins the emulator threads to host CPUs (a list of CPU numbers or a raw bitmap). */
  async domainPinEmulator(dom: DomainRef, cpus: readonly number[] | Uint8Array, flags = 0): Promise<void> {
    const host = await this.hostCpuCount();
    await this.call('domainPinEmulator', { dom: toWireDomain(dom), cpumap: cpumapBytes(cpus, host), flags });
  }
  /** The VM's IOThreads (ids) and the host CPUs each may run on; flags pick live or config. */
  async domainGetIOThreadInfo(dom: DomainRef, flags = 0): Promise<{ id: number; cpus: number[] }[]> {
    const host = await this.hostCpuCount();
    const r = await this.call('domainGetIOThreadInfo', { dom: toWireDomain(dom), flags });
    return r.info.map((t) => ({ id: t.iothread_id, cpus: cpumapToList(t.cpumap, host) }));
  }
  /** Pins one IOThread (by id) to host CPUs. */
  async domainPinIOThread(
    dom: DomainRef,
    iothreadId: number,
    cpus: readonly number[] | Uint8Array,
    flags = 0,
  ): Promise<void> {
    const host = await this.hostCpuCount();
    await this.call('domainPinIOThread', {
      dom: toWireDomain(dom),
      iothreads_id: iothreadId,
      cpumap: cpumapBytes(cpus, host),
      flags,
    });
  }
  async domainAddIOThread(dom: DomainRef, iothreadId: number, flags = 0): Promise<void> {
    await this.call('domainAddIOThread', { dom: toWireDomain(dom), iothread_id: iothreadId, flags });
  }
  async domainDelIOThread(dom: DomainRef, iothreadId: number, flags = 0): Promise<void> {
    await this.call('domainDelIOThread', { dom: toWireDomain(dom), iothread_id: iothreadId, flags });
  }
  /** A disk's I/O throttling (total/read/write bytes and IOPS per second…); `disk` is its target or path. */
  async domainGetBlockIoTune(dom: DomainRef, disk: string, flags = 0): Promise<TypedParam[]> {
    const wire = toWireDomain(dom);
    const f = flags | (await this.stringOkay());
    const n = (await this.call('domainGetBlockIoTune', { dom: wire, disk, nparams: 0, flags: f })).nparams;
    if (n <= 0) return [];
    const r = await this.call('domainGetBlockIoTune', { dom: wire, disk, nparams: n, flags: f });
    return r.params.map(fromWireParam);
  }
  async domainSetBlockIoTune(
    dom: DomainRef,
    disk: string,
    params: TypedParam[] | Record<string, TypedParamValue>,
    flags = 0,
  ): Promise<void> {
    const list = await paramList(params, () => this.domainGetBlockIoTune(dom, disk, flags));
    await this.call('domainSetBlockIoTune', {
      dom: toWireDomain(dom),
      disk,
      params: list.map(toWireParam),
      flags,
    });
  }
  /** Per-vCPU state/time/physical CPU (running domains only). */
  async domainGetVcpus(dom: DomainRef): Promise<(VcpuInfo & { affinity: number[] })[]> {
    const host = await this.hostCpuCount();
    const maplen = Math.ceil(host / 8);
    const maxinfo = (await this.call('domainGetInfo', { dom: toWireDomain(dom) })).nrVirtCpu;
    const r = await this.call('domainGetVcpus', { dom: toWireDomain(dom), maxinfo, maplen });
    return r.info.map((v, i) => ({
      number: v.number,
      state: v.state,
      cpuTime: big(v.cpu_time),
      cpu: v.cpu,
      affinity: cpumapToList(r.cpumaps.subarray(i * maplen, (i + 1) * maplen), host),
    }));
  }

  private async twoStepParams(name: TwoStepGetter, dom: DomainRef, flags: number): Promise<TypedParam[]> {
    const wire = toWireDomain(dom);
    const f = flags | (await this.stringOkay());
    const n = (await this.call(name, { dom: wire, nparams: 0, flags: f })).nparams;
    if (n <= 0) return [];
    return (await this.call(name, { dom: wire, nparams: n, flags: f })).params.map(fromWireParam);
  }

  /** Sets typed parameters; a plain record takes its wire types from the current values. */
  private async setParams(
    name: TypedSetter,
    dom: DomainRef,
    params: TypedParam[] | Record<string, TypedParamValue>,
    current: () => Promise<TypedParam[]>,
    flags: number,
  ): Promise<void> {
    const list = await paramList(params, current);
    await this.call(name, { dom: toWireDomain(dom), params: list.map(toWireParam), flags });
  }
}
