/** Disk and NIC device XML (electron/libvirt-xml/domain-devices.ts): built, cut from a domain, edited. */
import { describe, expect, it } from 'vitest';
import {
  addDiskTo,
  addNicTo,
  child,
  diskDetails,
  diskDeviceXml,
  diskElementXml,
  domainCapsEnum,
  DomainXml,
  elements,
  freeTarget,
  mediaChangeXml,
  nicDetails,
  nicDeviceXml,
  nicLinkStateXml,
  normalizeMac,
  parseXml,
  removeDiskFrom,
  removeNicFrom,
  serializeXml,
  setDiskOptions,
  setNicLinkState,
  setNicOptions,
  XmlError,
} from '../../electron/libvirt-xml/index.js';

const DOMAIN = `<domain type='kvm' xmlns:v='urn:x-vendor'>
  <name>café</name>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>
      <source file='/var/lib/images/a.qcow2'><v:extra keep='1'/></source>
      <target dev='vda' bus='virtio'/>
      <serial>SER-1</serial>
      <alias name='virtio-disk0'/>
      <v:unknown/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/isos/old.iso'/>
      <backingStore/>
      <target dev='sda' bus='sata'/>
      <readonly/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:AA:BB:CC'/>
      <source network='default'/>
      <model type='virtio'/>
      <v:tag/>
      <alias name='net0'/>
    </interface>
    <interface type='direct'>
      <mac address='52:54:00:00:00:02'/>
      <source dev='eth0' mode='bridge'/>
      <link state='down'/>
    </interface>
  </devices>
</domain>`;

describe('disk device XML', () => {
  it('builds a new volume disk with driver options, read-only, shareable and serial', () => {
    const el = parseXml(
      diskDeviceXml({
        device: 'disk',
        source: { type: 'volume', pool: 'default', volume: 'data.qcow2' },
        format: 'qcow2',
        bus: 'scsi',
        target: 'sdb',
        cache: 'writeback',
        io: 'threads',
        discard: 'ignore',
        readonly: true,
        shareable: true,
        serial: 'S<&>1',
      }),
    );
    const d = DomainXml.parse(`<domain><devices>${serializeXml(el)}</devices></domain>`);
    expect(diskDetails(d)[0]).toMatchObject({
      type: 'volume',
      device: 'disk',
      pool: 'default',
      volume: 'data.qcow2',
      format: 'qcow2',
      target: 'sdb',
      bus: 'scsi',
      cache: 'writeback',
      io: 'threads',
      discard: 'ignore',
      readonly: true,
      shareable: true,
      serial: 'S<&>1',
    });
  });

  it('makes an empty CD-ROM drive read-only and without source or format', () => {
    const el = parseXml(diskDeviceXml({ device: 'cdrom', source: null, bus: 'sata', target: 'sdc' }));
    expect(child(el, 'source')).toBeUndefined();
    expect(child(el, 'readonly')).toBeDefined();
    expect(child(el, 'driver')?.hasAttribute('type')).toBe(false);
  });

  it('picks the first free target per bus, counting every disk whatever its bus', () => {
    expect(freeTarget('virtio', [])).toBe('vda');
    expect(freeTarget('virtio', ['vda', 'vdc'])).toBe('vdb');
    expect(freeTarget('sata', ['sda', 'hdc', 'vda'])).toBe('sdb');
    expect(freeTarget('ide', ['hda'])).toBe('hdb');
    const az = Array.from({ length: 26 }, (_, i) => `sd${String.fromCharCode(97 + i)}`);
    expect(freeTarget('scsi', az)).toBe('sdaa');
    expect(freeTarget('usb', [...az, 'sdaa', 'sdab'])).toBe('sdac');
  });

  it('reads serial, cache, io, discard and alias of the domain’s disks', () => {
    expect(diskDetails(DomainXml.parse(DOMAIN))[0]).toMatchObject({
      target: 'vda',
      serial: 'SER-1',
      cache: 'none',
      io: 'native',
      discard: 'unmap',
      alias: 'virtio-disk0',
    });
  });

  it('cuts a disk for detach with everything it has, unknown elements included', () => {
    const el = parseXml(diskElementXml(DomainXml.parse(DOMAIN), 'vda'));
    expect(serializeXml(el)).toContain('<v:unknown');
    expect(serializeXml(el)).toContain('keep="1"');
    expect(() => diskElementXml(DomainXml.parse(DOMAIN), 'vdz')).toThrow(XmlError);
  });

  it('changes CD media: only the source changes, the domain document is untouched', () => {
    const dom = DomainXml.parse(DOMAIN);
    const before = dom.toString();
    const el = parseXml(mediaChangeXml(dom, 'sda', { type: 'volume', pool: 'isos', volume: 'new.iso' }));
    expect(dom.toString()).toBe(before);
    expect(el.getAttribute('type')).toBe('volume');
    expect(child(el, 'source')?.getAttribute('volume')).toBe('new.iso');
    expect(child(el, 'source')?.hasAttribute('file')).toBe(false);
    expect(child(el, 'backingStore')).toBeUndefined();
    expect(child(el, 'address')?.getAttribute('unit')).toBe('0');
    // The source comes before the target.
    const names = Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)?.nodeName);
    expect(names.indexOf('source')).toBeLessThan(names.indexOf('target'));
  });

  it('ejects: no source, file type; refuses a hard disk', () => {
    const el = parseXml(mediaChangeXml(DomainXml.parse(DOMAIN), 'sda', null));
    expect(child(el, 'source')).toBeUndefined();
    expect(el.getAttribute('type')).toBe('file');
    expect(() => mediaChangeXml(DomainXml.parse(DOMAIN), 'vda', null)).toThrow(/not a CD-ROM/);
  });
});

