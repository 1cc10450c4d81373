/**
 * The Tuning tab's service: reads a VM's tuning (next-boot XML, running XML, where its vCPU threads
 * actually run) with the host's CPU map, and applies one change through libvirt's tuning calls —
 * checked against the host first, then to the next-boot config (AFFECT_CONFIG) and, when the VM runs,
 * to the running VM (AFFECT_LIVE). Config goes first: when libvirt refuses it nothing has changed.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { HugepagePool } from '../../shared/contract/host-memory.js';
import type { HostCell, TuningChange, TuningView } from '../../shared/contract/tuning.js';
import type { ConnectionDirectory } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import {
  DomainAffect,
  DomainXMLFlags,
  DOMAIN_MEMORY_PARAM_UNLIMITED,
  DomainNumatuneMemMode,
  isLibvirtError,
  paramsToRecord,
  VIR_DOMAIN_BLKIO_WEIGHT,
  VIR_DOMAIN_MEMORY_HARD_LIMIT,
  VIR_DOMAIN_MEMORY_SOFT_LIMIT,
  VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT,
  VIR_DOMAIN_NUMA_MODE,
  VIR_DOMAIN_NUMA_NODESET,
  VIR_DOMAIN_SCHEDULER_CPU_SHARES,
  VIR_DOMAIN_SCHEDULER_VCPU_PERIOD,
  VIR_DOMAIN_SCHEDULER_EMULATOR_PERIOD,
  VIR_DOMAIN_SCHEDULER_EMULATOR_QUOTA,
  VIR_DOMAIN_SCHEDULER_IOTHREAD_PERIOD,
  VIR_DOMAIN_SCHEDULER_IOTHREAD_QUOTA,
  VIR_DOMAIN_SCHEDULER_VCPU_QUOTA,
  type DomainRef,
  type LibvirtClient,
  type TypedParam,
} from '../libvirt/index.js';
import {
  CapabilitiesXml,
  DomainXml,
  formatCpuList,
  iotuneParamNames,
  readDomainTuning,
  setGuestNuma,
  tidyLayout,
} from '../libvirt-xml/index.js';
import { checkTuningChange } from '../../shared/contract/tuning-checks.js';
import { applyNextBootOnly, changeNameMore, nextBootOnly, tuningStepMore } from './steps-more.js';
import { guestNumaStep } from './steps-numa.js';
import { isLocalUri, readDiskWeightFile } from './host-realtime.js';
import { readHugepagePools } from '../host/memory.js';

type Step = (client: LibvirtClient, dom: DomainRef, flags: number) => Promise<void>;

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A change that sets a disk weight (the VM's, or one device's). */
const setsWeight = (change: TuningChange): boolean =>
  change.kind === 'blkio' || (change.kind === 'blkiodevice' && change.device.weight > 0);

/**
 * libvirt's refusal of a weight on a host whose I/O scheduler takes none. It checks only when a cgroup
 * gets the weight: the next-boot definition takes it, and the VM then fails to start. Where the host
 * cannot be read beforehand (a remote one), this refusal of the live part is the first sign.
 */
const refusesWeights = (libvirtText: string): boolean =>
  /weight is valid only for bfq or cfq scheduler/.test(libvirtText);

const ullong = (field: string, value: number): TypedParam => ({ field, type: 'ullong', value });

/** The memory parameters of a memtune change (null = libvirt's "unlimited"; absent = unchanged). */
const memtuneParams = (c: Extract<TuningChange, { kind: 'memtune' }>): TypedParam[] => {
  const out: TypedParam[] = [];
  const put = (field: string, v: number | null | undefined) => {
    if (v !== undefined) out.push(ullong(field, v ?? DOMAIN_MEMORY_PARAM_UNLIMITED));
  };
  // libvirt checks soft ≤ hard ≤ swap against the values it already has, so order matters when the
  // limits go up: the swap limit first, then hard, then soft (virsh memtune's order).
  put(VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT, c.swapHardLimitKiB);
  put(VIR_DOMAIN_MEMORY_HARD_LIMIT, c.hardLimitKiB);
  put(VIR_DOMAIN_MEMORY_SOFT_LIMIT, c.softLimitKiB);
  return out;
};

