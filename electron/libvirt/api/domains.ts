/**
 * Domains (virDomain*): lookup and listing, definition, lifecycle, information, bulk statistics.
 */
import { big, charsToString, toDomainRef, toWireDomain, uuidFromString } from '../convert.js';
import { DOMAIN_MEMORY_STAT_NAMES, VIR_IP_ADDR_TYPE_IPV6 } from '../protocol/constants.js';
import { NEED_RESULTS, RpcCore } from '../rpc-core.js';
import { fromWireParam } from '../typed-params.js';
import type {
  BlockInfo,
  DomainInfo,
  DomainInterfaceInfo,
  DomainRef,
  DomainStateInfo,
  DomainStatsRecord,
  SecurityLabel,
  TypedParam,
} from '../types.js';

export class DomainApi extends RpcCore {
  /** All domains matching `flags` (virConnectListAllDomainsFlags; 0 = all). */
  async connectListAllDomains(flags = 0): Promise<DomainRef[]> {
    const r = await this.call('connectListAllDomains', { need_results: NEED_RESULTS, flags });
    return r.domains.map(toDomainRef);
  }
  async domainLookupByName(name: string): Promise<DomainRef> {
    return toDomainRef((await this.call('domainLookupByName', { name })).dom);
  }
  async domainLookupByUUID(uuid: string): Promise<DomainRef> {
    return toDomainRef((await this.call('domainLookupByUUID', { uuid: uuidFromString(uuid) })).dom);
  }
  async domainLookupByID(id: number): Promise<DomainRef> {
    return toDomainRef((await this.call('domainLookupByID', { id })).dom);
  }
  async domainIsActive(dom: DomainRef): Promise<boolean> {
    return (await this.call('domainIsActive', { dom: toWireDomain(dom) })).active !== 0;
  }
  async domainIsPersistent(dom: DomainRef): Promise<boolean> {
    return (await this.call('domainIsPersistent', { dom: toWireDomain(dom) })).persistent !== 0;
  }

  // ---- domains: definition ---------------------------------------------------------------------

  async domainDefineXML(xml: string, flags = 0): Promise<DomainRef> {
    const r =
      flags === 0
        ? await this.call('domainDefineXML', { xml })
        : await this.call('domainDefineXMLFlags', { xml, flags });
    return toDomainRef(r.dom);
  }
  async domainUndefineFlags(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainUndefineFlags', { dom: toWireDomain(dom), flags });
  }
  async domainCreateXML(xml: string, flags = 0): Promise<DomainRef> {
    return toDomainRef((await this.call('domainCreateXML', { xml_desc: xml, flags })).dom);
  }
  async domainGetXMLDesc(dom: DomainRef, flags = 0): Promise<string> {
    return (await this.call('domainGetXMLDesc', { dom: toWireDomain(dom), flags })).xml;
  }
  /** Renames an inactive domain; returns the renamed reference. */
  async domainRename(dom: DomainRef, newName: string, flags = 0): Promise<DomainRef> {
    await this.call('domainRename', { dom: toWireDomain(dom), new_name: newName, flags });
    return { ...dom, name: newName };
  }

  // ---- domains: lifecycle ----------------------------------------------------------------------

  /** Starts a defined domain; returns the reference with its new id. */
  async domainCreate(dom: DomainRef, flags = 0): Promise<DomainRef> {
    return toDomainRef((await this.call('domainCreateWithFlags', { dom: toWireDomain(dom), flags })).dom);
  }
  async domainShutdown(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainShutdownFlags', { dom: toWireDomain(dom), flags });
  }
  async domainDestroy(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainDestroyFlags', { dom: toWireDomain(dom), flags });
  }
  async domainReboot(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainReboot', { dom: toWireDomain(dom), flags });
  }
  async domainReset(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainReset', { dom: toWireDomain(dom), flags });
  }
  async domainSuspend(dom: DomainRef): Promise<void> {
    await this.call('domainSuspend', { dom: toWireDomain(dom) });
  }
  async domainResume(dom: DomainRef): Promise<void> {
    await this.call('domainResume', { dom: toWireDomain(dom) });
  }
  async domainManagedSave(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainManagedSave', { dom: toWireDomain(dom), flags });
  }
  async domainHasManagedSaveImage(dom: DomainRef, flags = 0): Promise<boolean> {
    return (await this.call('domainHasManagedSaveImage', { dom: toWireDomain(dom), flags })).result !== 0;
  }
  async domainManagedSaveRemove(dom: DomainRef, flags = 0): Promise<void> {
    await this.call('domainManagedSaveRemove', { dom: toWireDomain(dom), flags });
  }
  async domainGetAutostart(dom: DomainRef): Promise<boolean> {
    return (await this.call('domainGetAutostart', { dom: toWireDomain(dom) })).autostart !== 0;
  }
  async domainSetAutostart(dom: DomainRef, autostart: boolean): Promise<void> {
    await this.call('domainSetAutostart', { dom: toWireDomain(dom), autostart: autostart ? 1 : 0 });
  }

  // ---- domains: info ---------------------------------------------------------------------------

