/**
 * The Hardware tab's service: reads a VM's hardware (next-boot config and running VM, what waits for a
 * restart, the host's limits) and applies one change — checked against the host first, then the config
 * step (the edited inactive XML is defined again) and, when the VM runs and the change has one, the live
 * step (libvirt's AFFECT_LIVE call). Config goes first: when libvirt refuses it nothing has changed; when
 * only the live step fails the change waits for the next boot, and the answer says so.
 *
 * Round trips for an apply: the lookup and the XML read, then at most two changes (define, live call).
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import {
  hardwareTiming,
  type HardwareView,
  type HostLimits,
  type PendingChange,
} from '../../shared/contract/hardware.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import { DomainXMLFlags, isLibvirtError, type DomainRef, type LibvirtClient } from '../libvirt/index.js';
import { supportsInternalSnapshots } from '../domainxml/service.js';
import { DomainXml, readDevices, XmlError } from '../libvirt-xml/index.js';
import { editorFor, hardwareEditors } from './kinds/index.js';
import { HostLimitsCache } from './limits.js';

/** The hardware view of one domain XML (pure; exported for tests and the benchmark). */
export const hardwareView = (xml: DomainXml): HardwareView => {
  const view: Record<string, unknown> = { devices: readDevices(xml) };
  for (const e of hardwareEditors) view[e.key] = e.read(xml);
  return view as HardwareView;
};

/** What differs between the next-boot config and the running VM, kind by kind. */
export const pendingChanges = (config: HardwareView, live: HardwareView): PendingChange[] =>
  hardwareEditors.flatMap((e) =>
    (e.pending as (c: unknown, l: unknown) => PendingChange[])(config[e.key], live[e.key]),
  );

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class HardwareService {
  private readonly limits = new HostLimitsCache();

  constructor(private readonly connections: ClientSource) {}

  private async vm(input: { connectionId: string; uuid: string }) {
    const client = this.connections.getClient(input.connectionId);
    return { client, dom: await client.domainLookupByUUID(input.uuid) };
  }

  /** Limits for this VM (exported for tests). */
  hostLimits(client: LibvirtClient, xml: DomainXml): Promise<HostLimits> {
    return this.limits.get(client, xml);
  }

  async get(input: CallInput<'hardware.get'>): Promise<CallOutput<'hardware.get'>> {
    const { client, dom } = await this.vm(input);
    const running = dom.id >= 0;
    const [inactive, active] = await Promise.all([
      client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE),
      running ? client.domainGetXMLDesc(dom, 0) : null,
    ]);
    const configXml = DomainXml.parse(inactive);
    const config = hardwareView(configXml);
    const live = active === null ? null : hardwareView(DomainXml.parse(active));
    return {
      config,
      live,
      pending: live ? pendingChanges(config, live) : [],
      limits: await this.hostLimits(client, configXml),
      internalSnapshots: supportsInternalSnapshots(configXml),
    };
  }

  async apply(input: CallInput<'hardware.apply'>): Promise<CallOutput<'hardware.apply'>> {
    const { change } = input;
    const editor = editorFor(change.kind);
    if (!editor) throw new CoreError('invalid-input', `The change ${change.kind} is not known.`);
    const { client, dom } = await this.vm(input);
    const running = dom.id >= 0;
    // SECURE: the definition written back must keep secrets (display passwords) it already has.
    const xml = await client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE);
    const config = DomainXml.parse(xml);
    const limits = await this.hostLimits(client, config);
    const issues = editor.check(change as never, { config, limits, running });
    if (issues.length > 0)
      throw new CoreError(
        'invalid-input',
        issues[0]!.message,
        issues.map((i) => ({ path: ['change', ...i.path], message: i.message })),
      );

    const edited = DomainXml.parse(xml);
    try {
      editor.editConfig(edited, change as never);
    } catch (e) {
      if (e instanceof XmlError) throw new CoreError('invalid-input', e.message);
      throw e;
    }
    const before = config.toString();
    const after = edited.toString();
    const timing = hardwareTiming(change, running, hardwareView(config));
    if (input.preview) return { live: 'unchanged', config: 'unchanged', timing, before, after };
    const deviceStep = editor.deviceStep?.(change as never);
    if (deviceStep) return { ...(await deviceStep(client, dom)), timing };

    let configResult: 'applied' | 'unchanged' = 'unchanged';
    if (after !== before) {
      try {
        await client.domainDefineXML(after, 0);
        configResult = 'applied';
      } catch (e) {
        if (!isLibvirtError(e)) throw e;
        return {
          live: 'unchanged',
          config: 'failed',
          timing,
          message: `libvirt refused the change to ${dom.name}; nothing was changed.`,
          detail: e.message,
        };
      }
    }
    return {
      ...(await this.applyLive(client, dom, editor.liveStep(change as never), running)),
      config: configResult,
      timing,
    };
  }

  private async applyLive(
    client: LibvirtClient,
    dom: DomainRef,
    step: ((client: LibvirtClient, dom: DomainRef) => Promise<void>) | null,
    running: boolean,
  ): Promise<Pick<CallOutput<'hardware.apply'>, 'live' | 'message' | 'detail'>> {
    if (!running) return { live: 'not-running' };
    if (!step) return { live: 'unchanged' };
    try {
      await step(client, dom);
      return { live: 'applied' };
    } catch (e) {
      const text = errorText(e);
      return {
        live: isLibvirtError(e) ? 'not-possible' : 'failed',
        message: `Saved for next boot; the running VM could not take it now: ${text}`,
        detail: text,
      };
    }
  }
}
