/**
 * Domain snapshots (virDomainSnapshot*).
 */
import { toSnapshotRef, toWireDomain, toWireSnapshot } from '../convert.js';
import { NEED_RESULTS, RpcCore } from '../rpc-core.js';
import type { DomainRef, SnapshotRef } from '../types.js';

export class SnapshotApi extends RpcCore {
  async domainSnapshotCreateXML(dom: DomainRef, xml: string, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef(
      (await this.call('domainSnapshotCreateXML', { dom: toWireDomain(dom), xml_desc: xml, flags })).snap,
    );
  }
  async domainListAllSnapshots(dom: DomainRef, flags = 0): Promise<SnapshotRef[]> {
    const r = await this.call('domainListAllSnapshots', {
      dom: toWireDomain(dom),
      need_results: NEED_RESULTS,
      flags,
    });
    return r.snapshots.map(toSnapshotRef);
  }
  async domainSnapshotGetXMLDesc(snap: SnapshotRef, flags = 0): Promise<string> {
    return (await this.call('domainSnapshotGetXMLDesc', { snap: toWireSnapshot(snap), flags })).xml;
  }
  async domainRevertToSnapshot(snap: SnapshotRef, flags = 0): Promise<void> {
    await this.call('domainRevertToSnapshot', { snap: toWireSnapshot(snap), flags });
  }
  async domainSnapshotDelete(snap: SnapshotRef, flags = 0): Promise<void> {
    await this.call('domainSnapshotDelete', { snap: toWireSnapshot(snap), flags });
  }
  async domainSnapshotGetParent(snap: SnapshotRef, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef(
      (await this.call('domainSnapshotGetParent', { snap: toWireSnapshot(snap), flags })).snap,
    );
  }
  async domainSnapshotCurrent(dom: DomainRef, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef((await this.call('domainSnapshotCurrent', { dom: toWireDomain(dom), flags })).snap);
  }
  async domainSnapshotLookupByName(dom: DomainRef, name: string, flags = 0): Promise<SnapshotRef> {
    return toSnapshotRef(
      (await this.call('domainSnapshotLookupByName', { dom: toWireDomain(dom), name, flags })).snap,
    );
  }
  async domainHasCurrentSnapshot(dom: DomainRef, flags = 0): Promise<boolean> {
    return (await this.call('domainHasCurrentSnapshot', { dom: toWireDomain(dom), flags })).result !== 0;
  }
  async domainSnapshotNum(dom: DomainRef, flags = 0): Promise<number> {
    return (await this.call('domainSnapshotNum', { dom: toWireDomain(dom), flags })).num;
  }
}
