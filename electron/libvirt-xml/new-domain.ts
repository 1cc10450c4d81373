/**
 * Domain XML for a new VM, the way virt-manager sets one up today: q35 with virtio devices when the OS
 * has drivers for them (SATA/e1000e otherwise), the osinfo id in libosinfo's metadata, a VNC display on
 * loopback, a serial console, the guest-agent channel, a virtio RNG and a USB tablet. Pure, and built
 * with the DOM, so names and paths are always escaped.
 */
import { add } from './dom.js';
import { DomainXml, LIBOSINFO_NS, VNC_GRAPHICS } from './domain.js';

export interface NewVmSpec {
  name: string;
  virtType: 'kvm' | 'qemu';
  memoryMiB: number;
  vcpus: number;
  /** osinfo id, for the libosinfo metadata (null = unknown). */
  osId: string | null;
  /** The OS has virtio drivers (unknown OSes get them too: every current Linux and BSD has). */
  virtio: boolean;
  /** Path of the new disk image (qcow2), if any. */
  diskPath: string | null;
  /** ISO image to install from, attached as CD-ROM. */
  installMedia: string | null;
  /** 'user' for user-mode networking, a libvirt network name, or null for no NIC. */
  network: string | null;
}

export function newVmXml(v: NewVmSpec): string {
  const memKiB = Math.round(v.memoryMiB * 1024);
  const diskBus = v.virtio ? 'virtio' : 'sata';
  const diskDev = v.virtio ? 'vda' : 'sdb';
  const nicModel = v.virtio ? 'virtio' : 'e1000e';
  const domain = DomainXml.create(v.virtType);
  const d = domain.root;
  add(d, 'name', {}, v.name);
  if (v.osId) {
    const lo = add(
      add(d, 'metadata'),
      'libosinfo:libosinfo',
      { 'xmlns:libosinfo': LIBOSINFO_NS },
      undefined,
      LIBOSINFO_NS,
    );
    add(lo, 'libosinfo:os', { id: v.osId }, undefined, LIBOSINFO_NS);
  }
  add(d, 'memory', { unit: 'KiB' }, memKiB);
  add(d, 'currentMemory', { unit: 'KiB' }, memKiB);
  add(d, 'vcpu', { placement: 'static' }, v.vcpus);
  const os = add(d, 'os');
  add(os, 'type', { arch: 'x86_64', machine: 'q35' }, 'hvm');
  // The empty new disk cannot boot, so the firmware falls through to the CD-ROM; after the install
  // the disk boots first without anyone removing the ISO.
  if (v.diskPath) add(os, 'boot', { dev: 'hd' });
  if (v.installMedia) add(os, 'boot', { dev: 'cdrom' });
  const features = add(d, 'features');
  add(features, 'acpi');
  add(features, 'apic');
  if (v.virtType === 'kvm') add(d, 'cpu', { mode: 'host-passthrough' });
  add(d, 'clock', { offset: 'utc' });
  add(d, 'on_poweroff', {}, 'destroy');
  add(d, 'on_reboot', {}, 'restart');
  add(d, 'on_crash', {}, 'destroy');
  const devices = add(d, 'devices');
  if (v.diskPath) {
    const disk = add(devices, 'disk', { type: 'file', device: 'disk' });
    add(disk, 'driver', { name: 'qemu', type: 'qcow2', discard: 'unmap' });
    add(disk, 'source', { file: v.diskPath });
    add(disk, 'target', { dev: diskDev, bus: diskBus });
  }
  if (v.installMedia) {
    const cdrom = add(devices, 'disk', { type: 'file', device: 'cdrom' });
    add(cdrom, 'driver', { name: 'qemu', type: 'raw' });
    add(cdrom, 'source', { file: v.installMedia });
    add(cdrom, 'target', { dev: 'sda', bus: 'sata' });
    add(cdrom, 'readonly');
  }
  if (v.network) {
    const nic = add(devices, 'interface', { type: v.network === 'user' ? 'user' : 'network' });
    if (v.network !== 'user') add(nic, 'source', { network: v.network });
    add(nic, 'model', { type: nicModel });
  }
  add(add(devices, 'serial', { type: 'pty' }), 'target', { port: 0 });
  add(add(devices, 'console', { type: 'pty' }), 'target', { type: 'serial', port: 0 });
  add(add(devices, 'channel', { type: 'unix' }), 'target', {
    type: 'virtio',
    name: 'org.qemu.guest_agent.0',
  });
  add(devices, 'input', { type: 'tablet', bus: 'usb' });
  const graphics = add(devices, 'graphics', { port: -1, ...VNC_GRAPHICS });
  add(graphics, 'listen', { type: 'address', address: '127.0.0.1' });
  add(add(devices, 'video'), 'model', { type: v.virtio ? 'virtio' : 'vga' });
  if (v.virtio) {
    add(devices, 'memballoon', { model: 'virtio' });
    add(add(devices, 'rng', { model: 'virtio' }), 'backend', { model: 'random' }, '/dev/urandom');
  }
  return domain.toString();
}