describe('NIC device XML', () => {
  it('normalizes MAC addresses and refuses multicast, zero and malformed ones', () => {
    expect(normalizeMac('52-54-00-AB-cd-EF')).toBe('52:54:00:ab:cd:ef');
    expect(normalizeMac(' 52:54:00:00:00:01 ')).toBe('52:54:00:00:00:01');
    for (const bad of [
      '01:00:5e:00:00:01',
      '00:00:00:00:00:00',
      '52:54:00:00:00',
      '52:54:00:00:00:0g',
      '5254.0000.0001',
      '',
    ])
      expect(normalizeMac(bad)).toBeNull();
  });

  it('builds each source type with model, MAC and link state', () => {
    const read = (xml: string) =>
      nicDetails(DomainXml.parse(`<domain><devices>${xml}</devices></domain>`))[0];
    expect(
      read(nicDeviceXml({ source: { type: 'network', network: 'default' }, model: 'virtio' })),
    ).toMatchObject({
      type: 'network',
      source: 'default',
      model: 'virtio',
      mac: null,
      linkState: 'up',
    });
    expect(
      read(nicDeviceXml({ source: { type: 'bridge', bridge: 'br0' }, mac: '52:54:00:01:02:03' })),
    ).toMatchObject({
      type: 'bridge',
      source: 'br0',
      mac: '52:54:00:01:02:03',
    });
    expect(
      read(nicDeviceXml({ source: { type: 'direct', dev: 'enp1s0', mode: 'vepa' }, linkState: 'down' })),
    ).toMatchObject({ type: 'direct', source: 'enp1s0', directMode: 'vepa', linkState: 'down' });
    expect(read(nicDeviceXml({ source: { type: 'user' } }))).toMatchObject({ type: 'user', source: null });
    expect(() => nicDeviceXml({ source: { type: 'user' }, mac: 'ff:ff:ff:ff:ff:ff' })).toThrow(XmlError);
  });

  it('reads link state, macvtap mode and alias; sets the link keeping unknown elements', () => {
    const dom = DomainXml.parse(DOMAIN);
    expect(nicDetails(dom)).toMatchObject([
      { mac: '52:54:00:aa:bb:cc', linkState: 'up', alias: 'net0', directMode: null },
      { mac: '52:54:00:00:00:02', linkState: 'down', directMode: 'bridge' },
    ]);
    const el = parseXml(nicLinkStateXml(dom, '52:54:00:aa:bb:cc', 'down'));
    expect(child(el, 'link')?.getAttribute('state')).toBe('down');
    expect(serializeXml(el)).toContain('v:tag');
    const up = parseXml(nicLinkStateXml(dom, '52:54:00:00:00:02', 'up'));
    expect(up.getElementsByTagName('link').length).toBe(1);
    expect(child(up, 'link')?.getAttribute('state')).toBe('up');
    expect(() => nicLinkStateXml(dom, '52:54:00:99:99:99', 'up')).toThrow(XmlError);
  });
});

