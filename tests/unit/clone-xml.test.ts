import { describe, expect, it } from 'vitest';
import { cloneDomainXml } from '../../electron/vms/clone.js';
import { parseXml, serializeXml } from '../../electron/libvirt-xml/dom.js';
import { treeChildren as children, treeText as textOf, xmlTree } from '../support/xml-tree.js';

const SOURCE = `<domain type='kvm'>
  <name>web &amp; co</name>
  <uuid>6b0e6a3c-0000-4000-8000-000000000001</uuid>
  <metadata><libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://debian.org/debian/12"/></libosinfo:libosinfo></metadata>
  <os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader><nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/libvirt/qemu/nvram/web_VARS.fd</nvram></os>
  <devices>
    <disk type='file' device='disk'><source file='/pool/web.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/iso/debian.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:12:34:56'/><source network='default'/></interface>
  </devices>
</domain>`;

describe('clone XML', () => {
  it('renames, drops UUID and MACs, empties the NVRAM path and points disks at their copies', () => {
    const out = xmlTree(cloneDomainXml(SOURCE, 'web <2>', new Map([['vda', '/pool/web-2.qcow2']])));
    expect(textOf(out, 'name')).toBe('web <2>');
    expect(textOf(out, 'uuid')).toBeNull();
    expect(children(out, 'devices/interface')[0]?.children.map((c) => c.name)).toEqual(['source']);
    expect(textOf(out, 'os/nvram')).toBe('');
    expect(children(out, 'os/nvram')[0]?.attrs.template).toBe('/usr/share/OVMF/OVMF_VARS.fd');
    const sources = children(out, 'devices/disk').map(
      (d) => d.children.find((c) => c.name === 'source')?.attrs.file,
    );
    expect(sources).toEqual(['/pool/web-2.qcow2', '/iso/debian.iso']);
    expect(children(out, 'metadata/libosinfo:libosinfo')[0]?.attrs['xmlns:libosinfo']).toBe(
      'http://libosinfo.org/xmlns/libvirt/domain/1.0',
    );
  });

  it('never shares NVRAM or a static label, and points block and volume disks at their copies', () => {
    const xml = `<domain type='kvm'><name>db</name>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type>
    <nvram type='file' template='/usr/share/OVMF/OVMF_VARS_4M.fd'><source file='/var/lib/libvirt/qemu/nvram/db_VARS.fd'/></nvram></os>
  <seclabel type='static' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>
  <seclabel type='dynamic' model='dac' relabel='yes'/>
  <devices>
    <disk type='block' device='disk'><source dev='/dev/vg0/db'/><target dev='vda' bus='virtio'/></disk>
    <disk type='volume' device='disk'><source pool='fast' volume='db-data.qcow2'/><target dev='vdb' bus='virtio'/></disk>
    <disk type='block' device='disk'><source dev='/dev/sdz'/><target dev='vdc' bus='virtio'/><shareable/></disk>
  </devices></domain>`;
    const out = xmlTree(
      cloneDomainXml(
        xml,
        'db2',
        new Map([
          ['vda', '/dev/vg0/db2-1'],
          ['vdb', 'db2-2.qcow2'],
        ]),
      ),
    );
    const nvram = children(out, 'os/nvram')[0]!;
    expect(nvram.children).toEqual([]);
    expect(nvram.text ?? '').toBe('');
    expect(nvram.attrs).toEqual({ template: '/usr/share/OVMF/OVMF_VARS_4M.fd' });
    expect(children(out, 'seclabel').map((l) => l.attrs.type)).toEqual(['dynamic']);
    const sources = children(out, 'devices/disk').map(
      (d) => d.children.find((c) => c.name === 'source')?.attrs,
    );
    expect(sources).toEqual([
      { dev: '/dev/vg0/db2-1' },
      { pool: 'fast', volume: 'db2-2.qcow2' },
      { dev: '/dev/sdz' }, // shareable: shared on purpose
    ]);
  });

  it('serializes what it parses (escaped, empty elements closed)', () => {
    const doc = parseXml(`<a x="1 &amp; &quot;2&quot;"><b>t &lt; u</b><c/></a>`);
    expect(serializeXml(doc)).toBe(`<a x="1 &amp; &quot;2&quot;"><b>t &lt; u</b><c/></a>`);
    expect(serializeXml(parseXml(serializeXml(parseXml(SOURCE))))).toBe(serializeXml(parseXml(SOURCE)));
  });
});
