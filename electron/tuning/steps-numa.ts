/**
 * The libvirt call of the guest NUMA change: libvirt has no call for a guest's NUMA cells or its huge
 * pages, so the next-boot definition is edited (cells, memnodes and pages together, since libvirt checks
 * them against each other) and defined again. A running VM takes it when it next starts.
 */
import type { TuningChange } from '../../shared/contract/tuning.js';
import { DomainXMLFlags, type DomainRef, type LibvirtClient } from '../libvirt/index.js';
import { DomainXml, setGuestNuma } from '../libvirt-xml/index.js';

type Step = (client: LibvirtClient, dom: DomainRef, flags: number) => Promise<void>;

export const guestNumaStep =
  (change: Extract<TuningChange, { kind: 'guest-numa' }>): Step =>
  async (c, d) => {
    const xml = DomainXml.parse(await c.domainGetXMLDesc(d, DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE));
    setGuestNuma(xml, { cells: change.cells, hugepages: change.hugepages });
    await c.domainDefineXML(xml.toString());
  };
