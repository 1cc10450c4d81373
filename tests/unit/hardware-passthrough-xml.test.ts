/**
 * XML of the channel, serial/console, controller, shared folder and host device editors (pure): what they
 * read, the device XML they build, edits that change only what they name (unknown elements stay), and
 * libvirt's node device descriptions with the passthrough chooser's status.
 */
import { describe, expect, it } from 'vitest';
import { hostDeviceOf, isDevice } from '../../electron/hardware/devices/host-devices.js';
import {
  addChannelTo,
  addControllerTo,
  addFilesystemTo,
  addHostdevTo,
  addSerialTo,
  channelDeviceXml,
  controllerUsers,
  DomainXml,
  findChannel,
  freeControllerIndex,
  freeSerialPort,
  hostdevDeviceXml,
  hostdevKey,
  NodeDeviceXml,
  readChannels,
  readControllers,
  readFilesystems,
  readHostdevs,
  readMemory,
  readSerials,
  removeChannelFrom,
  removeControllerFrom,
  removeHostdevFrom,
  removeSerialFrom,
  setControllerModel,
  setSharedAccess,
  virtiofsDeviceXml,
} from '../../electron/libvirt-xml/index.js';
import { controllerEditor } from '../../electron/hardware/kinds/controllers.js';
import { filesystemEditor } from '../../electron/hardware/kinds/filesystems.js';
import type { HostLimits } from '../../shared/contract/hardware.js';

const domain = (devices: string) =>
  DomainXml.parse(`<domain type='kvm'>
  <name>t</name>
  <memory unit='KiB'>131072</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
${devices}
    <vendor:thing xmlns:vendor='http://example.com/v' keep='yes'/>
  </devices>
</domain>`);

const STD = `    <controller type='usb' index='0' model='piix3-uhci'><address type='pci' slot='0x01' function='0x2'/></controller>
    <controller type='virtio-serial' index='0'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <channel type='unix'><source mode='bind' path='/run/x.sock'/><target type='virtio' name='org.qemu.guest_agent.0' state='connected'/><address type='virtio-serial' controller='0' bus='0' port='1'/></channel>
    <input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>`;

const limits = (o: Partial<HostLimits> = {}): HostLimits => ({
  maxVcpus: 8,
  hostCpus: 2,
  hostMemoryKiB: 1 << 22,
  cpu: { hostPassthrough: true, hostModel: true, custom: true, models: [] },
  firmware: { choices: [], loaders: [], secureBoot: false },
  memoryBackingSources: ['file', 'anonymous', 'memfd'],
  diskBuses: [],
  diskDevices: [],
  nicModels: [],
  videoModels: [],
  graphicsTypes: ['vnc'],
  hostdevTypes: ['usb', 'pci'],
  tpmModels: [],
  tpmBackends: [],
  tpmVersions: [],
  rngModels: [],
  rngBackends: [],
  deviceSupport: {},
  ...o,
});