  async domainGetInfo(dom: DomainRef): Promise<DomainInfo> {
    const r = await this.call('domainGetInfo', { dom: toWireDomain(dom) });
    return {
      state: r.state,
      maxMem: big(r.maxMem),
      memory: big(r.memory),
      nrVirtCpu: r.nrVirtCpu,
      cpuTime: big(r.cpuTime),
    };
  }
  async domainGetState(dom: DomainRef, flags = 0): Promise<DomainStateInfo> {
    const r = await this.call('domainGetState', { dom: toWireDomain(dom), flags });
    return { state: r.state, reason: r.reason };
  }
  async domainGetMaxMemory(dom: DomainRef): Promise<number> {
    return big((await this.call('domainGetMaxMemory', { dom: toWireDomain(dom) })).memory);
  }
  async domainGetOSType(dom: DomainRef): Promise<string> {
    return (await this.call('domainGetOSType', { dom: toWireDomain(dom) })).type;
  }
  async domainGetHostname(dom: DomainRef, flags = 0): Promise<string> {
    return (await this.call('domainGetHostname', { dom: toWireDomain(dom), flags })).hostname;
  }
  async domainGetBlockInfo(dom: DomainRef, disk: string, flags = 0): Promise<BlockInfo> {
    const r = await this.call('domainGetBlockInfo', { dom: toWireDomain(dom), path: disk, flags });
    return { allocation: big(r.allocation), capacity: big(r.capacity), physical: big(r.physical) };
  }
  async domainBlockStats(dom: DomainRef, disk: string): Promise<Record<string, number>> {
    const r = await this.call('domainBlockStats', { dom: toWireDomain(dom), path: disk });
    return {
      rd_req: big(r.rd_req),
      rd_bytes: big(r.rd_bytes),
      wr_req: big(r.wr_req),
      wr_bytes: big(r.wr_bytes),
      errs: big(r.errs),
    };
  }
  async domainInterfaceStats(dom: DomainRef, device: string): Promise<Record<string, number>> {
    const r = await this.call('domainInterfaceStats', { dom: toWireDomain(dom), path: device });
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, big(v)]));
  }
  /** Balloon statistics by name (swap_in, actual_balloon, rss, …), KiB. */
  async domainMemoryStats(dom: DomainRef, flags = 0): Promise<Record<string, number>> {
    const r = await this.call('domainMemoryStats', {
      dom: toWireDomain(dom),
      maxStats: DOMAIN_MEMORY_STAT_NAMES.length,
      flags,
    });
    return Object.fromEntries(
      r.stats.map((s) => [DOMAIN_MEMORY_STAT_NAMES[s.tag] ?? `tag${s.tag}`, big(s.val)]),
    );
  }
  async domainInterfaceAddresses(dom: DomainRef, source = 0, flags = 0): Promise<DomainInterfaceInfo[]> {
    const r = await this.call('domainInterfaceAddresses', { dom: toWireDomain(dom), source, flags });
    return r.ifaces.map((i) => ({
      name: i.name,
      hwaddr: i.hwaddr,
      addrs: i.addrs.map((a) => ({
        type: a.type === VIR_IP_ADDR_TYPE_IPV6 ? 'ipv6' : 'ipv4',
        addr: a.addr,
        prefix: a.prefix,
      })),
    }));
  }
  /** Guest agent information (virDomainGuestInfoTypes bits in `types`; 0 = all). */
  async domainGetGuestInfo(dom: DomainRef, types = 0, flags = 0): Promise<TypedParam[]> {
    return (await this.call('domainGetGuestInfo', { dom: toWireDomain(dom), types, flags })).params.map(
      fromWireParam,
    );
  }
  async domainGetSecurityLabel(dom: DomainRef): Promise<SecurityLabel> {
    const r = await this.call('domainGetSecurityLabel', { dom: toWireDomain(dom) });
    return { label: charsToString(r.label), enforcing: r.enforcing !== 0 };
  }

  /** Every security label of a running domain (one per security driver: selinux/apparmor, dac). */
  async domainGetSecurityLabelList(dom: DomainRef): Promise<SecurityLabel[]> {
    const r = await this.call('domainGetSecurityLabelList', { dom: toWireDomain(dom) });
    return r.labels.map((l) => ({ label: charsToString(l.label), enforcing: l.enforcing !== 0 }));
  }

  async domainGetMetadata(
    dom: DomainRef,
    type: number,
    uri: string | null = null,
    flags = 0,
  ): Promise<string> {
    return (await this.call('domainGetMetadata', { dom: toWireDomain(dom), type, uri, flags })).metadata;
  }
  async domainSetMetadata(
    dom: DomainRef,
    type: number,
    metadata: string | null,
    key: string | null = null,
    uri: string | null = null,
    flags = 0,
  ): Promise<void> {
    await this.call('domainSetMetadata', { dom: toWireDomain(dom), type, metadata, key, uri, flags });
  }

  /**
   * virConnectGetAllDomainStats / virDomainListGetStats: `stats` is a virDomainStatsTypes mask
   * (0 = all), `doms` restricts the domains (empty = all matching `flags`).
   */
  async connectGetAllDomainStats(
    stats = 0,
    flags = 0,
    doms: readonly DomainRef[] = [],
  ): Promise<DomainStatsRecord[]> {
    const r = await this.call('connectGetAllDomainStats', { doms: doms.map(toWireDomain), stats, flags });
    return r.retStats.map((rec) => ({ dom: toDomainRef(rec.dom), params: rec.params.map(fromWireParam) }));
  }
}
