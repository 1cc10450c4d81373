/**
 * One edit of each Hardware editor kind (cpu, memory, boot, disk, nic, the display and small devices, the
 * character devices, controllers, shared folders and host devices) for any domain XML, made through the
 * kinds' own editConfig (electron/hardware/kinds), with what it is allowed to touch and how to read the
 * edited field back. Where the domain has such a device one field of it changes; where it has none (or
 * the kind only adds and removes) a device is added. The round-trip tests check the field changed and
 * nothing else did.
 */
import { editorFor } from '../../electron/hardware/kinds/index.js';
import { child, children, elements, type XmlElement } from '../../electron/libvirt-xml/dom.js';
import {
  diskDetails,
  DomainXml,
  findChannel,
  findController,
  findDiskElement,
  findFilesystem,
  findHostdev,
  findInputElement,
  findNicElement,
  findSerial,
  freeControllerIndex,
  freeSerialPort,
  freeTarget,
  graphicsDetails,
  GUEST_AGENT_PORT,
  hostdevKey,
  inputDetails,
  nicDetails,
  readBoot,
  readChannels,
  readControllers,
  readCpu,
  readFilesystems,
  readHostdevs,
  readMemory,
  readSerials,
  rngDetails,
  soundDetails,
  tpmDetails,
  videoDetails,
  watchdogDetails,
} from '../../electron/libvirt-xml/index.js';
import type { HardwareChange } from '../../shared/contract/hardware.js';
import { canonical, type CanonicalNode } from './xml-canonical.js';

export const EDIT_KINDS = [
  'cpu',
  'memory',
  'boot',
  'disk',
  'nic',
  'graphics',
  'video',
  'sound',
  'input',
  'tpm',
  'rng',
  'watchdog',
  'channel',
  'serial',
  'controller',
  'filesystem',
  'hostdev',
] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

/** One attribute of an element (an edit that sets a device's model touches that, not the device). */
export interface TouchedAttr {
  of: XmlElement;
  name: string;
}
type XmlNode = NonNullable<XmlElement['firstChild']>;
/** What an edit may touch: an element or another node (whitespace an edit empties), or one attribute. */
export type Touched = XmlNode | TouchedAttr;

export interface RoundTripEdit {
  kind: EditKind;
  change: HardwareChange;
  /** What this change may touch (in either document): left out when the rest is compared. */
  touched(xml: DomainXml): Touched[];
  /** The edited field, as a document has it. */
  read(xml: DomainXml): unknown;
  /** What `read` gives after the edit. */
  expected: unknown;
}

const MiB = 1024;
const some = (...els: (XmlElement | undefined)[]): XmlElement[] => els.filter((e) => e !== undefined);
/** Attributes `names` of `el` (none when there is no element). */
const attrsOf = (el: XmlElement | undefined, ...names: string[]): TouchedAttr[] =>
  el ? names.map((name) => ({ of: el, name })) : [];
/** The n-th `<name>` of the devices (undefined in a document that has fewer). */
const nthDevice = (x: DomainXml, name: string, n: number): XmlElement | undefined =>
  children(x.root, `devices/${name}`)[n];
const countOf = (x: DomainXml, name: string): number => children(x.root, `devices/${name}`).length;

/**
 * An added device, with `<devices>` when it is the only one there: an add to a domain without devices
 * makes the element (and an empty `<devices/>` before the edit means nothing either).
 */
const added = (el: XmlElement | undefined, x: DomainXml): XmlElement[] => {
  const devices = child(x.root, 'devices');
  if (devices && elements(devices).every((e) => e === el)) return [devices];
  return some(el);
};

const bootOrder = (xml: DomainXml): string[] =>
  readBoot(xml)
    .devices.filter((d) => d.order !== null)
    .sort((a, b) => a.order! - b.order!)
    .map((d) => d.id);

