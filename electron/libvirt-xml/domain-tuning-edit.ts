/**
 * Edits of a domain description's tuning elements that libvirt has no live call for, or that a profile
 * sets together (formatdomain "CPU Tuning", "Memory Backing", "NUMA Node Tuning", "IOThreads
 * Allocation"): vCPU scheduler policies, locked memory, pinning, NUMA memory, hugepage size, CPU shares,
 * block I/O weight, IOThreads. Each edit changes only what it names on the parsed document; an element
 * left empty by an edit goes.
 */
import {
  add,
  attr,
  child,
  children,
  elements,
  intOf,
  remove,
  setAttrs,
  setText,
  type XmlElement,
} from './dom.js';
import { formatCpuList, parseCpuList } from './capabilities.js';
import { ensurePlaced } from './domain-hardware.js';
import type { DomainXml } from './domain.js';

export interface DomainVcpuSched {
  vcpus: number[];
  scheduler: string;
  priority: number | null;
}

export interface DomainRealtime {
  /** `<cputune><vcpusched>`, one per vCPU set. */
  vcpusched: DomainVcpuSched[];
  /** `<memoryBacking><locked/>`: the VM's memory is never swapped out. */
  locked: boolean;
}

/**
 * libvirt writes one `<vcpusched>` per vCPU; the ones with the same policy and priority are read as one
 * set (what was asked for), in the order each set first appears.
 */
export const readRealtime = (d: DomainXml): DomainRealtime => {
  const sets = new Map<string, DomainVcpuSched>();
  for (const el of children(child(d.root, 'cputune'), 'vcpusched')) {
    const vcpus = parseCpuList(attr(el, 'vcpus') ?? '');
    const scheduler = attr(el, 'scheduler');
    if (vcpus === null || scheduler === null) continue;
    const priority = intOf(attr(el, 'priority'));
    const key = `${scheduler}/${priority ?? ''}`;
    const set = sets.get(key) ?? { vcpus: [], scheduler, priority };
    set.vcpus = [...new Set([...set.vcpus, ...vcpus])].sort((a, b) => a - b);
    sets.set(key, set);
  }
  return {
    vcpusched: [...sets.values()],
    locked: child(child(d.root, 'memoryBacking'), 'locked') !== undefined,
  };
};

const dropIfEmpty = (el: XmlElement | undefined): void => {
  if (el && elements(el).length === 0 && el.attributes.length === 0) remove(el);
};

// Where new top-level elements go (libvirt's own order when it writes a definition).
const cputuneOf = (d: DomainXml): XmlElement =>
  ensurePlaced(d.root, 'cputune', ['iothreadids', 'iothreads', 'vcpus', 'vcpu']);
const memoryBackingOf = (d: DomainXml): XmlElement =>
  ensurePlaced(d.root, 'memoryBacking', ['memtune', 'blkiotune', 'currentMemory', 'memory', 'maxMemory']);

/** Replaces every `<cputune>` child named `name` with the given ones (after `after`, when there). */
const replaceInCputune = (
  d: DomainXml,
  name: string,
  items: readonly Record<string, string | number | null>[],
  after: readonly string[],
): void => {
  for (const el of children(child(d.root, 'cputune'), name)) remove(el);
  if (items.length === 0) return dropIfEmpty(child(d.root, 'cputune'));
  const cputune = cputuneOf(d);
  const anchors = elements(cputune).filter((c) => after.includes(c.nodeName));
  let ref = anchors[anchors.length - 1]?.nextSibling ?? null;
  for (const attrs of items) {
    const el = add(cputune, name, attrs);
    cputune.insertBefore(el, ref);
    ref = el.nextSibling;
  }
};

/** `<cputune><vcpusched>`: the given policies, none when empty. */
export const setVcpuSched = (d: DomainXml, list: readonly DomainVcpuSched[]): void =>
  replaceInCputune(
    d,
    'vcpusched',
    list.map((s) => ({ vcpus: formatCpuList(s.vcpus), scheduler: s.scheduler, priority: s.priority })),
    ['shares', 'period', 'quota', 'vcpupin', 'emulatorpin', 'iothreadpin'],
  );

/** `<cputune><vcpupin>`: exactly the given pins (none = the vCPUs run anywhere `<vcpu cpuset>` allows). */
export const setVcpuPins = (d: DomainXml, pins: readonly { vcpu: number; cpus: number[] }[]): void =>
  replaceInCputune(
    d,
    'vcpupin',
    pins.map((p) => ({ vcpu: p.vcpu, cpuset: formatCpuList(p.cpus) })),
    ['shares', 'period', 'quota', 'global_period', 'global_quota', 'emulator_period', 'emulator_quota'],
  );

/** `<cputune><emulatorpin>`; null removes it. */
export const setEmulatorPin = (d: DomainXml, cpus: readonly number[] | null): void =>
  replaceInCputune(d, 'emulatorpin', cpus ? [{ cpuset: formatCpuList(cpus) }] : [], ['vcpupin', 'shares']);