const NUMA_MODES: Readonly<Record<Extract<TuningChange, { kind: 'numatune' }>['mode'], number>> = {
  strict: DomainNumatuneMemMode.STRICT,
  preferred: DomainNumatuneMemMode.PREFERRED,
  interleave: DomainNumatuneMemMode.INTERLEAVE,
  restrictive: DomainNumatuneMemMode.RESTRICTIVE,
};

/** The libvirt call that makes one change, for the given AFFECT_* flags. */
export const tuningStep = (change: TuningChange): Step => {
  switch (change.kind) {
    case 'vcpupin':
      return (c, d, f) => c.domainPinVcpuFlags(d, change.vcpu, change.cpus, f);
    case 'emulatorpin':
      return (c, d, f) => c.domainPinEmulator(d, change.cpus, f);
    case 'memtune':
      return (c, d, f) => c.domainSetMemoryParameters(d, memtuneParams(change), f);
    case 'blkio':
      return (c, d, f) =>
        c.domainSetBlkioParameters(
          d,
          [{ field: VIR_DOMAIN_BLKIO_WEIGHT, type: 'uint', value: change.weight }],
          f,
        );
    case 'iothreads':
    case 'iothreadpin':
    case 'disk-iothread':
    case 'blkiodevice':
      return tuningStepMore(change);
    case 'iotune':
      return (c, d, f) =>
        c.domainSetBlockIoTune(
          d,
          change.disk,
          Object.entries(iotuneParamNames).map(([key, field]) =>
            ullong(field, change.iotune[key as keyof typeof change.iotune]),
          ),
          f,
        );
    case 'sched': {
      const params: TypedParam[] = [];
      if (change.shares !== undefined) params.push(ullong(VIR_DOMAIN_SCHEDULER_CPU_SHARES, change.shares));
      if (change.period !== undefined) params.push(ullong(VIR_DOMAIN_SCHEDULER_VCPU_PERIOD, change.period));
      if (change.quota !== undefined)
        params.push({ field: VIR_DOMAIN_SCHEDULER_VCPU_QUOTA, type: 'llong', value: change.quota });
      if (change.emulatorPeriod !== undefined)
        params.push(ullong(VIR_DOMAIN_SCHEDULER_EMULATOR_PERIOD, change.emulatorPeriod));
      if (change.emulatorQuota !== undefined)
        params.push({
          field: VIR_DOMAIN_SCHEDULER_EMULATOR_QUOTA,
          type: 'llong',
          value: change.emulatorQuota,
        });
      if (change.iothreadPeriod !== undefined)
        params.push(ullong(VIR_DOMAIN_SCHEDULER_IOTHREAD_PERIOD, change.iothreadPeriod));
      if (change.iothreadQuota !== undefined)
        params.push({
          field: VIR_DOMAIN_SCHEDULER_IOTHREAD_QUOTA,
          type: 'llong',
          value: change.iothreadQuota,
        });
      return (c, d, f) => c.domainSetSchedulerParameters(d, params, f);
    }
    case 'guest-numa':
      return guestNumaStep(change);
    case 'numatune':
      return (c, d, f) =>
        c.domainSetNumaParameters(
          d,
          [
            { field: VIR_DOMAIN_NUMA_MODE, type: 'int', value: NUMA_MODES[change.mode] },
            { field: VIR_DOMAIN_NUMA_NODESET, type: 'string', value: formatCpuList(change.nodeset) },
          ],
          f,
        );
  }
};

/** What a change is, in words for the messages ("vCPU 1 pinning", "memory limits"…). */
const changeName = (change: TuningChange): string =>
  ({
    vcpupin: `the pinning of vCPU ${'vcpu' in change ? change.vcpu : ''}`,
    emulatorpin: 'the emulator pinning',
    memtune: 'the memory limits',
    blkio: 'the disk I/O weight',
    ...changeNameMore(change),
    iotune: `the I/O limits of ${'disk' in change ? change.disk : ''}`,
    sched: 'the CPU shares and quota',
    numatune: 'the NUMA memory placement',
    'guest-numa': 'the guest NUMA cells and huge pages',
  })[change.kind];

