/**
 * What the passthrough chooser of the Hardware tab picks from: the host's USB and PCI devices (libvirt's
 * node devices) with readable names, where they sit, the host driver bound to them, and whether passing
 * one through is fine, takes it from the host, or is refused.
 */
import { z } from 'zod';
import { call } from './define.js';
import { connectionIdSchema } from '../model/index.js';
import { hostdevSourceSchema } from './hardware/hostdevs.js';

/**
 * - `free`: no host driver holds it (or, for USB, only the generic one);
 * - `vfio`: a PCI device bound to vfio-pci already, ready for a VM;
 * - `host-driver`: a host driver uses it; libvirt takes it away from the host while the VM runs
 *   (managed='yes' unbinds a PCI device from that driver);
 * - `no-iommu`: a PCI device without an IOMMU group: VFIO cannot pass it through (IOMMU off);
 * - `bridge`: a PCI host/ISA/PCI bridge, which the host itself needs: refused;
 * - `root-hub`: a USB root hub (the host's own controller): refused.
 */
export const HOST_DEVICE_STATUSES = [
  'free',
  'vfio',
  'host-driver',
  'no-iommu',
  'bridge',
  'root-hub',
] as const;
export type HostDeviceStatus = (typeof HOST_DEVICE_STATUSES)[number];
/** The statuses the chooser refuses. */
export const REFUSED_HOST_DEVICE_STATUSES: readonly HostDeviceStatus[] = ['no-iommu', 'bridge', 'root-hub'];

export const hostDeviceSchema = z.object({
  /** libvirt's node device name: pci_0000_00_02_0, usb_1_2. */
  name: z.string().max(1024),
  bus: z.enum(['usb', 'pci']),
  vendorName: z.string().max(1024).nullable(),
  productName: z.string().max(1024).nullable(),
  /** `8086:5917` (vendor:product, hex). */
  ids: z.string().max(32),
  /** `0000:00:02.0` for PCI, `bus 1 device 2` words are the renderer's: here `1.2`. */
  address: z.string().max(64),
  driver: z.string().max(256).nullable(),
  iommuGroup: z.number().int().nullable(),
  /** What `hostdev.add` takes for it. */
  source: hostdevSourceSchema,
  status: z.enum(HOST_DEVICE_STATUSES),
  /** VMs of this connection that have it already (only one of them can run with it at a time). */
  usedBy: z.array(z.string().max(1024)),
});
export type HostDevice = z.infer<typeof hostDeviceSchema>;

export const hardwareHostDeviceCalls = {
  'hardware.hostDevices': call(
    z.object({ connectionId: connectionIdSchema }).strict(),
    z.object({ devices: z.array(hostDeviceSchema) }),
  ),
};

export const hardwareHostDeviceEvents = {};
