/**
 * libvirt's node device descriptions (formatnode): the host's PCI and USB devices with the names the
 * hardware database gives them, where they sit (PCI address, USB bus/device), the host driver bound to
 * them and the IOMMU group — what the passthrough chooser shows and warns about. Read-only.
 */
import { attr, child, children, intOf, text, type XmlElement } from './dom.js';
import { LibvirtXml } from './document.js';
import type { PciAddress } from './domain-hostdevs.js';

export interface NodeDeviceIds {
  vendorId: number | null;
  vendorName: string | null;
  productId: number | null;
  productName: string | null;
}

export interface NodePciDevice extends NodeDeviceIds, PciAddress {
  /** The PCI class code (0x030000: VGA controller, 0x060400: PCI bridge…); null when not given. */
  classCode: number | null;
  iommuGroup: number | null;
  /** Other devices of its IOMMU group (they go to the VM together), as `0000:00:02.0` text. */
  iommuGroupAddresses: string[];
}

export interface NodeUsbDevice extends NodeDeviceIds {
  bus: number;
  device: number;
  /** USB class of the device (9: hub), when libvirt gives it (child capability usb_device/class). */
  classCode: number | null;
}

export interface NodeDevice {
  /** libvirt's name: pci_0000_00_02_0, usb_1_2, … */
  name: string;
  parent: string | null;
  /** The host driver bound to it (i915, xhci_hcd, vfio-pci, usb, …); null when none is. */
  driver: string | null;
  /** The sysfs path. */
  path: string | null;
  pci: NodePciDevice | null;
  usb: NodeUsbDevice | null;
}

const num = (s: string | null | undefined): number | null => {
  const n = intOf(s);
  return n !== null && Number.isInteger(n) && n >= 0 ? n : null;
};

const ids = (cap: XmlElement): NodeDeviceIds => {
  const vendor = child(cap, 'vendor');
  const product = child(cap, 'product');
  return {
    vendorId: num(attr(vendor, 'id')),
    vendorName: text(vendor) || null,
    productId: num(attr(product, 'id')),
    productName: text(product) || null,
  };
};

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

export class NodeDeviceXml extends LibvirtXml {
  static parse(xml: string): NodeDeviceXml {
    return new NodeDeviceXml(LibvirtXml.rootOf(xml, 'device'));
  }

  private capability(type: string): XmlElement | undefined {
    return children(this.root, 'capability').find((c) => attr(c, 'type') === type);
  }

  info(): NodeDevice {
    const pciCap = this.capability('pci');
    const usbCap = this.capability('usb_device');
    let pci: NodePciDevice | null = null;
    if (pciCap) {
      const group = child(pciCap, 'iommuGroup');
      pci = {
        ...ids(pciCap),
        domain: num(text(pciCap, 'domain')) ?? 0,
        bus: num(text(pciCap, 'bus')) ?? 0,
        slot: num(text(pciCap, 'slot')) ?? 0,
        function: num(text(pciCap, 'function')) ?? 0,
        classCode: num(text(pciCap, 'class')),
        iommuGroup: num(attr(group, 'number')),
        iommuGroupAddresses: children(group, 'address').map((a) => {
          const [d, b, s, f] = ['domain', 'bus', 'slot', 'function'].map((k) => num(attr(a, k)) ?? 0);
          return `${hex(d!, 4)}:${hex(b!, 2)}:${hex(s!, 2)}.${f!.toString(16)}`;
        }),
      };
    }
    let usb: NodeUsbDevice | null = null;
    if (usbCap)
      usb = {
        ...ids(usbCap),
        bus: num(text(usbCap, 'bus')) ?? 0,
        device: num(text(usbCap, 'device')) ?? 0,
        classCode: num(text(usbCap, 'class')),
      };
    return {
      name: text(this.root, 'name') ?? '',
      parent: text(this.root, 'parent') || null,
      driver: text(this.root, 'driver/name') || null,
      path: text(this.root, 'path') || null,
      pci,
      usb,
    };
  }
}
