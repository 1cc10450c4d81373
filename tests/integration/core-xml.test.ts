/** Domain XML reading (pure; lives with the core tests). */
import { describe, expect, it } from 'vitest';
import { attr, DomainXml, parseXml, text, XmlError } from '../../electron/libvirt-xml/index.js';

const XML = `<?xml version="1.0"?>
<!-- a comment -->
<domain type='kvm' id='3'>
  <name>web &amp; db</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <title>Web &lt;prod&gt;</title>
  <description><![CDATA[raw <text> & more]]></description>
  <metadata>
    <lo:libosinfo xmlns:lo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <lo:os id="http://ubuntu.com/ubuntu/24.04"/>
    </lo:libosinfo>
  </metadata>
  <memory unit='GiB'>4</memory>
  <currentMemory unit='MiB'>2048</currentMemory>
  <vcpu placement='static' current='2'>4</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='pc-q35-8.2'>hvm</type>
    <boot dev='cdrom'/><boot dev='hd'/>
  </os>
  <cpu mode='host-passthrough'><topology sockets='1' cores='2' threads='2'/></cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='volume' device='disk'>
      <source pool='default' volume='data.raw'/>
      <target dev='vdb' bus='virtio'/>
      <shareable/>
    </disk>
    <disk type='network' device='disk'>
      <source protocol='rbd' name='pool/img'><host name='ceph1' port='6789'/></source>
      <target dev='vdc' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:AB:CD:EF'/>
      <source network='default'/>
      <target dev='vnet3'/>
      <model type='virtio'/>
    </interface>
    <interface type='bridge'><source bridge='br0'/><model type='e1000e'/></interface>
    <graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>`;

describe('domain XML', () => {
  it('reads what the overview shows', () => {
    const d = DomainXml.parse(XML).info();
    expect(d).toMatchObject({
      name: 'web & db',
      title: 'Web <prod>',
      description: 'raw <text> & more',
      osId: 'http://ubuntu.com/ubuntu/24.04',
      arch: 'x86_64',
      machine: 'pc-q35-8.2',
      firmware: 'uefi',
      hasNvram: true,
      emulator: '/usr/bin/qemu-system-x86_64',
      vcpus: 2,
      maxVcpus: 4,
      memoryKiB: 4 * 1024 * 1024,
      currentMemoryKiB: 2048 * 1024,
      cpu: { mode: 'host-passthrough', model: null, sockets: 1, cores: 2, threads: 2 },
      bootDevices: ['cdrom', 'hd'],
      graphics: [{ type: 'vnc', port: 5901, listen: '127.0.0.1' }],
    });
    expect(d.disks).toEqual([
      expect.objectContaining({
        target: 'vda',
        type: 'file',
        source: '/var/lib/libvirt/images/web.qcow2',
        format: 'qcow2',
      }),
      expect.objectContaining({ target: 'sda', device: 'cdrom', source: null, readonly: true }),
      expect.objectContaining({
        target: 'vdb',
        type: 'volume',
        source: 'default/data.raw',
        pool: 'default',
        volume: 'data.raw',
        shareable: true,
      }),
      expect.objectContaining({ target: 'vdc', type: 'network', source: 'rbd://ceph1:6789/pool/img' }),
    ]);
    expect(d.nics).toEqual([
      { mac: '52:54:00:ab:cd:ef', type: 'network', source: 'default', model: 'virtio', target: 'vnet3' },
      { mac: null, type: 'bridge', source: 'br0', model: 'e1000e', target: null },
    ]);
  });

  it('refuses DTDs (no entity expansion) and malformed documents', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toThrow(XmlError);
    expect(() => parseXml('<a><b></a>')).toThrow(XmlError);
    expect(() => parseXml('<a>')).toThrow(XmlError);
    expect(() => parseXml('')).toThrow(XmlError);
    const a = parseXml('<a x="&#65;&#x42;">&#x1F600;&amp;</a>');
    expect(attr(a, 'x')).toBe('AB');
    expect(text(a)).toBe('\u{1F600}&');
    // An undefined entity is not well-formed XML (libvirt's libxml2 refuses it too); it used to pass through.
    expect(() => parseXml('<a>&unknown;</a>')).toThrow(XmlError);
  });
});