export class TuningService {
  /**
   * @param readDiskWeight whether this machine's I/O scheduler takes disk weights (null: unknown); read
   *   for connections to a daemon on this machine only.
   */
  constructor(
    private readonly connections: ConnectionDirectory,
    private readonly readDiskWeight: () => boolean | null = readDiskWeightFile,
  ) {}

  private async vm(input: { connectionId: string; uuid: string }) {
    const client = this.connections.getClient(input.connectionId);
    return { client, dom: await client.domainLookupByUUID(input.uuid) };
  }

  private async hostCells(
    client: LibvirtClient,
  ): Promise<{ cells: HostCell[]; cpuModel: string | null; hugepages: HugepagePool[] }> {
    const [caps, info] = await Promise.all([client.connectGetCapabilities(), client.nodeGetInfo()]);
    const xml = CapabilitiesXml.parse(caps);
    const cells = xml.cells(info);
    // Free pages are for showing and checking; a driver that cannot count them leaves them unknown.
    const { pools } = await readHugepagePools(client, cells);
    return { cells, cpuModel: xml.cpuModel, hugepages: pools };
  }

  async get(input: CallInput<'tuning.get'>): Promise<CallOutput<'tuning.get'>> {
    const { client, dom } = await this.vm(input);
    const running = dom.id >= 0;
    const [host, inactive, active, actual, emulatorActual, effective] = await Promise.all([
      this.hostCells(client),
      client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE),
      running ? client.domainGetXMLDesc(dom, 0) : null,
      // Where the threads are: libvirt can say only for a running VM, and not every driver can.
      running ? client.domainGetVcpus(dom).catch(() => null) : null,
      running ? client.domainGetEmulatorPinInfo(dom, DomainAffect.LIVE).catch(() => null) : null,
      this.effective(client, dom, running),
    ]);
    const iothreadsActual = running
      ? await client
          .domainGetIOThreadInfo(dom, DomainAffect.LIVE)
          .then((ts) => ts.sort((a, b) => a.id - b.id))
          .catch(() => null)
      : null;
    return {
      host,
      effective,
      config: readDomainTuning(DomainXml.parse(inactive)),
      live: active === null ? null : readDomainTuning(DomainXml.parse(active)),
      actual: actual?.map((v) => ({ vcpu: v.number, cpu: v.cpu, affinity: v.affinity })) ?? null,
      emulatorActual,
      iothreadsActual,
    };
  }

  /** Scheduler, memory and blkio values in effect; each null when the driver cannot tell (session mode). */
  private async effective(
    client: LibvirtClient,
    dom: DomainRef,
    running: boolean,
  ): Promise<CallOutput<'tuning.get'>['effective']> {
    const flags = running ? DomainAffect.LIVE : DomainAffect.CONFIG;
    const read = (p: Promise<TypedParam[]>) => p.then(paramsToRecord, () => ({}) as Record<string, unknown>);
    const [sched, mem, blkio] = await Promise.all([
      read(client.domainGetSchedulerParameters(dom, flags)),
      read(client.domainGetMemoryParameters(dom, flags)),
      read(client.domainGetBlkioParameters(dom, flags)),
    ]);
    const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return {
      shares: n(sched[VIR_DOMAIN_SCHEDULER_CPU_SHARES]),
      period: n(sched[VIR_DOMAIN_SCHEDULER_VCPU_PERIOD]),
      quota: n(sched[VIR_DOMAIN_SCHEDULER_VCPU_QUOTA]),
      hardLimitKiB: n(mem[VIR_DOMAIN_MEMORY_HARD_LIMIT]),
      softLimitKiB: n(mem[VIR_DOMAIN_MEMORY_SOFT_LIMIT]),
      blkioWeight: n(blkio[VIR_DOMAIN_BLKIO_WEIGHT]),
    };
  }

  /** The VM, its next-boot XML, and the change checked against the host and the VM (refused with its issues). */
  private async checked(input: { connectionId: string; uuid: string }, change: TuningChange) {
    const { client, dom } = await this.vm(input);
    const running = dom.id >= 0;
    const [host, inactive, active] = await Promise.all([
      this.hostCells(client),
      client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE),
      running ? client.domainGetXMLDesc(dom, 0) : null,
    ]);
    const config: TuningView = readDomainTuning(DomainXml.parse(inactive));
    const live = active === null ? null : readDomainTuning(DomainXml.parse(active));
    const issues = checkTuningChange(change, {
      cells: host.cells,
      config,
      running,
      live,
      pools: host.hugepages,
    });
    if (issues.length > 0)
      throw new CoreError(
        'invalid-input',
        issues[0]!.message,
        issues.map((i) => ({ path: ['change', ...i.path], message: i.message })),
      );
    if (setsWeight(change)) this.checkDiskWeights(input.connectionId, dom.name);
    return { client, dom, running, inactive };
  }

  /**
   * Refuses a disk weight where this machine's I/O scheduler takes none. Left to libvirt, the next-boot
   * config would take the weight (the check happens only when a cgroup gets it), the running VM would
   * refuse it, and the VM would then not start at all.
   */
  private checkDiskWeights(connectionId: string, vm: string): void {
    if (!isLocalUri(this.connections.entry(connectionId).uri) || this.readDiskWeight() !== false) return;
    const message = `This host’s disk I/O scheduler takes no weights (neither BFQ nor CFQ): libvirt would refuse a disk weight for ${vm}, and the VM would not start with one.`;
    throw new CoreError('invalid-input', message, [{ path: ['change', 'weight'], message }]);
  }

  /** The next-boot definition before and after a guest NUMA change, laid out as libvirt writes it. */
  async preview(input: CallInput<'tuning.preview'>): Promise<CallOutput<'tuning.preview'>> {
    const change = input.change as Extract<TuningChange, { kind: 'guest-numa' }>;
    const { inactive } = await this.checked(input, change);
    const doc = DomainXml.parse(inactive);
    const beforeXml = doc.toString();
    setGuestNuma(doc, { cells: change.cells, hugepages: change.hugepages });
    tidyLayout(doc);
    return { beforeXml, proposedXml: doc.toString() };
  }

  async apply(input: CallInput<'tuning.apply'>): Promise<CallOutput<'tuning.apply'>> {
    const change = input.change as TuningChange;
    const { client, dom, running } = await this.checked(input, change);
    const step = tuningStep(change);
    if (nextBootOnly(change)) return applyNextBootOnly(client, dom, step, changeName(change));
    const timing = running ? 'both' : 'next-boot';
    // A weight libvirt takes into the definition but not into a cgroup (see refusesWeights): the
    // definition as it was, to put back.
    const undo =
      running && setsWeight(change)
        ? await client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE)
        : null;
    try {
      await step(client, dom, DomainAffect.CONFIG);
    } catch (e) {
      if (!isLibvirtError(e)) throw e;
      return {
        timing,
        live: 'unchanged',
        config: 'failed',
        message: `libvirt refused ${changeName(change)} of ${dom.name}; nothing was changed.`,
        detail: e.message,
      };
    }
    if (!running) return { timing, live: 'not-running', config: 'applied' };
    try {
      await step(client, dom, DomainAffect.LIVE);
      return { timing, live: 'applied', config: 'applied' };
    } catch (e) {
      const text = errorText(e);
      if (undo !== null && refusesWeights(text)) {
        await client.domainDefineXML(undo);
        return {
          timing,
          live: 'unchanged',
          config: 'failed',
          message: `libvirt refused ${changeName(change)} of ${dom.name}: the host’s disk I/O scheduler takes no weights, and the VM would not start with one. Nothing was changed.`,
          detail: text,
        };
      }
      return {
        timing,
        live: 'failed',
        config: 'applied',
        message: `Saved for the next boot of ${dom.name}; the running VM could not take ${changeName(change)} now.`,
        detail: text,
      };
    }
  }
}