const cpuEdit = (now: DomainXml): RoundTripEdit => {
  const cpu = readCpu(now);
  // One more vCPU at most; when a topology pins the count, it follows (all in cores).
  const maxVcpus = cpu.maxVcpus + 1;
  const change: HardwareChange = {
    kind: 'cpu',
    maxVcpus,
    ...(cpu.topology ? { topology: { sockets: 1, dies: 1, cores: maxVcpus, threads: 1 } } : {}),
  };
  return {
    kind: 'cpu',
    change,
    touched: (x) =>
      some(
        child(x.root, 'vcpu'),
        child(x.root, 'vcpus'),
        ...(cpu.topology ? [child(x.root, 'cpu/topology')] : []),
      ),
    read: (x) => {
      const r = readCpu(x);
      return { vcpus: r.vcpus, maxVcpus: r.maxVcpus, cores: r.topology?.cores ?? null };
    },
    expected: { vcpus: cpu.vcpus, maxVcpus, cores: cpu.topology ? maxVcpus : null },
  };
};

const memoryEdit = (now: DomainXml): RoundTripEdit => {
  const m = readMemory(now);
  // With guest NUMA cells the maximum is theirs (the editor refuses it there): the balloon moves instead.
  if (m.numaCells > 0) {
    const currentKiB = m.currentKiB > 128 * MiB ? m.currentKiB - 64 * MiB : m.currentKiB / 2;
    return {
      kind: 'memory',
      change: { kind: 'memory', currentKiB },
      touched: (x) => some(child(x.root, 'memory'), child(x.root, 'currentMemory')),
      read: (x) => {
        const r = readMemory(x);
        return { maxKiB: r.maxKiB, currentKiB: r.currentKiB };
      },
      expected: { maxKiB: m.maxKiB, currentKiB },
    };
  }
  const maxKiB = m.maxKiB + 64 * MiB;
  return {
    kind: 'memory',
    change: { kind: 'memory', maxKiB },
    touched: (x) => some(child(x.root, 'memory'), child(x.root, 'currentMemory')),
    read: (x) => {
      const r = readMemory(x);
      return { maxKiB: r.maxKiB, currentKiB: r.currentKiB };
    },
    // The balloon never exceeds the maximum (the memory editor keeps it below).
    expected: { maxKiB, currentKiB: Math.min(m.currentKiB, maxKiB) },
  };
};

const bootEdit = (now: DomainXml): RoundTripEdit | null => {
  const b = readBoot(now);
  const ids = b.devices.map((d) => d.id);
  const current = bootOrder(now);
  const reversed = [...ids].reverse();
  const orderElements = (x: DomainXml): XmlElement[] => [
    ...children(x.root, 'os/boot'),
    ...elements(child(x.root, 'devices')).flatMap((d) => children(d, 'boot')),
  ];
  if (ids.length > 0 && (reversed.join() !== current.join() || b.legacyOrder.length > 0))
    return {
      kind: 'boot',
      change: { kind: 'boot', order: reversed },
      touched: orderElements,
      read: (x) => ({ order: bootOrder(x), legacy: readBoot(x).legacyOrder }),
      expected: { order: reversed, legacy: [] },
    };
  // Without bootable devices only the boot menu is left, and it lives in <os> (every real domain has one).
  if (!child(now.root, 'os')) return null;
  return {
    kind: 'boot',
    change: { kind: 'boot', menu: !b.menu },
    touched: (x) => some(child(x.root, 'os/bootmenu')),
    read: (x) => readBoot(x).menu,
    expected: !b.menu,
  };
};

const SERIAL = 'roundtrip-1';

const diskEdit = (now: DomainXml): RoundTripEdit => {
  const disk = diskDetails(now).find((d) => d.target && (d.device === 'disk' || d.device === 'cdrom'));
  if (disk)
    return {
      kind: 'disk',
      change: { kind: 'disk.options', target: disk.target, serial: SERIAL },
      touched: (x) => children(findDiskElement(x, disk.target), 'serial'),
      read: (x) => diskDetails(x).find((d) => d.target === disk.target)?.serial ?? null,
      expected: SERIAL,
    };
  const target = freeTarget(
    'virtio',
    now.disks.map((d) => d.target),
  );
  return {
    kind: 'disk',
    change: {
      kind: 'disk.add',
      device: 'disk',
      bus: 'virtio',
      target,
      source: { kind: 'file', path: '/srv/roundtrip/added.qcow2' },
      serial: SERIAL,
    },
    touched: (x) => added(findDiskElement(x, target), x),
    read: (x) => diskDetails(x).find((d) => d.target === target)?.serial ?? null,
    expected: SERIAL,
  };
};

