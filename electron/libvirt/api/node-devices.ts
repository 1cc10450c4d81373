/**
 * Host devices and host interfaces (virNodeDevice*, virInterface*).
 */
import { toInterfaceRef } from '../convert.js';
import { NEED_RESULTS, RpcCore } from '../rpc-core.js';
import type { InterfaceRef, NodeDeviceRef } from '../types.js';

export class NodeDeviceApi extends RpcCore {
  async connectListAllNodeDevices(flags = 0): Promise<NodeDeviceRef[]> {
    return (await this.call('connectListAllNodeDevices', { need_results: NEED_RESULTS, flags })).devices;
  }
  async nodeDeviceLookupByName(name: string): Promise<NodeDeviceRef> {
    return (await this.call('nodeDeviceLookupByName', { name })).dev;
  }
  async nodeDeviceGetXMLDesc(name: string, flags = 0): Promise<string> {
    return (await this.call('nodeDeviceGetXMLDesc', { name, flags })).xml;
  }
  async connectListAllInterfaces(flags = 0): Promise<InterfaceRef[]> {
    return (await this.call('connectListAllInterfaces', { need_results: NEED_RESULTS, flags })).ifaces.map(
      toInterfaceRef,
    );
  }
  async interfaceLookupByName(name: string): Promise<InterfaceRef> {
    return toInterfaceRef((await this.call('interfaceLookupByName', { name })).iface);
  }
  async interfaceGetXMLDesc(iface: InterfaceRef, flags = 0): Promise<string> {
    return (await this.call('interfaceGetXMLDesc', { iface, flags })).xml;
  }
}