describe('domain capabilities enums', () => {
  const CAPS = `<domainCapabilities><devices>
    <disk supported='yes'><enum name='diskDevice'><value>disk</value><value>cdrom</value></enum>
      <enum name='bus'><value>ide</value><value>scsi</value><value>virtio</value><value>usb</value><value>sata</value></enum></disk>
    <hostdev supported='no'/>
  </devices></domainCapabilities>`;
  it('lists offered values; unsupported offers none; unknown says nothing', () => {
    expect(domainCapsEnum(CAPS, 'disk', 'bus')).toEqual(['ide', 'scsi', 'virtio', 'usb', 'sata']);
    expect(domainCapsEnum(CAPS, 'hostdev', 'mode')).toEqual([]);
    expect(domainCapsEnum(CAPS, 'disk', 'model')).toBeNull();
    expect(domainCapsEnum(CAPS, 'video', 'modelType')).toBeNull();
  });
});

describe('next-boot edits of the description', () => {
  const base = () => DomainXml.parse(DOMAIN);
  it('adds a disk after the last disk and a NIC after the last NIC, and removes them again', () => {
    const dom = base();
    addDiskTo(dom, {
      device: 'disk',
      source: { type: 'file', path: '/x.raw' },
      format: 'raw',
      bus: 'virtio',
      target: 'vdb',
    });
    addNicTo(dom, { source: { type: 'bridge', bridge: 'br0' }, mac: '52:54:00:00:00:09', model: 'e1000e' });
    const names = elements(child(dom.root, 'devices')).map((e) => `${e.nodeName}:${e.getAttribute('type')}`);
    expect(names).toEqual([
      'disk:file',
      'disk:file',
      'disk:file',
      'interface:network',
      'interface:direct',
      'interface:bridge',
    ]);
    expect(dom.disks.map((d) => d.target)).toEqual(['vda', 'sda', 'vdb']);
    expect(nicDetails(dom)[2]).toMatchObject({
      mac: '52:54:00:00:00:09',
      type: 'bridge',
      source: 'br0',
      model: 'e1000e',
    });
    removeDiskFrom(dom, 'vdb');
    removeNicFrom(dom, '52:54:00:00:00:09');
    expect(dom.toString()).toBe(
      base()
        .toString()
        .replace(/\n\s*\n/g, '\n'),
    );
  });

  it('disk options: only the given ones change; default and null drop the attribute or element', () => {
    const dom = setDiskOptions(base(), 'vda', {
      cache: 'default',
      io: 'threads',
      readonly: true,
      serial: null,
    });
    expect(diskDetails(dom)[0]).toMatchObject({
      cache: null,
      io: 'threads',
      discard: 'unmap',
      readonly: true,
      serial: null,
      format: 'qcow2',
    });
    expect(dom.toString()).toContain('<v:unknown/>');
    const cd = setDiskOptions(base(), 'sda', { shareable: true, serial: 'NEW' });
    expect(diskDetails(cd)[1]).toMatchObject({ shareable: true, serial: 'NEW', readonly: true });
  });

  it('a disk without <driver> gets one, first', () => {
    const dom = DomainXml.parse(
      "<domain><devices><disk type='file' device='disk'><source file='/a'/><target dev='vda' bus='virtio'/></disk></devices></domain>",
    );
    setDiskOptions(dom, 'vda', { cache: 'none' });
    expect(elements(child(dom.root, 'devices/disk')).map((e) => e.nodeName)).toEqual([
      'driver',
      'source',
      'target',
    ]);
  });

  it('NIC options: source and model change, MAC and unknown elements stay', () => {
    const dom = setNicOptions(base(), '52:54:00:aa:bb:cc', {
      source: { type: 'direct', dev: 'eth1', mode: 'vepa' },
      model: 'e1000e',
    });
    expect(nicDetails(dom)[0]).toMatchObject({
      mac: '52:54:00:aa:bb:cc',
      type: 'direct',
      source: 'eth1',
      directMode: 'vepa',
      model: 'e1000e',
    });
    expect(dom.toString()).toContain('<v:tag/>');
    const user = setNicOptions(base(), '52:54:00:aa:bb:cc', { source: { type: 'user' } });
    expect(nicDetails(user)[0]).toMatchObject({ type: 'user', source: null });
    expect(() => setNicLinkState(base(), '52:54:00:12:12:12', 'down')).toThrow(XmlError);
  });
});
