/**
 * One edit of each Hardware editor kind (cpu, memory, boot, disk, nic) for any domain XML, made through the
 * kinds' own editConfig (electron/hardware/kinds), with what it is allowed to touch and how to read the
 * edited field back. The round-trip tests check the field changed and nothing else did.
 */
import { editorFor } from '../../electron/hardware/kinds/index.js';
import { child, children, elements, type XmlElement } from '../../electron/libvirt-xml/dom.js';
import {
  diskDetails,
  DomainXml,
  findDiskElement,
  findNicElement,
  freeTarget,
  nicDetails,
  readBoot,
  readCpu,
  readMemory,
} from '../../electron/libvirt-xml/index.js';
import type { HardwareChange } from '../../shared/contract/hardware.js';
import { canonical, type CanonicalNode } from './xml-canonical.js';

export type EditKind = 'cpu' | 'memory' | 'boot' | 'disk' | 'nic';
export const EDIT_KINDS: readonly EditKind[] = ['cpu', 'memory', 'boot', 'disk', 'nic'];

export interface RoundTripEdit {
  kind: EditKind;
  change: HardwareChange;
  /** The elements this change may touch (in either document): left out when the rest is compared. */
  touched(xml: DomainXml): XmlElement[];
  /** The edited field, as a document has it. */
  read(xml: DomainXml): unknown;
  /** What `read` gives after the edit. */
  expected: unknown;
}

const MiB = 1024;
const some = (...els: (XmlElement | undefined)[]): XmlElement[] => els.filter((e) => e !== undefined);

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

const makers: Record<EditKind, (now: DomainXml) => RoundTripEdit | null> = {
  cpu: cpuEdit,
  memory: memoryEdit,
  boot: bootEdit,
  disk: diskEdit,
  nic: nicEdit,
};

/**
 * The edit of `kind` for this domain, or null when the domain has nothing it could change (no bootable
 * device and no `<os>`: a fragment, not a domain libvirt would define).
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
  for (const el of edit.touched(doc)) el.parentNode?.removeChild(el);
  return canonical(doc.root);
};