const NEW_MAC = '52:54:00:7e:57:01';

const nicEdit = (now: DomainXml): RoundTripEdit => {
  const nic = nicDetails(now).find((n) => n.mac && ['network', 'bridge', 'user', 'direct'].includes(n.type));
  if (nic) {
    const model = nic.model === 'virtio' ? 'e1000e' : 'virtio';
    const mac = nic.mac!;
    return {
      kind: 'nic',
      change: { kind: 'nic.options', mac, model },
      touched: (x) => children(findNicElement(x, mac), 'model'),
      read: (x) => nicDetails(x).find((n) => n.mac === mac)?.model ?? null,
      expected: model,
    };
  }
  return {
    kind: 'nic',
    change: { kind: 'nic.add', source: { type: 'user' }, model: 'virtio', mac: NEW_MAC },
    touched: (x) => added(findNicElement(x, NEW_MAC), x),
    read: (x) => nicDetails(x).find((n) => n.mac === NEW_MAC)?.model ?? null,
    expected: 'virtio',
  };
};

// ---- displays and small devices (electron/libvirt-xml/domain-display.ts) ----

const graphicsEdit = (now: DomainXml): RoundTripEdit => {
  const all = graphicsDetails(now);
  const index = all.findIndex((g) => g.type === 'vnc' || g.type === 'spice');
  const g = all[index];
  if (g) {
    const type = g.type as 'vnc' | 'spice';
    const listen = g.listen === '0.0.0.0' ? '127.0.0.1' : '0.0.0.0';
    const port = !g.autoport && g.port === 5977 ? null : 5977;
    const hadListen = !!child(nthDevice(now, 'graphics', index), 'listen');
    return {
      kind: 'graphics',
      change: { kind: 'graphics.edit', index, type, listen, port },
      // The port and listen attributes, and the first <listen>'s kind and address (it becomes an address
      // one), or the <listen> when there was none.
      touched: (x) => {
        const el = nthDevice(x, 'graphics', index);
        const l = child(el, 'listen');
        const listenAttrs = ['type', 'address', 'network', 'socket', 'autoGenerated', 'fromConfig'];
        return [
          ...attrsOf(el, 'port', 'autoport', 'listen'),
          ...(hadListen ? attrsOf(l, ...listenAttrs) : some(l)),
        ];
      },
      read: (x) => {
        const r = graphicsDetails(x)[index];
        return r && { type: r.type, listen: r.listen, autoport: r.autoport, port: r.port };
      },
      expected: { type, listen, autoport: port === null, port },
    };
  }
  const n = countOf(now, 'graphics');
  return {
    kind: 'graphics',
    change: { kind: 'graphics.add', type: 'vnc', listen: '127.0.0.1', port: null },
    touched: (x) => added(nthDevice(x, 'graphics', n), x),
    read: (x) =>
      graphicsDetails(x)
        .filter((d) => d.type === 'vnc')
        .map((d) => d.listen),
    expected: ['127.0.0.1'],
  };
};

/** The editor cannot add a video device: a domain without one has no video edit. */
const videoEdit = (now: DomainXml): RoundTripEdit | null => {
  const v = videoDetails(now)[0];
  if (!v) return null;
  const model = v.model === 'virtio' ? 'vga' : 'virtio';
  return {
    kind: 'video',
    change: { kind: 'video.model', index: 0, model },
    // The model's type and the sizes and acceleration of the old model, and the guest address.
    touched: (x) => {
      const video = nthDevice(x, 'video', 0);
      const m = child(video, 'model');
      const accel = children(m, 'acceleration');
      const emptied = m && elements(m).every((e) => accel.includes(e)) ? Array.from(m.childNodes) : accel;
      return [
        ...attrsOf(m, 'type', 'vram', 'ram', 'vram64', 'vgamem', 'heads'),
        ...emptied,
        ...children(video, 'address'),
      ];
    },
    read: (x) => videoDetails(x)[0]?.model ?? null,
    expected: model,
  };
};

