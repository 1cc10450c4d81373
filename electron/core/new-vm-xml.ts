/**
 * Domain XML for a new VM, the way virt-manager sets one up today: q35 with virtio devices when the OS
 * has drivers for them (SATA/e1000e otherwise), the osinfo id in libosinfo's metadata, a VNC display on
 * loopback, a serial console, the guest-agent channel, a virtio RNG and a USB tablet. Pure: every value
 * is escaped here, names and paths come from validated input.
 */
import { escapeXml as esc } from './xml.js';

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
  const out: string[] = [];
  out.push(`<domain type='${v.virtType}'>`);
  out.push(`  <name>${esc(v.name)}</name>`);
  if (v.osId) {
    out.push('  <metadata>');
    out.push('    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">');
    out.push(`      <libosinfo:os id="${esc(v.osId)}"/>`);
    out.push('    </libosinfo:libosinfo>');
    out.push('  </metadata>');
  }
  out.push(`  <memory unit='KiB'>${memKiB}</memory>`);
  out.push(`  <currentMemory unit='KiB'>${memKiB}</currentMemory>`);
  out.push(`  <vcpu placement='static'>${v.vcpus}</vcpu>`);
  out.push('  <os>');
  out.push("    <type arch='x86_64' machine='q35'>hvm</type>");
  // The empty new disk cannot boot, so the firmware falls through to the CD-ROM; after the install
  // the disk boots first without anyone removing the ISO.
  if (v.diskPath) out.push("    <boot dev='hd'/>");
  if (v.installMedia) out.push("    <boot dev='cdrom'/>");
  out.push('  </os>');
  out.push('  <features><acpi/><apic/></features>');
  out.push(v.virtType === 'kvm' ? "  <cpu mode='host-passthrough'/>" : '');
  out.push("  <clock offset='utc'/>");
  out.push('  <on_poweroff>destroy</on_poweroff>');
  out.push('  <on_reboot>restart</on_reboot>');
  out.push('  <on_crash>destroy</on_crash>');
  out.push('  <devices>');
  if (v.diskPath) {
    out.push("    <disk type='file' device='disk'>");
    out.push("      <driver name='qemu' type='qcow2' discard='unmap'/>");
    out.push(`      <source file='${esc(v.diskPath)}'/>`);
    out.push(`      <target dev='${diskDev}' bus='${diskBus}'/>`);
    out.push('    </disk>');
  }
  if (v.installMedia) {
    out.push("    <disk type='file' device='cdrom'>");
    out.push("      <driver name='qemu' type='raw'/>");
    out.push(`      <source file='${esc(v.installMedia)}'/>`);
    out.push("      <target dev='sda' bus='sata'/>");
    out.push('      <readonly/>');
    out.push('    </disk>');
  }
  if (v.network === 'user') {
    out.push("    <interface type='user'>");
    out.push(`      <model type='${nicModel}'/>`);
    out.push('    </interface>');
  } else if (v.network) {
    out.push("    <interface type='network'>");
    out.push(`      <source network='${esc(v.network)}'/>`);
    out.push(`      <model type='${nicModel}'/>`);
    out.push('    </interface>');
  }
  out.push("    <serial type='pty'><target port='0'/></serial>");
  out.push("    <console type='pty'><target type='serial' port='0'/></console>");
  out.push("    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>");
  out.push("    <input type='tablet' bus='usb'/>");
  out.push("    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>");
  out.push("      <listen type='address' address='127.0.0.1'/>");
  out.push('    </graphics>');
  out.push(`    <video><model type='${v.virtio ? 'virtio' : 'vga'}'/></video>`);
  if (v.virtio) {
    out.push("    <memballoon model='virtio'/>");
    out.push("    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>");
  }
  out.push('  </devices>');
  out.push('</domain>');
  return out.filter((l) => l !== '').join('\n') + '\n';
}
