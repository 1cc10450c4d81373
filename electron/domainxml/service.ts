/**
 * The XML editor's backend: reads a VM's definition for editing and defines it from the edited XML with
 * libvirt's validation. Whatever would make libvirt do something else than change this VM — another UUID
 * (a second VM), another name (a rename in disguise), a definition changed since editing began — is
 * refused before libvirt sees it; libvirt's own refusal leaves the VM exactly as it was.
 */
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { ClientSource } from '../base/connections.js';
import { CoreError } from '../base/errors.js';
import {
  DomainDefineFlags,
  DomainXMLFlags,
  ErrorCode,
  libvirtCode,
  type DomainRef,
  type LibvirtClient,
} from '../libvirt/index.js';
import { DomainXml, XmlError } from '../libvirt-xml/index.js';

/** A UUID's 32 hex digits, lowercase (libvirt also reads UUIDs written without or with extra dashes). */
const uuidDigits = (uuid: string): string => uuid.replace(/[\s-]/g, '').toLowerCase();

/** Can libvirt take an internal snapshot of this definition? (pure; exported for tests) */
export function supportsInternalSnapshots(xml: DomainXml): boolean {
  // libvirt refuses internal snapshots of VMs with UEFI variables (pflash) and of writable disks other
  // than qcow2; read-only disks and CD-ROMs are left out of snapshots.
  if (xml.hasNvram) return false;
  const writable = xml.disks.filter((d) => d.device === 'disk' && !d.readonly && d.source !== null);
  return writable.length > 0 && writable.every((d) => d.format === 'qcow2');
}

/**
 * Why `edited` may not replace the definition of `vm`, in plain words, or null when it may. Checks that the
 * XML is a well-formed <domain> of the same UUID and name (pure; exported for tests).
 */
export function refusalOf(edited: string, vm: { name: string; uuid: string }): CoreError | null {
  let doc: DomainXml;
  try {
    doc = DomainXml.parse(edited);
  } catch (e) {
    if (!(e instanceof XmlError)) throw e;
    const where = e.position ? ` (line ${e.position.line}, column ${e.position.column})` : '';
    const detail = e.message.replace(/^Invalid XML: /, '');
    return new CoreError('invalid-input', `The XML is not well-formed${where}: ${detail}`);
  }
  const uuid = doc.uuid;
  if (uuid === null || uuidDigits(uuid) !== uuidDigits(vm.uuid))
    return new CoreError(
      'invalid-input',
      uuid === null
        ? `The XML has no <uuid>: libvirt would make a new VM instead of changing "${vm.name}". Put its UUID ${vm.uuid} back.`
        : `The XML has another UUID: libvirt would make a new VM instead of changing "${vm.name}". Put its UUID ${vm.uuid} back.`,
    );
  if (doc.name !== vm.name)
    return new CoreError(
      'invalid-input',
      `The XML names the VM "${doc.name ?? ''}" instead of "${vm.name}". Use Rename to change a VM's name, and put its name back here.`,
    );
  return null;
}

export class DomainXmlService {
  constructor(private readonly connections: ClientSource) {}

  private async vm(input: { connectionId: string; uuid: string }) {
    const client = this.connections.getClient(input.connectionId);
    return { client, dom: await client.domainLookupByUUID(input.uuid) };
  }

  /**
   * The next-boot definition as it is edited: with secrets (display passwords), as `virsh edit` reads it,
   * else defining it back would drop them. A read-only connection may not read secrets: then without.
   */
  private async editable(client: LibvirtClient, dom: DomainRef): Promise<string> {
    try {
      return await client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE);
    } catch (e) {
      if (libvirtCode(e) !== ErrorCode.OPERATION_DENIED) throw e;
      return client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
    }
  }

  async load(input: CallInput<'domainxml.load'>): Promise<CallOutput<'domainxml.load'>> {
    const { client, dom } = await this.vm(input);
    const [inactive, active] = await Promise.all([this.editable(client, dom), client.domainIsActive(dom)]);
    const live = active ? await client.domainGetXMLDesc(dom, 0) : null;
    return {
      inactive,
      live,
      active,
      internalSnapshots: supportsInternalSnapshots(DomainXml.parse(inactive)),
    };
  }

  async define(input: CallInput<'domainxml.define'>): Promise<CallOutput<'domainxml.define'>> {
    const { client, dom } = await this.vm(input);
    const refused = refusalOf(input.xml, dom);
    if (refused) throw refused;
    if (input.expectedXml !== undefined && (await this.editable(client, dom)) !== input.expectedXml)
      throw new CoreError(
        'conflict',
        `"${dom.name}" was changed elsewhere since you began editing its XML. Reload to see its current ` +
          'definition (copy your edits first if you want to keep them).',
      );
    await client.domainDefineXML(input.xml, DomainDefineFlags.VALIDATE);
    const [xml, active] = await Promise.all([this.editable(client, dom), client.domainIsActive(dom)]);
    return { xml, active };
  }
}
