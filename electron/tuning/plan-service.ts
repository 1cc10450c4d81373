/**
 * The Tuning tab's XML-level changes: reads the VM's realtime settings with what the host offers for
 * them, and proposes a new definition — the realtime section's settings or a profile computed for this
 * host and this VM — for the renderer to show as a diff; then applies it: defined through the XML tab's
 * one define path (libvirt's validation, the stale-base check), and on a running VM what libvirt's
 * tuning calls can change live (live-plan.ts), the rest left for the restart.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import { checkRealtimeSettings } from '../../shared/contract/tuning-plan-checks.js';
import type {
  PlanOutcome,
  RealtimeHost,
  RealtimeSettings,
  VcpuThreads,
} from '../../shared/contract/tuning-plans.js';
import type { ConnectionDirectory } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import type { DomainXmlService } from '../domainxml/service.js';
import { DomainAffect, DomainXMLFlags, isLibvirtError, type LibvirtClient } from '../libvirt/index.js';
import {
  attr,
  CapabilitiesXml,
  child,
  DomainCapabilitiesXml,
  DomainXml,
  iothreadCapableDisks,
  readDomainTuning,
  readRealtime,
  setLockedMemory,
  setVcpuSched,
  text,
  tidyLayout,
} from '../libvirt-xml/index.js';
import { readFreeHugepages } from './host-hugepages.js';
import {
  daemonKind,
  isLocalUri,
  judgeRealtimeHost,
  readRealtimeHost,
  REMOTE_REALTIME_HOST,
} from './host-realtime.js';
import { splitLive } from './live-plan.js';
import { applyPlan, computeProfile, type ProfileHost } from './profiles.js';
import { tuningStep } from './service.js';
import { vcpuThreadsOf } from './vcpu-threads.js';

const realtimeOf = (xml: DomainXml): RealtimeSettings => {
  const r = readRealtime(xml);
  return {
    locked: r.locked,
    vcpusched: r.vcpusched.flatMap((s) => {
      const scheduler = s.scheduler as RealtimeSettings['vcpusched'][number]['scheduler'];
      return ['other', 'batch', 'idle', 'fifo', 'rr'].includes(scheduler)
        ? [{ vcpus: s.vcpus, scheduler, priority: s.priority }]
        : [];
    }),
  };
};

export interface TuningPlanDeps {
  connections: ConnectionDirectory;
  domainXml: DomainXmlService;
  /** The host's own readings (tests hand in made-up ones); default: this machine's files. */
  readHost?: () => { realtime: RealtimeHost; freeHugepages: ProfileHost['freeHugepages'] };
  /** Where this machine's processes are listed (tests hand in a made-up tree); default /proc. */
  procRoot?: string;
}

export class TuningPlanService {
  constructor(private readonly deps: TuningPlanDeps) {}

  /** This machine's facts when the connection's daemon runs here, else none (said so). */
  private hostFacts(connectionId: string): {
    realtime: RealtimeHost;
    freeHugepages: ProfileHost['freeHugepages'];
  } {
    const uri = this.deps.connections.entry(connectionId).uri;
    if (!isLocalUri(uri)) return { realtime: REMOTE_REALTIME_HOST, freeHugepages: null };
    if (this.deps.readHost) return this.deps.readHost();
    return {
      realtime: judgeRealtimeHost(readRealtimeHost(), daemonKind(uri)),
      freeHugepages: readFreeHugepages(),
    };
  }

