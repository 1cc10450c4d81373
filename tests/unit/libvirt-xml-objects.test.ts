/**
 * The libvirt-XML layer on documents the real daemon produced (fixtures/libvirt-xml, see its README):
 * typed reads, round-trips that keep the meaning, and edits that change only what they name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainXml, graphicsDeviceXml } from '../../electron/libvirt-xml/domain.js';
import { NetworkXml } from '../../electron/libvirt-xml/network.js';
import { newDirPoolXml, PoolXml } from '../../electron/libvirt-xml/pool.js';
import { newSnapshotXml, SnapshotXml } from '../../electron/libvirt-xml/snapshot.js';
import { newVolumeXml, VolumeXml } from '../../electron/libvirt-xml/volume.js';
import { XmlError } from '../../electron/libvirt-xml/dom.js';
import { treeChild, treeChildren, xmlMeaning, type XmlTree } from '../support/xml-tree.js';

const fixture = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'libvirt-xml', name), 'utf8');
const DOMAIN = fixture('domain.xml');
const POOL = fixture('pool.xml');
const VOLUME = fixture('volume.xml');
const NETWORK = fixture('network.xml');
const SNAPSHOT = fixture('snapshot.xml');

/** A document's meaning with `edit` applied to it by hand (the expectation for an edit). */
const expected = (xml: string, edit: (root: XmlTree) => void): XmlTree => {
  const t = xmlMeaning(xml);
  edit(t);
  return t;
};

describe('round-trips of real libvirt XML keep the meaning', () => {
  it.each([
    ['domain', DOMAIN, (s: string) => DomainXml.parse(s).toString()],
    ['pool', POOL, (s: string) => PoolXml.parse(s).toString()],
    ['volume', VOLUME, (s: string) => VolumeXml.parse(s).toString()],
    ['network', NETWORK, (s: string) => NetworkXml.parse(s).toString()],
    ['snapshot', SNAPSHOT, (s: string) => SnapshotXml.parse(s).toString()],
  ])('%s', (_kind, xml, roundTrip) => {
    const once = roundTrip(xml);
    expect(xmlMeaning(once)).toEqual(xmlMeaning(xml));
    expect(roundTrip(once)).toBe(once);
  });

  it('refuses a document of another kind', () => {
    expect(() => DomainXml.parse(POOL)).toThrow(XmlError);
    expect(() => PoolXml.parse(VOLUME)).toThrow(/expected a <pool>/);
    expect(() => SnapshotXml.parse(DOMAIN)).toThrow(XmlError);
  });
});

