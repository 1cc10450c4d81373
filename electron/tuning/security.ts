/**
 * sVirt / security of one VM: reads the host's security drivers (capabilities), the VM's `<seclabel>`s
 * (next boot and running), the labels its QEMU process runs with (domainGetSecurityLabelList) and its DAC
 * owner; sets one driver's label mode in the next-boot definition (libvirt labels a VM when it starts,
 * so no change reaches a running one).
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import { checkSecurityChange } from '../../shared/contract/tuning-security-checks.js';
import type { SecurityView } from '../../shared/contract/tuning-security.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import { DomainXMLFlags, type LibvirtClient } from '../libvirt/index.js';
import { child, children, DomainXml, parseXml, setSecLabel, text } from '../libvirt-xml/index.js';
import { applyNextBootOnly } from './steps-more.js';

/** The host's security drivers from the capabilities XML (`<host><secmodel>`). */
export const hostSecurityDrivers = (capsXml: string): SecurityView['hostDrivers'] =>
  children(child(parseXml(capsXml), 'host'), 'secmodel')
    .map((s) => ({ model: text(s, 'model') ?? '', doi: text(s, 'doi') || null }))
    .filter((d) => d.model !== '');

export class TuningSecurityService {
  constructor(private readonly connections: ClientSource) {}

  private async vm(input: { connectionId: string; uuid: string }) {
    const client: LibvirtClient = this.connections.getClient(input.connectionId);
    return { client, dom: await client.domainLookupByUUID(input.uuid) };
  }

  async get(input: CallInput<'tuning.security'>): Promise<CallOutput<'tuning.security'>> {
    const { client, dom } = await this.vm(input);
    const running = dom.id >= 0;
    const [caps, inactive, active, process] = await Promise.all([
      client.connectGetCapabilities(),
      client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE),
      running ? client.domainGetXMLDesc(dom, 0) : null,
      running ? client.domainGetSecurityLabelList(dom).catch(() => null) : null,
    ]);
    const live = active === null ? null : DomainXml.parse(active).seclabels;
    return {
      hostDrivers: hostSecurityDrivers(caps),
      config: DomainXml.parse(inactive).seclabels,
      live,
      processLabels: process,
      dacOwner: live?.find((l) => l.model === 'dac')?.label ?? null,
    };
  }

  async set(input: CallInput<'tuning.setSecurity'>): Promise<CallOutput<'tuning.setSecurity'>> {
    const { client, dom } = await this.vm(input);
    const drivers = hostSecurityDrivers(await client.connectGetCapabilities());
    const issues = checkSecurityChange(input, drivers);
    if (issues.length > 0)
      throw new CoreError(
        'invalid-input',
        issues[0]!.message,
        issues.map((i) => ({ path: i.path, message: i.message })),
      );
    const name = `the ${input.model} security label`;
    return applyNextBootOnly(
      client,
      dom,
      async (c, d) => {
        const xml = DomainXml.parse(
          await c.domainGetXMLDesc(d, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE),
        );
        setSecLabel(xml, {
          model: input.model,
          mode: input.mode,
          label: input.label?.trim() ?? null,
          relabel: input.relabel ?? true,
        });
        await c.domainDefineXML(xml.toString());
      },
      name,
    );
  }
}