describe('channels', () => {
  it('reads them; builds the guest agent and SPICE agent channels without a source (libvirt picks it)', () => {
    expect(readChannels(domain(STD))).toEqual([
      {
        type: 'unix',
        targetType: 'virtio',
        name: 'org.qemu.guest_agent.0',
        state: 'connected',
        path: '/run/x.sock',
        alias: null,
      },
    ]);
    expect(channelDeviceXml('guest-agent')).toBe(
      '<channel type="unix"><target type="virtio" name="org.qemu.guest_agent.0"/></channel>',
    );
    expect(channelDeviceXml('spice-agent')).toBe(
      '<channel type="spicevmc"><target type="virtio" name="com.redhat.spice.0"/></channel>',
    );
  });

  it('adds after the last channel and removes by port name; everything else stays', () => {
    const d = domain(STD);
    const before = d.toString();
    addChannelTo(d, 'spice-agent');
    expect(readChannels(d).map((c) => c.name)).toEqual(['org.qemu.guest_agent.0', 'com.redhat.spice.0']);
    removeChannelFrom(d, 'com.redhat.spice.0');
    expect(d.toString()).toBe(before);
    removeChannelFrom(d, 'org.qemu.guest_agent.0');
    expect(findChannel(d, 'org.qemu.guest_agent.0')).toBeUndefined();
    expect(d.toString()).toContain(
      "<vendor:thing xmlns:vendor='http://example.com/v' keep='yes'/>".replace(/'/g, '"'),
    );
  });
});

describe('serial ports and consoles', () => {
  it('reads the serial port and the console mirroring it', () => {
    expect(readSerials(domain(STD))).toEqual([
      expect.objectContaining({ device: 'serial', port: 0, type: 'pty', mirrorsSerial: false }),
      expect.objectContaining({ device: 'console', port: 0, targetType: 'serial', mirrorsSerial: true }),
    ]);
  });

  it('adds on the next free port; removing serial 0 takes its mirror console along', () => {
    const d = domain(STD);
    expect(freeSerialPort(d, 'serial')).toBe(1);
    addSerialTo(d, 'serial', 1);
    addSerialTo(d, 'console', freeSerialPort(d, 'console'));
    expect(readSerials(d).map((s) => `${s.device}${s.port}:${s.targetType ?? ''}`)).toEqual([
      'serial0:',
      'serial1:',
      'console0:serial',
      'console1:virtio',
    ]);
    removeSerialFrom(d, 'serial', 0);
    expect(readSerials(d).map((s) => `${s.device}${s.port}`)).toEqual(['serial1', 'console1']);
  });
});

describe('controllers', () => {
  it('lists them with their index; the next free index per type', () => {
    const d = domain(STD);
    expect(readControllers(d)).toEqual([
      { type: 'usb', index: 0, model: 'piix3-uhci', alias: null },
      { type: 'virtio-serial', index: 0, model: null, alias: null },
    ]);
    expect(freeControllerIndex(d, 'scsi')).toBe(0);
    expect(freeControllerIndex(d, 'usb')).toBe(1);
    addControllerTo(d, { type: 'scsi', index: 0, model: 'virtio-scsi' });
    expect(d.toString()).toContain('<controller type="scsi" index="0" model="virtio-scsi"/>');
  });

  it('knows which devices sit on a controller (by address, or the first one without)', () => {
    const d = domain(STD);
    expect(controllerUsers(d, 'virtio-serial', 0)).toEqual(['channel org.qemu.guest_agent.0']);
    expect(controllerUsers(d, 'usb', 0)).toEqual(['input']);
    expect(controllerUsers(d, 'scsi', 0)).toEqual([]);
    const issues = controllerEditor.check(
      { kind: 'controller.remove', type: 'virtio-serial', index: 0 },
      { config: d, limits: limits(), running: false },
    );
    expect(issues[0]).toMatchObject({ path: ['index'] });
    expect(issues[0]!.message).toContain('channel org.qemu.guest_agent.0');
  });

  it('a new model keeps the address; the last USB controller becomes model none', () => {
    const d = domain(STD);
    setControllerModel(d, 'usb', 0, 'qemu-xhci');
    expect(d.toString()).toContain(
      '<controller type="usb" index="0" model="qemu-xhci"><address type="pci" slot="0x01" function="0x2"/></controller>',
    );
    removeControllerFrom(d, 'usb', 0);
    expect(readControllers(d)[0]).toEqual({ type: 'usb', index: 0, model: 'none', alias: null });
    removeControllerFrom(d, 'virtio-serial', 0);
    expect(readControllers(d).map((c) => c.type)).toEqual(['usb']);
  });

  it('a SCSI controller leaving virtio loses the virtio-only driver settings, and keeps the rest', () => {
    const xml = (driver: string) =>
      `<controller type='scsi' index='0' model='virtio-scsi'>${driver}<address type='pci' slot='0x05'/></controller>`;
    // libvirt refuses queues on an LSI controller: "'queues' is only supported by virtio-scsi controller".
    const d = domain(
      xml("<driver queues='2' iothread='1'><iothreads><iothread id='1'/></iothreads></driver>"),
    );
    setControllerModel(d, 'scsi', 0, 'lsilogic');
    expect(d.toString()).toContain(
      '<controller type="scsi" index="0" model="lsilogic"><address type="pci" slot="0x05"/></controller>',
    );
    const kept = domain(xml("<driver queues='4' x-future='1'/>"));
    setControllerModel(kept, 'scsi', 0, 'lsilogic');
    expect(kept.toString()).toContain('<driver x-future="1"/>');
    const virtio = domain(xml("<driver queues='4'/>"));
    setControllerModel(virtio, 'scsi', 0, 'virtio-non-transitional');
    expect(virtio.toString()).toContain('<driver queues="4"/>');
  });
});

describe('shared folders (virtiofs)', () => {
  it('builds the virtiofs share and reads it back', () => {
    expect(virtiofsDeviceXml({ source: '/srv/a b', tag: 'share' })).toBe(
      '<filesystem type="mount" accessmode="passthrough"><driver type="virtiofs"/><source dir="/srv/a b"/><target dir="share"/></filesystem>',
    );
    const d = domain(STD);
    addFilesystemTo(d, { source: '/srv/x', tag: 'x' });
    expect(readFilesystems(d)).toEqual([
      { type: 'mount', driver: 'virtiofs', source: '/srv/x', tag: 'x', readonly: false, alias: null },
    ]);
  });

  it('needs shared memory: refused without; with it, memfd + shared access in the same edit', () => {
    const d = domain(STD);
    const add = { kind: 'filesystem.add' as const, source: '/srv/x', tag: 'x' };
    expect(filesystemEditor.check(add, { config: d, limits: limits(), running: false })).toEqual([
      expect.objectContaining({ path: ['sharedMemory'] }),
    ]);
    expect(
      filesystemEditor.check({ ...add, sharedMemory: true }, { config: d, limits: limits(), running: false }),
    ).toEqual([]);
    expect(
      filesystemEditor.check(
        { ...add, sharedMemory: true },
        { config: d, limits: limits({ memoryBackingSources: ['file'] }), running: false },
      )[0]?.message,
    ).toContain('memfd');
    filesystemEditor.editConfig(d, { ...add, sharedMemory: true });
    expect(readMemory(d)).toMatchObject({ sharedAccess: true, source: 'memfd' });
    expect(d.toString()).toContain(
      '<memoryBacking><access mode="shared"/><source type="memfd"/></memoryBacking>',
    );
    expect(filesystemEditor.read(d)).toMatchObject({ sharedMemory: true, shares: [{ tag: 'x' }] });
    // Shared already: no refusal, nothing more to turn on.
    const again = DomainXml.parse(d.toString());
    setSharedAccess(again, true);
    expect(again.toString()).toBe(d.toString());
  });
});

describe('host devices', () => {
  it('builds USB (ids, optionally where) and PCI (address) hostdevs, managed, and reads them back', () => {
    expect(hostdevDeviceXml({ type: 'usb', vendor: 0x0781, product: 0x5567 })).toBe(
      '<hostdev mode="subsystem" type="usb" managed="yes"><source><vendor id="0x0781"/><product id="0x5567"/></source></hostdev>',
    );
    expect(hostdevDeviceXml({ type: 'pci', domain: 0, bus: 3, slot: 0x1f, function: 2 })).toBe(
      '<hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0x0000" bus="0x03" slot="0x1f" function="0x2"/></source></hostdev>',
    );
    const d = domain(STD);
    addHostdevTo(d, { type: 'usb', vendor: 0x0781, product: 0x5567, bus: 1, device: 4 });
    addHostdevTo(d, { type: 'pci', domain: 0, bus: 3, slot: 0, function: 0 });
    expect(readHostdevs(d).map((h) => h.key)).toEqual(['usb:0781:5567@1.4', 'pci:0000:03:00.0']);
    expect(hostdevKey({ type: 'usb', vendor: 1, product: 2 })).toBe('usb:0001:0002');
    removeHostdevFrom(d, 'usb:0781:5567@1.4');
    expect(readHostdevs(d)).toEqual([
      expect.objectContaining({
        type: 'pci',
        managed: true,
        source: { type: 'pci', domain: 0, bus: 3, slot: 0, function: 0 },
      }),
    ]);
  });
});

const PCI_GPU = `<device>
  <name>pci_0000_00_02_0</name>
  <path>/sys/devices/pci0000:00/0000:00:02.0</path>
  <parent>computer</parent>
  <driver><name>i915</name></driver>
  <capability type='pci'>
    <class>0x030000</class>
    <domain>0</domain><bus>0</bus><slot>2</slot><function>0</function>
    <product id='0x5917'>UHD Graphics 620</product>
    <vendor id='0x8086'>Intel Corporation</vendor>
    <iommuGroup number='1'><address domain='0x0000' bus='0x00' slot='0x02' function='0x0'/></iommuGroup>
  </capability>
</device>`;

describe('node devices', () => {
  it('reads a PCI device: names, address, driver, IOMMU group; bound to a host driver → warned', () => {
    const info = NodeDeviceXml.parse(PCI_GPU).info();
    expect(info).toMatchObject({
      name: 'pci_0000_00_02_0',
      driver: 'i915',
      pci: {
        vendorId: 0x8086,
        vendorName: 'Intel Corporation',
        productId: 0x5917,
        productName: 'UHD Graphics 620',
        domain: 0,
        bus: 0,
        slot: 2,
        function: 0,
        classCode: 0x030000,
        iommuGroup: 1,
        iommuGroupAddresses: ['0000:00:02.0'],
      },
      usb: null,
    });
    expect(hostDeviceOf(info)).toMatchObject({
      bus: 'pci',
      ids: '8086:5917',
      address: '0000:00:02.0',
      status: 'host-driver',
      source: { type: 'pci', domain: 0, bus: 0, slot: 2, function: 0 },
    });
  });

  it('vfio-pci is ready; bridges and devices without an IOMMU group are refused', () => {
    const vfio = NodeDeviceXml.parse(PCI_GPU.replace('i915', 'vfio-pci')).info();
    expect(hostDeviceOf(vfio)?.status).toBe('vfio');
    const bridge = NodeDeviceXml.parse(PCI_GPU.replace('0x030000', '0x060000')).info();
    expect(hostDeviceOf(bridge)?.status).toBe('bridge');
    const noGroup = NodeDeviceXml.parse(PCI_GPU.replace(/<iommuGroup[\s\S]*<\/iommuGroup>/, '')).info();
    expect(hostDeviceOf(noGroup)?.status).toBe('no-iommu');
  });

  it('reads a USB device; the generic usb driver is free, a root hub is refused', () => {
    const usb = `<device><name>usb_1_4</name><parent>usb_usb1</parent><driver><name>usb</name></driver>
      <capability type='usb_device'><bus>1</bus><device>4</device>
      <product id='0x5567'>Cruzer Blade</product><vendor id='0x0781'>SanDisk Corp.</vendor></capability></device>`;
    const info = NodeDeviceXml.parse(usb).info();
    expect(hostDeviceOf(info)).toMatchObject({
      bus: 'usb',
      vendorName: 'SanDisk Corp.',
      productName: 'Cruzer Blade',
      ids: '0781:5567',
      address: '1.4',
      status: 'free',
      source: { type: 'usb', vendor: 0x0781, product: 0x5567, bus: 1, device: 4 },
    });
    // A VM's USB hostdev named by ids is this device; one pinned elsewhere is not.
    const byIds = readHostdevs(
      addHostdevTo(domain(''), { type: 'usb', vendor: 0x0781, product: 0x5567 }),
    )[0]!;
    const pinned = readHostdevs(
      addHostdevTo(domain(''), { type: 'usb', vendor: 0x0781, product: 0x5567, bus: 2, device: 9 }),
    )[0]!;
    expect(isDevice(byIds, hostDeviceOf(info)!)).toBe(true);
    expect(isDevice(pinned, hostDeviceOf(info)!)).toBe(false);
    const hub = NodeDeviceXml.parse(usb.replace('0x0781', '0x1d6b')).info();
    expect(hostDeviceOf(hub)?.status).toBe('root-hub');
  });
});
