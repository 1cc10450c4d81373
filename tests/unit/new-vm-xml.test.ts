import { describe, expect, it } from 'vitest';
import { newVmXml, type NewVmSpec } from '../../electron/libvirt-xml/new-domain.js';
import { xmlTree as parseXml, type XmlTree as XmlElement } from '../support/xml-tree.js';

const base: NewVmSpec = {
  name: 'web-1',
  virtType: 'kvm',
  memoryMiB: 2048,
  vcpus: 2,
  osId: 'http://debian.org/debian/12',
  virtio: true,
  diskPath: '/var/lib/libvirt/images/web-1.qcow2',
  installMedia: '/srv/iso/debian-12.iso',
  network: 'default',
};

/** `e` and its descendants named `name`, in document order. */
const all = (e: XmlElement, name: string): XmlElement[] => [
  ...(e.name === name ? [e] : []),
  ...e.children.flatMap((c) => all(c, name)),
];
const one = (e: XmlElement, name: string): XmlElement => {
  const found = all(e, name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

describe('new VM domain XML', () => {
  it('describes a virtio q35 VM with disk, install ISO, network, console, display and agent', () => {
    const d = parseXml(newVmXml(base));
    const dom = one(d, 'domain');
    expect(dom.attrs.type).toBe('kvm');
    expect(one(d, 'name').text).toBe('web-1');
    expect(one(d, 'memory').text).toBe(String(2048 * 1024));
    expect(one(d, 'vcpu').text).toBe('2');
    expect(one(d, 'type').attrs.machine).toBe('q35');
    expect(one(d, 'libosinfo:os').attrs.id).toBe(base.osId);
    expect(one(d, 'cpu').attrs.mode).toBe('host-passthrough');
    expect(all(d, 'boot').map((b) => b.attrs.dev)).toEqual(['hd', 'cdrom']);
    const [disk, cdrom] = all(d, 'disk');
    expect(disk?.attrs.device).toBe('disk');
    expect(one(disk!, 'target').attrs).toEqual({ dev: 'vda', bus: 'virtio' });
    expect(one(disk!, 'source').attrs.file).toBe(base.diskPath);
    expect(cdrom?.attrs.device).toBe('cdrom');
    expect(one(cdrom!, 'source').attrs.file).toBe(base.installMedia);
    expect(all(cdrom!, 'readonly')).toHaveLength(1);
    expect(one(one(d, 'interface'), 'source').attrs.network).toBe('default');
    expect(one(one(d, 'interface'), 'model').attrs.type).toBe('virtio');
    expect(one(d, 'graphics').attrs).toMatchObject({ type: 'vnc', autoport: 'yes', listen: '127.0.0.1' });
    expect(one(d, 'channel').children[0]?.attrs.name).toBe('org.qemu.guest_agent.0');
    expect(all(d, 'serial')).toHaveLength(1);
    expect(all(d, 'rng')).toHaveLength(1);
  });

  it('falls back to SATA and e1000e for an OS without virtio drivers, emulation without host CPU', () => {
    const d = parseXml(newVmXml({ ...base, virtio: false, virtType: 'qemu', network: 'user', osId: null }));
    expect(one(d, 'domain').attrs.type).toBe('qemu');
    expect(all(d, 'cpu')).toHaveLength(0);
    expect(all(d, 'metadata')).toHaveLength(0);
    expect(one(all(d, 'disk')[0]!, 'target').attrs).toEqual({ dev: 'sdb', bus: 'sata' });
    expect(one(d, 'interface').attrs.type).toBe('user');
    expect(one(one(d, 'interface'), 'model').attrs.type).toBe('e1000e');
    expect(all(d, 'rng')).toHaveLength(0);
  });

  it('leaves out what is not asked for, and escapes names and paths', () => {
    const d = parseXml(
      newVmXml({
        ...base,
        name: `a<b>&'"`,
        diskPath: null,
        installMedia: `/iso/it's & <x>.iso`,
        network: null,
      }),
    );
    expect(one(d, 'name').text).toBe(`a<b>&'"`);
    expect(all(d, 'disk')).toHaveLength(1);
    expect(one(d, 'source').attrs.file).toBe(`/iso/it's & <x>.iso`);
    expect(all(d, 'boot').map((b) => b.attrs.dev)).toEqual(['cdrom']);
    expect(all(d, 'interface')).toHaveLength(0);
  });
});