const soundEdit = (now: DomainXml): RoundTripEdit => {
  const s = soundDetails(now)[0];
  if (s) {
    const model = s.model === 'ich9' ? 'ich6' : 'ich9';
    return {
      kind: 'sound',
      change: { kind: 'sound.model', index: 0, model },
      touched: (x) => {
        const el = nthDevice(x, 'sound', 0);
        return [...attrsOf(el, 'model'), ...children(el, 'address')];
      },
      read: (x) => soundDetails(x)[0]?.model ?? null,
      expected: model,
    };
  }
  return {
    kind: 'sound',
    change: { kind: 'sound.add', model: 'ich9' },
    touched: (x) => added(nthDevice(x, 'sound', 0), x),
    read: (x) => soundDetails(x).map((d) => d.model),
    expected: ['ich9'],
  };
};

/** USB is switched off (the only USB controller is model 'none'): a USB device would be refused. */
const usbOff = (x: DomainXml): boolean => {
  const usb = readControllers(x).filter((c) => c.type === 'usb');
  return usb.length > 0 && usb.every((c) => c.model === 'none');
};

const tablets = (x: DomainXml): string[] =>
  inputDetails(x)
    .filter((i) => i.type === 'tablet')
    .map((i) => i.bus)
    .sort();

/** A tablet added (on USB, else on VirtIO); a domain with both has its USB one removed. */
const inputEdit = (now: DomainXml): RoundTripEdit => {
  const usb = { type: 'tablet' as const, bus: 'usb' as const };
  const virtio = { type: 'tablet' as const, bus: 'virtio' as const };
  const hasUsb = !!findInputElement(now, usb);
  const spec = !hasUsb && !usbOff(now) ? usb : !findInputElement(now, virtio) ? virtio : null;
  const before = tablets(now);
  if (spec)
    return {
      kind: 'input',
      change: { kind: 'input.add', ...spec },
      touched: (x) => added(findInputElement(x, spec), x),
      read: tablets,
      expected: [...before, spec.bus].sort(),
    };
  return {
    kind: 'input',
    change: { kind: 'input.remove', ...usb },
    touched: (x) => added(findInputElement(x, usb), x),
    read: tablets,
    expected: before.filter((b) => b !== 'usb'),
  };
};

const tpmEdit = (now: DomainXml): RoundTripEdit => {
  const t = tpmDetails(now)[0];
  if (t) {
    const model = t.model === 'tpm-crb' ? 'tpm-tis' : 'tpm-crb';
    return {
      kind: 'tpm',
      change: { kind: 'tpm.model', index: 0, model },
      touched: (x) => {
        const el = nthDevice(x, 'tpm', 0);
        return [...attrsOf(el, 'model'), ...children(el, 'address')];
      },
      read: (x) => tpmDetails(x)[0]?.model ?? null,
      expected: model,
    };
  }
  return {
    kind: 'tpm',
    change: { kind: 'tpm.add', model: 'tpm-tis', version: '2.0' },
    touched: (x) => added(nthDevice(x, 'tpm', 0), x),
    read: tpmDetails,
    expected: [{ model: 'tpm-tis', backend: 'emulator', version: '2.0' }],
  };
};

/** The RNG editor adds and removes: one more RNG (libvirt takes several). */
const rngEdit = (now: DomainXml): RoundTripEdit => {
  const n = countOf(now, 'rng');
  const spec = { model: 'virtio', source: '/dev/urandom' as const };
  return {
    kind: 'rng',
    change: { kind: 'rng.add', ...spec },
    touched: (x) => added(nthDevice(x, 'rng', n), x),
    read: (x) => rngDetails(x).length,
    expected: n + 1,
  };
};

const watchdogEdit = (now: DomainXml): RoundTripEdit => {
  const w = watchdogDetails(now)[0];
  if (w) {
    const action = w.action === 'poweroff' ? 'reset' : 'poweroff';
    return {
      kind: 'watchdog',
      change: { kind: 'watchdog.action', index: 0, action },
      touched: (x) => attrsOf(nthDevice(x, 'watchdog', 0), 'action'),
      // By model: libvirt may add a watchdog of its own (Q35's iTCO) before it.
      read: (x) => watchdogDetails(x).find((d) => d.model === w.model)?.action ?? null,
      expected: action,
    };
  }
  return {
    kind: 'watchdog',
    change: { kind: 'watchdog.add', model: 'i6300esb', action: 'poweroff' },
    touched: (x) => added(nthDevice(x, 'watchdog', 0), x),
    read: (x) => watchdogDetails(x).filter((d) => d.model === 'i6300esb'),
    expected: [{ model: 'i6300esb', action: 'poweroff' }],
  };
};

