import { describe, expect, it } from 'vitest';
import { cloneDomainXml } from '../../electron/vms/clone.js';
import { parseXml, serializeXml, textOf, children } from '../../electron/core/xml.js';

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
    const out = parseXml(
      cloneDomainXml(SOURCE, 'web <2>', new Map([['/pool/web.qcow2', '/pool/web-2.qcow2']])),
    );
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

  it('serializes what it parses (escaped, empty elements closed)', () => {
    const doc = parseXml(`<a x="1 &amp; &quot;2&quot;"><b>t &lt; u</b><c/></a>`);
    expect(serializeXml(doc)).toBe(`<a x="1 &amp; &quot;2&quot;"><b>t &lt; u</b><c/></a>`);
    expect(serializeXml(parseXml(serializeXml(parseXml(SOURCE))))).toBe(serializeXml(parseXml(SOURCE)));
  });
});
