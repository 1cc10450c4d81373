/**
 * The host's USB and PCI devices for the passthrough chooser (`hardware.hostDevices`): libvirt's node
 * devices of those two kinds, each description read once (pipelined), with the status the chooser shows —
 * free, bound to vfio-pci, used by a host driver (passing it through takes it from the host), or refused
 * (bridges and root hubs the host itself needs, PCI devices without an IOMMU group).
 */
import type { CallInput, CallOutput } from '../../../shared/contract/index.js';
import type { HostDevice, HostDeviceStatus } from '../../../shared/contract/hardware-hostdevs.js';
import type { ClientSource } from '../../base/connections.js';
import { ConnectListAllNodeDevicesFlags, isLibvirtError, type LibvirtClient } from '../../libvirt/index.js';
import {
  DomainXml,
  NodeDeviceXml,
  pciAddressText,
  readHostdevs,
  type HostdevDetails,
  type NodeDevice,
} from '../../libvirt-xml/index.js';

/** The Linux Foundation's USB vendor id: the host's root hubs. */
const ROOT_HUB_VENDOR = 0x1d6b;
/** PCI base class 0x06: bridges (host, ISA, PCI-to-PCI…). */
const PCI_BRIDGE_CLASS = 0x06;

const hex4 = (n: number | null): string => (n ?? 0).toString(16).padStart(4, '0');

export const pciStatus = (d: NodeDevice): HostDeviceStatus => {
  const pci = d.pci!;
  if (pci.classCode !== null && pci.classCode >> 16 === PCI_BRIDGE_CLASS) return 'bridge';
  if (pci.iommuGroup === null) return 'no-iommu';
  if (d.driver === 'vfio-pci') return 'vfio';
  return d.driver ? 'host-driver' : 'free';
};

export const usbStatus = (d: NodeDevice): HostDeviceStatus => {
  if (d.usb!.vendorId === ROOT_HUB_VENDOR) return 'root-hub';
  // Every USB device is bound to the generic "usb" driver; its interfaces' drivers are what uses it, and
  // libvirt detaches those itself.
  return d.driver && d.driver !== 'usb' ? 'host-driver' : 'free';
};

/** One node device as the chooser lists it; null for devices of other kinds. */
export const hostDeviceOf = (d: NodeDevice): Omit<HostDevice, 'usedBy'> | null => {
  if (d.pci) {
    const p = d.pci;
    return {
      name: d.name,
      bus: 'pci',
      vendorName: p.vendorName,
      productName: p.productName,
      ids: `${hex4(p.vendorId)}:${hex4(p.productId)}`,
      address: pciAddressText(p),
      driver: d.driver,
      iommuGroup: p.iommuGroup,
      source: { type: 'pci', domain: p.domain, bus: p.bus, slot: p.slot, function: p.function },
      status: pciStatus(d),
    };
  }
  if (d.usb && d.usb.vendorId !== null && d.usb.productId !== null) {
    const u = d.usb;
    return {
      name: d.name,
      bus: 'usb',
      vendorName: u.vendorName,
      productName: u.productName,
      ids: `${hex4(u.vendorId)}:${hex4(u.productId)}`,
      address: `${u.bus}.${u.device}`,
      driver: d.driver,
      iommuGroup: null,
      source: { type: 'usb', vendor: u.vendorId!, product: u.productId!, bus: u.bus, device: u.device },
      status: usbStatus(d),
    };
  }
  return null;
};

/** Whether a VM's host device `h` is the node device `d` (a USB device named by ids matches any such). */
export const isDevice = (h: HostdevDetails, d: Omit<HostDevice, 'usedBy'>): boolean => {
  const s = h.source;
  if (!s || s.type !== d.source.type) return false;
  if (s.type === 'pci') return `pci:${d.address}` === h.key;
  const o = d.source as Extract<HostDevice['source'], { type: 'usb' }>;
  return (
    s.vendor === o.vendor &&
    s.product === o.product &&
    (s.bus === undefined || (s.bus === o.bus && s.device === o.device))
  );
};

export class HostDeviceService {
  constructor(private readonly connections: ClientSource) {}

  async list(input: CallInput<'hardware.hostDevices'>): Promise<CallOutput<'hardware.hostDevices'>> {
    const client = this.connections.getClient(input.connectionId);
    const refs = await client.connectListAllNodeDevices(
      ConnectListAllNodeDevicesFlags.CAP_PCI_DEV | ConnectListAllNodeDevicesFlags.CAP_USB_DEV,
    );
    const read = await Promise.all(
      refs.map((r) =>
        client.nodeDeviceGetXMLDesc(r.name).then(
          (xml) => NodeDeviceXml.parse(xml).info(),
          // Unplugged between the list and the read: not offered.
          (e: unknown) => {
            if (isLibvirtError(e)) return null;
            throw e;
          },
        ),
      ),
    );
    const vms = await this.vmHostdevs(client);
    const devices = read.flatMap((d) => {
      const h = d && hostDeviceOf(d);
      return h
        ? [{ ...h, usedBy: vms.filter((v) => v.hostdevs.some((x) => isDevice(x, h))).map((v) => v.name) }]
        : [];
    });
    devices.sort((a, b) => a.bus.localeCompare(b.bus) || a.address.localeCompare(b.address));
    return { devices };
  }

  /** Every VM's host devices (the running VM's, else its configuration's); VMs gone meanwhile are skipped. */
  private async vmHostdevs(client: LibvirtClient): Promise<{ name: string; hostdevs: HostdevDetails[] }[]> {
    const doms = await client.connectListAllDomains(0);
    const all = await Promise.all(
      doms.map((dom) =>
        client.domainGetXMLDesc(dom, 0).then(
          (xml) => ({ name: dom.name, hostdevs: readHostdevs(DomainXml.parse(xml)) }),
          (e: unknown) => {
            if (isLibvirtError(e)) return null;
            throw e;
          },
        ),
      ),
    );
    return all.filter((v): v is { name: string; hostdevs: HostdevDetails[] } => v !== null);
  }
}