describe('DomainXml', () => {
  const d = DomainXml.parse(DOMAIN);

  it('reads what the app shows', () => {
    expect(d.info()).toMatchObject({
      name: 'web',
      uuid: '3e5aeb59-fa31-4be0-9611-f3f7a11c7d6e',
      title: 'Web server',
      description: 'Front end & cache <prod>',
      osId: 'http://debian.org/debian/12',
      arch: 'x86_64',
      machine: 'pc-q35-7.2',
      firmware: 'bios',
      hasNvram: false,
      emulator: '/usr/bin/qemu-system-x86_64',
      vcpus: 1,
      maxVcpus: 2,
      memoryKiB: 1024 * 1024,
      currentMemoryKiB: 512 * 1024,
      cpu: { mode: 'custom', model: 'qemu64', sockets: 1, cores: 2, threads: 1 },
      bootDevices: ['hd', 'cdrom'],
      graphics: [{ type: 'vnc', port: -1, listen: '127.0.0.1' }],
    });
    expect(d.disks).toEqual([
      {
        target: 'vda',
        bus: 'virtio',
        device: 'disk',
        type: 'file',
        source: '/srv/virtdesk/scratch/samples/web.qcow2',
        pool: null,
        volume: null,
        format: 'qcow2',
        readonly: false,
        shareable: false,
      },
      {
        target: 'sda',
        bus: 'sata',
        device: 'cdrom',
        type: 'file',
        source: null,
        pool: null,
        volume: null,
        format: 'raw',
        readonly: true,
        shareable: false,
      },
    ]);
    expect(d.interfaces).toEqual([
      { mac: '52:54:00:12:34:56', type: 'network', source: 'samplenet', model: 'virtio', target: null },
      { mac: '52:54:00:ab:cd:ef', type: 'user', source: null, model: 'e1000e', target: null },
    ]);
    expect(d.graphics).toEqual([
      {
        type: 'vnc',
        attrs: { type: 'vnc', port: '-1', autoport: 'yes', listen: '127.0.0.1' },
        listens: [{ type: 'address', address: '127.0.0.1' }],
      },
    ]);
    expect(d.serials).toEqual([
      { kind: 'serial', type: 'pty', path: null, targetType: 'isa-serial', targetPort: 0, targetName: null },
    ]);
    expect(d.consoles.map((c) => [c.type, c.targetType])).toEqual([['pty', 'serial']]);
    expect(d.channels.map((c) => c.targetName)).toEqual(['org.qemu.guest_agent.0']);
    expect(d.metadata('urn:virtdesk:test')?.nodeName).toBe('vd:notes');
    expect(d.metadata('urn:nobody')).toBeUndefined();
  });

  it('renames, changing nothing else', () => {
    const out = DomainXml.parse(DOMAIN).setName('web & <copy>').toString();
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        treeChild(t, 'name')!.text = 'web & <copy>';
      }),
    );
  });

  it('clone edits: no UUID, no MACs, new disk paths; namespaced metadata and the rest untouched', () => {
    const out = DomainXml.parse(DOMAIN)
      .removeUuid()
      .removeMacAddresses()
      .resetNvram()
      .replaceDiskSources(new Map([['vda', '/pool/web-2.qcow2']]))
      .toString();
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        t.children = t.children.filter((c) => c.name !== 'uuid');
        for (const nic of treeChildren(t, 'devices/interface'))
          nic.children = nic.children.filter((c) => c.name !== 'mac');
        treeChild(t, 'devices/disk/source')!.attrs.file = '/pool/web-2.qcow2';
      }),
    );
    expect(out).toContain('<vd:owner team="ops">Ana</vd:owner>');
  });

  it('adds a display device under /domain/devices only', () => {
    const out = DomainXml.parse(DOMAIN).addGraphics().toString();
    expect(xmlMeaning(out)).toEqual(
      expected(DOMAIN, (t) => {
        treeChild(t, 'devices')!.children.push(xmlMeaning(graphicsDeviceXml()));
      }),
    );
    expect(DomainXml.parse(out).graphics.map((g) => g.attrs.listen)).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(() => DomainXml.parse('<domain><name>x</name></domain>').addGraphics()).toThrow(XmlError);
  });

  it('keeps elements, attributes, comments and namespaces it does not know through an edit', () => {
    const future = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0' future='1'>
  <!-- kept -->
  <name>old</name>
  <os firmware='efi'><type arch='x86_64'>hvm</type><nvram template='/t.fd' format='raw'>/v.fd</nvram><newthing a='b'/></os>
  <devices>
    <disk type='file' device='disk' newattr='y'><source file='/a.img' brandnew='z'><unknown/></source><target dev='vda'/></disk>
    <gadget model='x'><part>1</part></gadget>
  </devices>
  <qemu:commandline><qemu:arg value='-s'/></qemu:commandline>
</domain>`;
    const out = DomainXml.parse(future)
      .setName('new')
      .resetNvram()
      .replaceDiskSources(new Map([['vda', '/b.img']]))
      .toString();
    expect(xmlMeaning(out)).toEqual(
      expected(future, (t) => {
        treeChild(t, 'name')!.text = 'new';
        treeChild(t, 'os/nvram')!.text = '';
        treeChild(t, 'devices/disk/source')!.attrs.file = '/b.img';
      }),
    );
    expect(out).toContain('<!-- kept -->');
    expect(treeChild(xmlMeaning(out), 'qemu:commandline')?.ns).toBe(
      'http://libvirt.org/schemas/domain/qemu/1.0',
    );
    expect(DomainXml.parse(out).firmware).toBe('uefi');
  });
});

describe('storage, network and snapshot XML', () => {
  it('reads a pool', () => {
    const p = PoolXml.parse(POOL);
    expect([p.type, p.name, p.uuid, p.targetPath]).toEqual([
      'dir',
      'samples',
      '05dae9d2-8274-472c-8936-b3c7825f9b53',
      '/srv/virtdesk/scratch/samples',
    ]);
    expect([p.capacityBytes, p.allocationBytes, p.availableBytes]).toEqual([
      270553174016, 24875581440, 245677592576,
    ]);
    expect(p.source).toEqual({ name: null, hosts: [], devices: [], dir: null, format: null });
    const nfs = PoolXml.parse(
      `<pool type='netfs'><name>n</name><source><host name='nas' port='2049'/><dir path='/export'/><format type='nfs'/></source><target><path>/mnt/n</path></target></pool>`,
    );
    expect(nfs.source).toEqual({
      name: null,
      hosts: [{ name: 'nas', port: 2049 }],
      devices: [],
      dir: '/export',
      format: 'nfs',
    });
  });

  it('reads a volume with its backing store', () => {
    const v = VolumeXml.parse(VOLUME);
    expect([v.type, v.name, v.format, v.capacityBytes, v.allocationBytes]).toEqual([
      'file',
      'web.qcow2',
      'qcow2',
      64 * 1024 * 1024,
      208896,
    ]);
    expect(v.targetPath).toBe('/srv/virtdesk/scratch/samples/web.qcow2');
    expect(v.key).toBe(v.targetPath);
    expect(v.backingStore).toEqual({ path: '/srv/virtdesk/scratch/samples/base.qcow2', format: 'qcow2' });
  });

  it('reads a network: forward mode, bridge, addresses, DHCP ranges and hosts', () => {
    const n = NetworkXml.parse(NETWORK);
    expect([n.name, n.forwardMode, n.forwardDev, n.bridge, n.domainName]).toEqual([
      'samplenet',
      'nat',
      null,
      'vdsample0',
      'sample.test',
    ]);
    expect(n.ips).toEqual([
      {
        family: 'ipv4',
        address: '192.168.213.1',
        prefix: 24,
        dhcpRanges: [{ start: '192.168.213.100', end: '192.168.213.199' }],
        dhcpHosts: [{ mac: '52:54:00:12:34:56', name: 'web', ip: '192.168.213.10' }],
      },
      { family: 'ipv6', address: 'fd00:213::1', prefix: 64, dhcpRanges: [], dhcpHosts: [] },
    ]);
    expect(NetworkXml.parse('<network><name>iso</name></network>').forwardMode).toBeNull();
    const prefix = (mask: string) =>
      NetworkXml.parse(`<network><ip address='10.0.0.1' netmask='${mask}'/></network>`).ips[0]?.prefix;
    expect(['255.255.254.0', '255.255.255.255', '0.0.0.0', '255.0.255.0', '1.2.3'].map(prefix)).toEqual([
      23,
      32,
      0,
      null,
      null,
    ]);
  });

  it('reads a snapshot', () => {
    const s = SnapshotXml.parse(SNAPSHOT);
    expect([s.name, s.description, s.state, s.creationTime, s.memory, s.parent]).toEqual([
      'before-upgrade',
      'State before the upgrade',
      'shutoff',
      1796283526,
      'no',
      null,
    ]);
  });

  it('builds new volumes, pools and snapshots that read back, names escaped', () => {
    const v = VolumeXml.parse(
      newVolumeXml({ name: `a<b>&'".qcow2`, capacityBytes: 5 * 1024 ** 3, format: 'qcow2' }),
    );
    expect([v.name, v.capacityBytes, v.format]).toEqual([`a<b>&'".qcow2`, 5 * 1024 ** 3, 'qcow2']);
    expect(VolumeXml.parse(newVolumeXml({ name: 'c', capacityBytes: 0 })).format).toBeNull();
    const p = PoolXml.parse(newDirPoolXml('p&q', '/srv/p&q'));
    expect([p.type, p.name, p.targetPath]).toEqual(['dir', 'p&q', '/srv/p&q']);
    const s = SnapshotXml.parse(newSnapshotXml({ name: 'n<1>', description: 'a & b' }));
    expect([s.name, s.description]).toEqual(['n<1>', 'a & b']);
    expect(SnapshotXml.parse(newSnapshotXml({ name: 'x' })).description).toBeNull();
  });
});
