/**
 * Channels, serial ports/consoles, controllers, shared folders (virtiofs) and host devices through the
 * contract (`hardware.apply`, `hardware.hostDevices`), on the QEMU session daemon: each change read back
 * through a second connection (live and config XML); the guest agent channel hot-added to the running
 * tiny guest shows up in the guest's /sys/class/virtio-ports; refusals land on the change's fields and
 * leave the VM as it was.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  HardwareApplyOutput,
  HardwareChange,
  HardwareGetOutput,
} from '../../shared/contract/hardware.js';
import type { HostDevice } from '../../shared/contract/hardware-hostdevs.js';
import { DomainXMLFlags, openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import {
  DomainXml,
  readChannels,
  readControllers,
  readFilesystems,
  readHostdevs,
  readMemory,
  readSerials,
} from '../../electron/libvirt-xml/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';

const AGENT = 'org.qemu.guest_agent.0';

describe('hardware.apply for channels, serial ports, controllers, shares and host devices', () => {
  const env = testEnv();
  // Short: libvirt puts the agent's socket under the daemon's folder and the name, within 107 characters.
  const name = uniqueGuestName('hp');
  const offName = uniqueGuestName('hwpoff');
  let fx: CoreFixture;
  let other: LibvirtClient; // a second connection: what libvirt has, not what the core says
  let uuid = '';
  let offUuid = '';

  const get = (u = uuid) =>
    fx.call<HardwareGetOutput>('hardware.get', { connectionId: fx.connectionId, uuid: u });
  const apply = async (change: HardwareChange, u = uuid) => {
    const r = await fx.call<HardwareApplyOutput>('hardware.apply', {
      connectionId: fx.connectionId,
      uuid: u,
      change,
    });
    return r;
  };
  const xmls = async (u = uuid) => {
    const dom = await other.domainLookupByUUID(u);
    return {
      live: dom.id >= 0 ? DomainXml.parse(await other.domainGetXMLDesc(dom, 0)) : null,
      config: DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)),
    };
  };
  const snapshot = async (u = uuid) => {
    const x = await xmls(u);
    return [x.live?.toString(), x.config.toString()];
  };
  const refused = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('not refused');
      },
      (e: { remote?: { code?: string; message: string; issues?: { path: (string | number)[] }[] } }) => {
        if (!e.remote) throw e;
        return e.remote;
      },
    );
  /** The guest's virtio port names (from sysfs), as its shell lists them. */
  const guestPorts = async (): Promise<string> => {
    const dom = await other.domainLookupByUUID(uuid);
    const m = await guestShell(
      other,
      dom,
      'echo PORTS=$(cat /sys/class/virtio-ports/*/name 2>/dev/null | tr "\\n" ,)END',
      /PORTS=([^\s]*)END/,
    );
    return m[1]!;
  };

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    other = await openConnection(env.qemuUri);
    // A virtio-serial controller from the start: QEMU cannot hot-plug one, channels plug into it.
    const { dom } = await bootTinyGuest(fx.client, name, {
      edit: (x) => x.replace('<devices>', "<devices>\n    <controller type='virtio-serial' index='0'/>"),
    });
    uuid = dom.uuid;
    const off = await other.domainDefineXML(
      tinyGuestXml({
        name: offName,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        memoryMiB: 128,
      }),
    );
    offUuid = off.uuid;
  }, 180_000);

  afterAll(async () => {
    await removeGuest([other], name);
    await removeGuest([other], offName);
    await other?.close().catch(() => undefined);
    await fx?.stop();
  });

  it('hot-adds the guest agent channel: live and config, and the guest sees its port', async () => {
    expect(await guestPorts()).not.toContain(AGENT);
    const r = await apply({ kind: 'channel.add', preset: 'guest-agent' });
    expect(r).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    const { live, config } = await xmls();
    for (const x of [live!, config])
      expect(readChannels(x)).toContainEqual(expect.objectContaining({ type: 'unix', name: AGENT }));
    expect((await get()).config.channel.map((c) => c.name)).toEqual([AGENT]);
    expect(await guestPorts()).toContain(AGENT);

    const dup = await refused(apply({ kind: 'channel.add', preset: 'guest-agent' }));
    expect(dup.issues?.[0]?.path).toEqual(['change', 'preset']);
  }, 90_000);

  it('the SPICE agent: refused on a VM without a SPICE display, added to one that has it', async () => {
    // Debian's QEMU has SPICE; the domain capabilities say so.
    expect((await get(offUuid)).limits.graphicsTypes).toContain('spice');
    const before = await snapshot(offUuid);
    const e = await refused(apply({ kind: 'channel.add', preset: 'spice-agent' }, offUuid));
    expect(e.message).toContain('this VM has none');
    expect(e.issues?.[0]?.path).toEqual(['change', 'preset']);
    expect(await snapshot(offUuid)).toEqual(before);

    const dom = await other.domainLookupByUUID(offUuid);
    const withSpice = (await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE)).replace(
      '</devices>',
      "<graphics type='spice' autoport='yes'><listen type='address' address='127.0.0.1'/></graphics></devices>",
    );
    await other.domainDefineXML(withSpice);
    expect(await apply({ kind: 'channel.add', preset: 'spice-agent' }, offUuid)).toMatchObject({
      live: 'not-running',
      config: 'applied',
    });
    const { config } = await xmls(offUuid);
    expect(readChannels(config)).toContainEqual(
      expect.objectContaining({ type: 'spicevmc', targetType: 'virtio', name: 'com.redhat.spice.0' }),
    );
    expect(await apply({ kind: 'channel.remove', name: 'com.redhat.spice.0' }, offUuid)).toMatchObject({
      config: 'applied',
    });
    expect(readChannels((await xmls(offUuid)).config)).toEqual([]);
  });

  it('refuses to remove the virtio-serial controller the channel sits on, VM unchanged', async () => {
    const before = await snapshot();
    const e = await refused(apply({ kind: 'controller.remove', type: 'virtio-serial', index: 0 }));
    expect(e.message).toContain(`channel ${AGENT}`);
    expect(e.issues?.[0]?.path).toEqual(['change', 'index']);
    expect(await snapshot()).toEqual(before);
  });

  it('removes the channel live and from the config', async () => {
    expect(await apply({ kind: 'channel.remove', name: AGENT })).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    const { live, config } = await xmls();
    for (const x of [live!, config]) expect(readChannels(x).map((c) => c.name)).not.toContain(AGENT);
    expect(await guestPorts()).not.toContain(AGENT);
  }, 90_000);

  it('a virtio console plugs in live; an ISA serial port waits for next boot and is pending', async () => {
    expect(await apply({ kind: 'serial.add', device: 'console' })).toMatchObject({
      live: 'applied',
      config: 'applied',
      timing: 'both',
    });
    let x = await xmls();
    for (const d of [x.live!, x.config])
      expect(readSerials(d).filter((s) => s.device === 'console' && s.targetType === 'virtio')).toHaveLength(
        1,
      );

    expect(await apply({ kind: 'serial.add', device: 'serial' })).toMatchObject({
      live: 'unchanged',
      config: 'applied',
      timing: 'next-boot',
    });
    x = await xmls();
    expect(
      readSerials(x.config)
        .filter((s) => s.device === 'serial')
        .map((s) => s.port),
    ).toEqual([0, 1]);
    expect(
      readSerials(x.live!)
        .filter((s) => s.device === 'serial')
        .map((s) => s.port),
    ).toEqual([0]);
    expect((await get()).pending).toContainEqual(
      expect.objectContaining({ kind: 'serial', field: 'hwpAdded', next: 'serial port 1 (pty)' }),
    );

    expect(await apply({ kind: 'serial.remove', device: 'serial', port: 1 })).toMatchObject({
      config: 'applied',
    });
    const port = readSerials(x.config).find((s) => s.device === 'console' && s.targetType === 'virtio')!.port;
    expect(await apply({ kind: 'serial.remove', device: 'console', port })).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    x = await xmls();
    for (const d of [x.live!, x.config]) {
      expect(readSerials(d).filter((s) => s.targetType === 'virtio')).toEqual([]);
      expect(
        readSerials(d)
          .filter((s) => s.device === 'serial')
          .map((s) => s.port),
      ).toEqual([0]);
    }
  }, 90_000);

  it('controllers: a SCSI controller hot-plugged; USB model and removal at next boot', async () => {
    const r = await apply({ kind: 'controller.add', type: 'scsi' });
    expect(r).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    let x = await xmls();
    for (const d of [x.live!, x.config])
      expect(readControllers(d)).toContainEqual(
        expect.objectContaining({ type: 'scsi', model: 'virtio-scsi' }),
      );
    const scsi = readControllers(x.config).find((c) => c.type === 'scsi')!;

    const usb = readControllers(x.config).find((c) => c.type === 'usb')!;
    expect(
      await apply({ kind: 'controller.model', type: 'usb', index: usb.index, model: 'qemu-xhci' }),
    ).toMatchObject({ live: 'unchanged', config: 'applied', timing: 'next-boot' });
    x = await xmls();
    expect(readControllers(x.config).find((c) => c.type === 'usb')?.model).toBe('qemu-xhci');
    expect(readControllers(x.live!).find((c) => c.type === 'usb')?.model).not.toBe('qemu-xhci');

    expect(await apply({ kind: 'controller.remove', type: 'scsi', index: scsi.index })).toMatchObject({
      config: 'applied',
    });
    expect(await apply({ kind: 'controller.remove', type: 'usb', index: usb.index })).toMatchObject({
      config: 'applied',
    });
    x = await xmls();
    expect(readControllers(x.config).filter((c) => c.type === 'scsi')).toEqual([]);
    // The last USB controller: model none (libvirt would add a default one back otherwise).
    expect(readControllers(x.config).filter((c) => c.type === 'usb')).toEqual([
      expect.objectContaining({ model: 'none' }),
    ]);
    expect((await get()).pending.some((p) => p.kind === 'controller')).toBe(true);
  }, 60_000);

  it('a virtiofs share needs shared memory: refused without it; with it, libvirt’s session-mode refusal leaves the VM as it was', async () => {
    const dir = fs.mkdtempSync(`${env.scratchDir}/share-`);
    const before = await snapshot(offUuid);
    const add: HardwareChange = { kind: 'filesystem.add', source: dir, tag: 'hostshare' };
    const e = await refused(apply(add, offUuid));
    expect(e.issues?.[0]?.path).toEqual(['change', 'sharedMemory']);
    expect(e.message).toContain('virtiofsd');
    expect(await snapshot(offUuid)).toEqual(before);

    // The edit itself: shared memory (memfd, shared access) and the share, in one change.
    const preview = await fx.call<HardwareApplyOutput>('hardware.apply', {
      connectionId: fx.connectionId,
      uuid: offUuid,
      change: { ...add, sharedMemory: true },
      preview: true,
    });
    const after = DomainXml.parse(preview.after!);
    expect(readMemory(after)).toMatchObject({ sharedAccess: true, source: 'memfd' });
    expect(readFilesystems(after)).toEqual([
      expect.objectContaining({ driver: 'virtiofs', source: dir, tag: 'hostshare' }),
    ]);

    // libvirt 9.0 runs virtiofsd only for the system daemon (it must run as root): the session daemon
    // refuses the definition, in its own words, and nothing changes.
    const r = await apply({ ...add, sharedMemory: true }, offUuid);
    expect(r).toMatchObject({ live: 'unchanged', config: 'failed', timing: 'next-boot' });
    expect(r.detail).toContain('virtiofs');
    expect(await snapshot(offUuid)).toEqual(before);
  }, 60_000);

  it('lists the host’s PCI devices (and USB ones, when it has any) with names, drivers and status', async () => {
    const { devices } = await fx.call<{ devices: HostDevice[] }>('hardware.hostDevices', {
      connectionId: fx.connectionId,
    });
    const sysPci = fs.existsSync('/sys/bus/pci/devices') ? fs.readdirSync('/sys/bus/pci/devices').sort() : [];
    expect(
      devices
        .filter((d) => d.bus === 'pci')
        .map((d) => d.address)
        .sort(),
    ).toEqual(sysPci);
    for (const d of devices.filter((x) => x.bus === 'pci')) {
      const driverLink = `/sys/bus/pci/devices/${d.address}/driver`;
      const driver = fs.existsSync(driverLink) ? fs.readlinkSync(driverLink).split('/').pop() : null;
      expect(d.driver).toBe(driver);
      expect(d.ids).toMatch(/^[0-9a-f]{4}:[0-9a-f]{4}$/);
      const cls = Number(fs.readFileSync(`/sys/bus/pci/devices/${d.address}/class`, 'utf8'));
      if (cls >> 16 === 0x06) expect(d.status).toBe('bridge');
      else if (driver && driver !== 'vfio-pci' && d.iommuGroup !== null) expect(d.status).toBe('host-driver');
    }
    const usbCount = fs.existsSync('/sys/bus/usb/devices')
      ? fs.readdirSync('/sys/bus/usb/devices').filter((n) => !n.includes(':')).length
      : 0;
    expect(devices.filter((d) => d.bus === 'usb')).toHaveLength(usbCount);
  });

  it('defines host devices from the list on a VM that is off, read back (not started)', async () => {
    const { devices } = await fx.call<{ devices: HostDevice[] }>('hardware.hostDevices', {
      connectionId: fx.connectionId,
    });
    // This host may have no USB bus at all; then a USB device is named by ids alone (libvirt only looks
    // for it when the VM starts).
    const usb = devices.find((d) => d.bus === 'usb' && d.status !== 'root-hub')?.source ?? {
      type: 'usb' as const,
      vendor: 0x0781,
      product: 0x5567,
    };
    const pciDev = devices.find((d) => d.bus === 'pci' && d.status !== 'bridge');
    const pci = pciDev?.source;
    expect(await apply({ kind: 'hostdev.add', source: usb }, offUuid)).toMatchObject({
      live: 'not-running',
      config: 'applied',
    });
    if (pci)
      expect(await apply({ kind: 'hostdev.add', source: pci }, offUuid)).toMatchObject({ config: 'applied' });
    const hostdevs = readHostdevs((await xmls(offUuid)).config);
    expect(hostdevs[0]).toMatchObject({ type: 'usb', managed: true, source: expect.objectContaining(usb) });
    if (pci) expect(hostdevs[1]).toMatchObject({ type: 'pci', managed: true, source: pci });
    const hw = await get(offUuid);
    expect(hw.config.hostdev.map((h) => h.type)).toEqual(pci ? ['usb', 'pci'] : ['usb']);

    // The chooser says which VM has a device already.
    const again = await fx.call<{ devices: HostDevice[] }>('hardware.hostDevices', {
      connectionId: fx.connectionId,
    });
    if (pciDev) expect(again.devices.find((d) => d.name === pciDev.name)?.usedBy).toEqual([offName]);
    expect(again.devices.filter((d) => d.usedBy.length > 0)).toHaveLength(pci ? 1 : 0);

    const dup = await refused(apply({ kind: 'hostdev.add', source: usb }, offUuid));
    expect(dup.issues?.[0]?.path).toEqual(['change', 'source']);
    for (const h of hw.config.hostdev)
      expect(await apply({ kind: 'hostdev.remove', key: h.key }, offUuid)).toMatchObject({
        config: 'applied',
      });
    expect(readHostdevs((await xmls(offUuid)).config)).toEqual([]);
  }, 60_000);
});
