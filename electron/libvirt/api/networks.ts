/**
 * Virtual networks (virNetwork*).
 */
import { big, toNetworkRef, toWireNetwork, uuidFromString } from '../convert.js';
import { VIR_IP_ADDR_TYPE_IPV6 } from '../protocol/constants.js';
import { NEED_RESULTS, RpcCore } from '../rpc-core.js';
import type { DhcpLease, NetworkRef } from '../types.js';

export class NetworkApi extends RpcCore {
  async connectListAllNetworks(flags = 0): Promise<NetworkRef[]> {
    return (await this.call('connectListAllNetworks', { need_results: NEED_RESULTS, flags })).nets.map(
      toNetworkRef,
    );
  }
  async networkLookupByName(name: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkLookupByName', { name })).net);
  }
  async networkLookupByUUID(uuid: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkLookupByUUID', { uuid: uuidFromString(uuid) })).net);
  }
  async networkDefineXML(xml: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkDefineXML', { xml })).net);
  }
  async networkCreateXML(xml: string): Promise<NetworkRef> {
    return toNetworkRef((await this.call('networkCreateXML', { xml })).net);
  }
  async networkCreate(net: NetworkRef): Promise<void> {
    await this.call('networkCreate', { net: toWireNetwork(net) });
  }
  async networkDestroy(net: NetworkRef): Promise<void> {
    await this.call('networkDestroy', { net: toWireNetwork(net) });
  }
  async networkUndefine(net: NetworkRef): Promise<void> {
    await this.call('networkUndefine', { net: toWireNetwork(net) });
  }
  async networkGetXMLDesc(net: NetworkRef, flags = 0): Promise<string> {
    return (await this.call('networkGetXMLDesc', { net: toWireNetwork(net), flags })).xml;
  }
  async networkGetAutostart(net: NetworkRef): Promise<boolean> {
    return (await this.call('networkGetAutostart', { net: toWireNetwork(net) })).autostart !== 0;
  }
  async networkSetAutostart(net: NetworkRef, autostart: boolean): Promise<void> {
    await this.call('networkSetAutostart', { net: toWireNetwork(net), autostart: autostart ? 1 : 0 });
  }
  async networkIsActive(net: NetworkRef): Promise<boolean> {
    return (await this.call('networkIsActive', { net: toWireNetwork(net) })).active !== 0;
  }
  async networkIsPersistent(net: NetworkRef): Promise<boolean> {
    return (await this.call('networkIsPersistent', { net: toWireNetwork(net) })).persistent !== 0;
  }
  /**
   * virNetworkUpdate: one element (`xml`) of one section (VIR_NETWORK_SECTION_*) added, deleted or
   * modified (VIR_NETWORK_UPDATE_COMMAND_*), live and/or in the definition (VIR_NETWORK_UPDATE_AFFECT_*).
   * `parentIndex` picks the <ip> element for the ip-dhcp-* sections (-1: the first that fits).
   */
  async networkUpdate(
    net: NetworkRef,
    command: number,
    section: number,
    xml: string,
    flags: number,
    parentIndex = -1,
  ): Promise<void> {
    await this.call('networkUpdate', { net: toWireNetwork(net), command, section, parentIndex, xml, flags });
  }
  async networkGetBridgeName(net: NetworkRef): Promise<string> {
    return (await this.call('networkGetBridgeName', { net: toWireNetwork(net) })).name;
  }
  async networkGetDHCPLeases(net: NetworkRef, mac: string | null = null, flags = 0): Promise<DhcpLease[]> {
    const r = await this.call('networkGetDHCPLeases', {
      net: toWireNetwork(net),
      mac,
      need_results: NEED_RESULTS,
      flags,
    });
    return r.leases.map((l) => ({
      ...l,
      expirytime: big(l.expirytime),
      type: l.type === VIR_IP_ADDR_TYPE_IPV6 ? 'ipv6' : 'ipv4',
    }));
  }
}