// ---- character devices, controllers, shared folders, host devices ----

/** The guest agent's channel added, or removed when the domain has it. */
const channelEdit = (now: DomainXml): RoundTripEdit => {
  const had = !!findChannel(now, GUEST_AGENT_PORT);
  return {
    kind: 'channel',
    change: had
      ? { kind: 'channel.remove', name: GUEST_AGENT_PORT }
      : { kind: 'channel.add', preset: 'guest-agent' },
    touched: (x) => added(findChannel(x, GUEST_AGENT_PORT), x),
    read: (x) => readChannels(x).some((c) => c.name === GUEST_AGENT_PORT),
    expected: !had,
  };
};

/** A pty serial port on the next free port (a virtio console when the four ISA ones are taken). */
const serialEdit = (now: DomainXml): RoundTripEdit => {
  const device = freeSerialPort(now, 'serial') < 4 ? 'serial' : 'console';
  const port = freeSerialPort(now, device);
  return {
    kind: 'serial',
    change: { kind: 'serial.add', device },
    touched: (x) => added(findSerial(x, device, port), x),
    read: (x) => readSerials(x).find((s) => s.device === device && s.port === port)?.type ?? null,
    expected: 'pty',
  };
};

/** What libvirt takes on a virtio controller's `<driver>` only. */
const VIRTIO_DRIVER_ATTRS = ['queues', 'cmd_per_lun', 'max_sectors', 'ioeventfd', 'iothread'];

/** Companion controllers (EHCI with its UHCIs) share one index: a model change is no edit of one. */
const alone = (x: DomainXml, type: string, index: number): boolean =>
  readControllers(x).filter((c) => c.type === type && c.index === index).length === 1;

/** The model of a SCSI or USB controller, else a new SCSI controller. */
const controllerEdit = (now: DomainXml): RoundTripEdit => {
  const c = readControllers(now).find(
    (k) => (k.type === 'scsi' || (k.type === 'usb' && k.model !== 'none')) && alone(now, k.type, k.index),
  );
  const modelOf = (x: DomainXml, type: string, index: number) =>
    readControllers(x).find((k) => k.type === type && k.index === index)?.model ?? null;
  if (c) {
    const type = c.type as 'scsi' | 'usb';
    const [usual, other] = type === 'scsi' ? ['virtio-scsi', 'lsilogic'] : ['qemu-xhci', 'nec-xhci'];
    const model = c.model === usual ? other! : usual!;
    return {
      kind: 'controller',
      change: { kind: 'controller.model', type, index: c.index, model },
      // The model, and what only the old model had (a USB port count, a companion's master, the <driver>
      // settings of virtio-scsi, with the <driver> when nothing else is in it).
      touched: (x) => {
        const el = findController(x, type, c.index);
        const driver = model === 'lsilogic' ? children(el, 'driver') : [];
        const virtioOnly = (d: XmlElement): Touched[] => {
          const names = Array.from(d.attributes, (a) => a.name);
          const emptied =
            names.every((n) => VIRTIO_DRIVER_ATTRS.includes(n)) &&
            elements(d).every((e) => e.nodeName === 'iothreads');
          return emptied ? [d] : [...attrsOf(d, ...VIRTIO_DRIVER_ATTRS), ...children(d, 'iothreads')];
        };
        const gone = [...children(el, 'master'), ...driver.flatMap(virtioOnly)];
        // A controller left without elements loses its indentation too.
        const emptied = el && elements(el).every((e) => gone.includes(e)) ? Array.from(el.childNodes) : gone;
        return [...attrsOf(el, 'model', 'ports'), ...emptied];
      },
      read: (x) => modelOf(x, type, c.index),
      expected: model,
    };
  }
  const index = freeControllerIndex(now, 'scsi');
  return {
    kind: 'controller',
    change: { kind: 'controller.add', type: 'scsi' },
    touched: (x) => added(findController(x, 'scsi', index), x),
    read: (x) => modelOf(x, 'scsi', index),
    expected: 'virtio-scsi',
  };
};