  async realtime(input: CallInput<'tuning.realtime'>): Promise<CallOutput<'tuning.realtime'>> {
    const client = this.deps.connections.getClient(input.connectionId);
    const dom = await client.domainLookupByUUID(input.uuid);
    const running = dom.id >= 0;
    const [inactive, active] = await Promise.all([
      client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE),
      running ? client.domainGetXMLDesc(dom, 0) : null,
    ]);
    const config = DomainXml.parse(inactive);
    return {
      host: this.hostFacts(input.connectionId).realtime,
      maxVcpus: readDomainTuning(config).maxVcpus,
      config: realtimeOf(config),
      live: active === null ? null : realtimeOf(DomainXml.parse(active)),
      threads: this.vcpuThreads(input.connectionId, dom.uuid, running),
    };
  }

  /** How the kernel schedules the VM's vCPU threads now: readable only on the daemon's own machine. */
  private vcpuThreads(connectionId: string, uuid: string, running: boolean): VcpuThreads {
    const local = isLocalUri(this.deps.connections.entry(connectionId).uri);
    return vcpuThreadsOf({ local, running, uuid, procRoot: this.deps.procRoot });
  }

  /**
   * Defines a proposal through the XML tab's path (libvirt's validation, the stale-base check), then,
   * when the VM runs, applies what libvirt can change on a running VM now. A part libvirt refuses live
   * is reported with its text; the definition stays saved, so it comes at the next start.
   */
  async applyProposal(input: CallInput<'tuning.applyProposal'>): Promise<PlanOutcome> {
    const client = this.deps.connections.getClient(input.connectionId);
    const dom = await client.domainLookupByUUID(input.uuid);
    const oldConfig = await client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
    const defined = await this.deps.domainXml.define(input);
    const none: PlanOutcome = { running: false, now: [], atRestart: [], refused: [] };
    if (!defined.active) return none;
    const running = await client.domainLookupByUUID(input.uuid);
    const [newConfig, live, caps, info] = await Promise.all([
      client.domainGetXMLDesc(running, DomainXMLFlags.INACTIVE),
      client.domainGetXMLDesc(running, 0),
      client.connectGetCapabilities(),
      client.nodeGetInfo(),
    ]);
    const hostCpus = CapabilitiesXml.parse(caps)
      .cells(info)
      .flatMap((c) => c.cpus.filter((cpu) => cpu.online).map((cpu) => cpu.id));
    const split = splitLive(
      DomainXml.parse(oldConfig),
      DomainXml.parse(newConfig),
      DomainXml.parse(live),
      hostCpus,
    );
    const outcome: PlanOutcome = { ...none, running: true, atRestart: split.atRestart };
    // One at a time, in order: a refusal of one leaves the others to be tried.
    for (const step of split.steps) {
      try {
        await tuningStep(step.change)(client, running, DomainAffect.LIVE);
        outcome.now.push(step.what);
      } catch (e) {
        if (!isLibvirtError(e)) throw e;
        outcome.refused.push({ what: step.what, detail: e.message });
      }
    }
    return outcome;
  }

  /** What the hypervisor of this VM offers (host-passthrough, IOThreads), from its domain capabilities. */
  private async hypervisor(client: LibvirtClient, xml: DomainXml) {
    try {
      const caps = DomainCapabilitiesXml.parse(
        await client.connectGetDomainCapabilities({
          emulatorbin: text(xml.root, 'devices/emulator') ?? undefined,
          arch: xml.arch ?? undefined,
          machine: xml.machine ?? undefined,
          virttype: xml.type ?? undefined,
        }),
      );
      return {
        hostPassthrough: caps.cpuModeSupported('host-passthrough'),
        iothreads: attr(child(caps.root, 'iothreads'), 'supported') === 'yes',
      };
    } catch {
      // A driver without domain capabilities (the test driver): offer neither.
      return { hostPassthrough: false, iothreads: false };
    }
  }

  async propose(input: CallInput<'tuning.propose'>): Promise<CallOutput<'tuning.propose'>> {
    const client = this.deps.connections.getClient(input.connectionId);
    const dom = await client.domainLookupByUUID(input.uuid);
    const running = dom.id >= 0;
    const { inactive: currentXml } = await this.deps.domainXml.load(input);
    const doc = DomainXml.parse(currentXml);
    const beforeXml = doc.toString();
    const tuning = readDomainTuning(doc);
    const request = input.request;

    if (request.kind === 'realtime') {
      const settings = request.settings as RealtimeSettings;
      const issues = checkRealtimeSettings(settings, tuning.maxVcpus);
      if (issues.length > 0)
        throw new CoreError(
          'invalid-input',
          issues[0]!.message,
          issues.map((i) => ({ path: ['request', 'settings', ...i.path], message: i.message })),
        );
      setVcpuSched(doc, settings.vcpusched);
      setLockedMemory(doc, settings.locked);
      tidyLayout(doc);
      // Said before Apply: what this host will refuse at the VM's next start.
      const { realtime: rt } = this.hostFacts(input.connectionId);
      const notes: string[] = [];
      const wantsRealtime = settings.vcpusched.some((s) => s.scheduler === 'fifo' || s.scheduler === 'rr');
      if (wantsRealtime && rt.realtimeBudget === false)
        notes.push(...rt.lacks.filter((l) => /FIFO\/RR vCPUs are refused/.test(l)));
      if (settings.locked && rt.memoryLock === false)
        notes.push(...rt.lacks.filter((l) => /locked memory will not start/.test(l)));
      return { currentXml, beforeXml, proposedXml: doc.toString(), refusal: null, notes, running };
    }

    const facts = this.hostFacts(input.connectionId);
    const [caps, info, hypervisor] = await Promise.all([
      client.connectGetCapabilities(),
      client.nodeGetInfo(),
      this.hypervisor(client, doc),
    ]);
    const rt = facts.realtime;
    const whyNot = (pattern: RegExp) => rt.lacks.find((l) => pattern.test(l));
    const host: ProfileHost = {
      cells: CapabilitiesXml.parse(caps).cells(info),
      freeHugepages: facts.freeHugepages,
      realtimeBudget: rt.realtimeBudget,
      realtimeWhyNot: whyNot(/FIFO\/RR vCPUs are refused/),
      memoryLock: rt.memoryLock,
      memoryLockWhyNot: whyNot(/locked memory will not start/),
      diskWeight: rt.diskWeight,
      diskWeightWhyNot: whyNot(/refuses a disk weight/),
      isolatedCpus: rt.isolatedCpus,
      ...hypervisor,
    };
    const result = computeProfile(request.profile, host, {
      maxVcpus: tuning.maxVcpus,
      memoryKiB: tuning.memoryKiB,
      virtioDisks: iothreadCapableDisks(doc),
      iothreads: tuning.iothreads,
    });
    if (!result.ok)
      return {
        currentXml,
        beforeXml,
        proposedXml: null,
        refusal: result.refusal,
        notes: result.notes,
        running,
      };
    applyPlan(doc, result.plan);
    tidyLayout(doc);
    return {
      currentXml,
      beforeXml,
      proposedXml: doc.toString(),
      refusal: null,
      notes: result.notes,
      running,
    };
  }
}