/** `<cputune><shares>`; null removes it (the default: 1024 on cgroup v1, weight 100 on v2). */
export const setCpuShares = (d: DomainXml, shares: number | null): void => {
  const old = child(child(d.root, 'cputune'), 'shares');
  if (shares === null) {
    if (old) remove(old);
    return dropIfEmpty(child(d.root, 'cputune'));
  }
  const cputune = cputuneOf(d);
  const el = old ?? add(cputune, 'shares');
  if (!old && elements(cputune)[0] !== el) cputune.insertBefore(el, elements(cputune)[0]!);
  setText(el, shares);
};

/** `<memoryBacking><locked/>`. */
export const setLockedMemory = (d: DomainXml, on: boolean): void => {
  const mb = child(d.root, 'memoryBacking');
  if (on) {
    if (!child(mb, 'locked')) add(memoryBackingOf(d), 'locked');
    return;
  }
  const locked = child(mb, 'locked');
  if (locked) remove(locked);
  dropIfEmpty(mb);
};

/** `<memoryBacking><hugepages>` with one page size (KiB); null removes hugepages. */
export const setHugepageSize = (d: DomainXml, sizeKiB: number | null): void => {
  const old = child(child(d.root, 'memoryBacking'), 'hugepages');
  if (old) remove(old);
  if (sizeKiB === null) return dropIfEmpty(child(d.root, 'memoryBacking'));
  const mb = memoryBackingOf(d);
  const hp = add(mb, 'hugepages');
  if (elements(mb)[0] !== hp) mb.insertBefore(hp, elements(mb)[0]!);
  add(hp, 'page', { size: sizeKiB, unit: 'KiB' });
};

/** `<numatune><memory>`: where the VM's memory comes from; null removes it. */
export const setNumaMemory = (d: DomainXml, memory: { mode: string; nodeset: number[] } | null): void => {
  const numatune = child(d.root, 'numatune');
  const old = child(numatune, 'memory');
  if (memory === null) {
    if (old) remove(old);
    return dropIfEmpty(numatune);
  }
  const el = old ?? add(ensurePlaced(d.root, 'numatune', ['cputune', 'iothreads', 'vcpu']), 'memory');
  setAttrs(el, { mode: memory.mode, nodeset: formatCpuList(memory.nodeset), placement: null });
};

/** `<blkiotune><weight>`; null removes it (the default, 500 on cgroup v1's CFQ/BFQ). */
export const setBlkioWeight = (d: DomainXml, weight: number | null): void => {
  const blkiotune = child(d.root, 'blkiotune');
  const old = child(blkiotune, 'weight');
  if (weight === null) {
    if (old) remove(old);
    return dropIfEmpty(blkiotune);
  }
  const parent = blkiotune ?? ensurePlaced(d.root, 'blkiotune', ['currentMemory', 'memory', 'maxMemory']);
  const el = old ?? add(parent, 'weight');
  if (!old && elements(parent)[0] !== el) parent.insertBefore(el, elements(parent)[0]!);
  setText(el, weight);
};

/** The virtio disks (targets) that can be given an IOThread (virtio-blk only; libvirt refuses others). */
export const iothreadCapableDisks = (d: DomainXml): string[] =>
  children(child(d.root, 'devices'), 'disk')
    .filter((el) => attr(child(el, 'target'), 'bus') === 'virtio')
    .map((el) => attr(child(el, 'target'), 'dev') ?? '')
    .filter(Boolean);

/** `<iothreads>` at least `count`, and each named virtio disk's `<driver iothread>` set to `iothread`. */
export const useIothread = (
  d: DomainXml,
  count: number,
  iothread: number,
  disks: readonly string[],
): void => {
  const el = ensurePlaced(d.root, 'iothreads', ['vcpu']);
  if ((intOf(el.textContent) ?? 0) < count) setText(el, count);
  for (const disk of children(child(d.root, 'devices'), 'disk')) {
    if (!disks.includes(attr(child(disk, 'target'), 'dev') ?? '')) continue;
    const driver = child(disk, 'driver') ?? add(disk, 'driver', { name: 'qemu' });
    setAttrs(driver, { iothread });
  }
};

/**
 * Lays the document out as libvirt writes it (each element on its own line, two spaces per level), so a
 * diff against libvirt's own text shows only what an edit changed. Elements holding text keep it as it is;
 * `<metadata>` (other applications' XML) is left alone.
 */
export const tidyLayout = (d: DomainXml): void => {
  const TEXT = 3;
  const walk = (el: XmlElement, depth: number): void => {
    const kids = elements(el);
    if (kids.length === 0 || el.nodeName === 'metadata') return;
    const nodes = Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)!);
    if (nodes.some((n) => n.nodeType === TEXT && (n.nodeValue ?? '').trim() !== '')) return;
    for (const n of nodes) if (n.nodeType === TEXT) el.removeChild(n);
    const doc = el.ownerDocument!;
    const pad = (level: number) => doc.createTextNode(`\n${'  '.repeat(level)}`);
    for (const k of elements(el)) {
      el.insertBefore(pad(depth + 1), k);
      walk(k, depth + 1);
    }
    el.appendChild(pad(depth));
  };
  walk(d.root, 0);
};