/** A virtiofs share, with the domain's memory shared in the same edit when it is not yet. */
const filesystemEdit = (now: DomainXml): RoundTripEdit => {
  const tags = new Set(readFilesystems(now).map((f) => f.tag));
  let tag = 'roundtrip';
  for (let i = 2; tags.has(tag); i++) tag = `roundtrip-${i}`;
  const source = '/srv/roundtrip';
  const shared = readMemory(now).sharedAccess;
  const hadBacking = !!child(now.root, 'memoryBacking');
  // Shared access needs a shareable source: memfd, unless hugepages or a source are there already.
  const addsSource = !child(now.root, 'memoryBacking/hugepages') && !child(now.root, 'memoryBacking/source');
  const backing = (x: DomainXml): XmlElement[] => {
    if (shared) return [];
    const mb = child(x.root, 'memoryBacking');
    if (!hadBacking) return some(mb);
    return some(child(mb, 'access'), ...(addsSource ? [child(mb, 'source')] : []));
  };
  return {
    kind: 'filesystem',
    change: { kind: 'filesystem.add', source, tag, sharedMemory: true },
    touched: (x) => [...added(findFilesystem(x, tag), x), ...backing(x)],
    read: (x) => {
      const f = readFilesystems(x).find((d) => d.tag === tag);
      return { driver: f?.driver ?? null, source: f?.source ?? null, shared: readMemory(x).sharedAccess };
    },
    expected: { driver: 'virtiofs', source, shared: true },
  };
};

/** A USB device passed through by vendor and product (QEMU's own vendor id: no real device). */
const hostdevEdit = (now: DomainXml): RoundTripEdit => {
  let product = 1;
  while (findHostdev(now, hostdevKey({ type: 'usb', vendor: 0x46f4, product }))) product++;
  const source = { type: 'usb' as const, vendor: 0x46f4, product };
  const key = hostdevKey(source);
  return {
    kind: 'hostdev',
    change: { kind: 'hostdev.add', source },
    touched: (x) => added(findHostdev(x, key), x),
    read: (x) => readHostdevs(x).find((h) => h.key === key)?.managed ?? null,
    expected: true,
  };
};

const makers: Record<EditKind, (now: DomainXml) => RoundTripEdit | null> = {
  cpu: cpuEdit,
  memory: memoryEdit,
  boot: bootEdit,
  disk: diskEdit,
  nic: nicEdit,
  graphics: graphicsEdit,
  video: videoEdit,
  sound: soundEdit,
  input: inputEdit,
  tpm: tpmEdit,
  rng: rngEdit,
  watchdog: watchdogEdit,
  channel: channelEdit,
  serial: serialEdit,
  controller: controllerEdit,
  filesystem: filesystemEdit,
  hostdev: hostdevEdit,
};

/**
 * The edit of `kind` for this domain, or null when the domain has nothing it could change: no bootable
 * device and no `<os>` (a fragment, not a domain libvirt would define), or no video device (the video
 * editor changes a model; it adds none).
 */
export const roundTripEdit = (xml: string, kind: EditKind): RoundTripEdit | null =>
  makers[kind](DomainXml.parse(xml));

/** Applies the edit through its editor kind's editConfig and returns the edited XML as serialized. */
export const applyEdit = (xml: string, edit: RoundTripEdit): string => {
  const doc = DomainXml.parse(xml);
  const editor = editorFor(edit.change.kind);
  if (!editor) throw new Error(`no editor takes ${edit.change.kind}`);
  editor.editConfig(doc, edit.change as never);
  return doc.toString();
};

/** The document without what the edit may touch, in canonical form. */
export const untouched = (xml: string, edit: RoundTripEdit): CanonicalNode => {
  const doc = DomainXml.parse(xml);
  const touched = edit.touched(doc);
  // Attributes first: their element may be among the nodes that go.
  for (const t of touched) if ('of' in t) t.of.removeAttribute(t.name);
  for (const t of touched) if (!('of' in t)) t.parentNode?.removeChild(t);
  return canonical(doc.root);
};
