/**
 * The guest's own NUMA topology and its huge pages (formatdomain "CPU model and topology" → "NUMA
 * topology", "NUMA Node Tuning", "Memory Backing"): `<cpu><numa><cell>`, `<numatune><memnode>` (the host
 * nodes each guest cell's memory comes from) and `<memoryBacking><hugepages><page>` (one size for all, or
 * a size per guest cell through `nodeset`). Read and written together, since libvirt checks them against
 * each other; whatever else the elements hold (a cell's memAccess or distances, `<cpu mode>`, other
 * backing options) is kept.
 */
import { add, attr, child, children, elements, intOf, remove, setAttrs, type XmlElement } from './dom.js';
import { formatCpuList, parseCpuList } from './capabilities.js';
import { ensurePlaced, readMemory, setMemory } from './domain-hardware.js';
import type { DomainXml } from './domain.js';

export interface GuestNumaCell {
  id: number;
  /** The guest's vCPUs in this cell. */
  cpus: number[];
  memoryKiB: number;
  /** `<numatune><memnode>` of this cell: the host nodes its memory comes from; null = none given. */
  hostNodes: { mode: string; nodeset: number[] } | null;
}

/** One `<page>`: a page size for the guest cells in `cells` (null = every cell without its own). */
export interface GuestHugepage {
  sizeKiB: number;
  cells: number[] | null;
}

export interface GuestNuma {
  cells: GuestNumaCell[];
  /** null = no huge pages; [] = huge pages of the host's default size (`<hugepages/>` with no page). */
  hugepages: GuestHugepage[] | null;
}

const UNIT_KIB: Readonly<Record<string, number>> = {
  b: 1 / 1024,
  bytes: 1 / 1024,
  k: 1,
  kib: 1,
  m: 1024,
  mib: 1024,
  g: 1024 ** 2,
  gib: 1024 ** 2,
  t: 1024 ** 3,
  tib: 1024 ** 3,
};

/** A size given as attributes (`memory='512' unit='MiB'`, `size='2' unit='M'`) in KiB; null when unreadable. */
const kibOfAttr = (el: XmlElement, name: string): number | null => {
  const n = intOf(attr(el, name));
  const factor = UNIT_KIB[(attr(el, 'unit') ?? 'KiB').toLowerCase()];
  return n === null || factor === undefined ? null : Math.floor(n * factor);
};

export const readGuestNuma = (d: DomainXml): GuestNuma => {
  const memnodes = new Map(
    children(child(d.root, 'numatune'), 'memnode').flatMap((m) => {
      const id = intOf(attr(m, 'cellid'));
      const nodeset = parseCpuList(attr(m, 'nodeset') ?? '');
      return id === null || nodeset === null ? [] : [[id, { mode: attr(m, 'mode') ?? 'strict', nodeset }]];
    }),
  );
  const cells = children(child(child(d.root, 'cpu'), 'numa'), 'cell').flatMap((c, i) => {
    const id = intOf(attr(c, 'id')) ?? i;
    const memoryKiB = kibOfAttr(c, 'memory');
    const cpus = attr(c, 'cpus') === null ? [] : parseCpuList(attr(c, 'cpus')!);
    if (memoryKiB === null || cpus === null) return [];
    return [{ id, cpus, memoryKiB, hostNodes: memnodes.get(id) ?? null }];
  });
  const hp = child(child(d.root, 'memoryBacking'), 'hugepages');
  const hugepages = hp
    ? children(hp, 'page').flatMap((p) => {
        const sizeKiB = kibOfAttr(p, 'size');
        const ns = attr(p, 'nodeset');
        const cellsOf = ns === null ? null : parseCpuList(ns);
        return sizeKiB === null || (ns !== null && cellsOf === null) ? [] : [{ sizeKiB, cells: cellsOf }];
      })
    : null;
  return { cells, hugepages };
};

const dropIfEmpty = (el: XmlElement | undefined): void => {
  if (el && elements(el).length === 0 && el.attributes.length === 0) remove(el);
};

/** Elements libvirt writes before `<cpu>`, nearest last (where a new `<cpu>` goes). */
const BEFORE_CPU = [
  'vcpu',
  'vcpus',
  'iothreads',
  'iothreadids',
  'cputune',
  'numatune',
  'resource',
  'sysinfo',
  'bootloader',
  'bootloader_args',
  'os',
  'idmap',
  'features',
];

/** `<cpu><numa>`: exactly the given cells, each existing cell kept (its other attributes and children). */
const setCells = (d: DomainXml, cells: readonly GuestNumaCell[]): void => {
  const cpu = child(d.root, 'cpu');
  const numa = child(cpu, 'numa');
  if (cells.length === 0) {
    if (numa) remove(numa);
    dropIfEmpty(cpu);
    return;
  }
  // <numa> is the last thing libvirt writes inside <cpu> (after model, vendor, topology, features).
  const el = numa ?? add(ensurePlaced(d.root, 'cpu', BEFORE_CPU), 'numa');
  const old = new Map(children(el, 'cell').map((c) => [attr(c, 'id'), c]));
  for (const c of children(el, 'cell')) el.removeChild(c);
  for (const c of [...cells].sort((a, b) => a.id - b.id)) {
    const cell = old.get(String(c.id));
    const attrs = { id: c.id, cpus: formatCpuList(c.cpus), memory: c.memoryKiB, unit: 'KiB' };
    if (cell) {
      setAttrs(cell, attrs);
      el.appendChild(cell);
    } else add(el, 'cell', attrs);
  }
};

/** `<numatune><memnode>`: one per cell with host nodes; `<numatune><memory>` stays as it was. */
const setMemnodes = (d: DomainXml, cells: readonly GuestNumaCell[]): void => {
  const numatune = child(d.root, 'numatune');
  for (const m of children(numatune, 'memnode')) remove(m);
  const bound = cells.filter((c) => c.hostNodes !== null).sort((a, b) => a.id - b.id);
  if (bound.length === 0) return dropIfEmpty(numatune);
  const el =
    numatune ?? ensurePlaced(d.root, 'numatune', ['vcpu', 'vcpus', 'iothreads', 'iothreadids', 'cputune']);
  for (const c of bound)
    add(el, 'memnode', {
      cellid: c.id,
      mode: c.hostNodes!.mode,
      nodeset: formatCpuList(c.hostNodes!.nodeset),
    });
};

/** `<memoryBacking><hugepages>`: the given pages; null removes huge pages (other backing options stay). */
const setPages = (d: DomainXml, pages: readonly GuestHugepage[] | null): void => {
  const mb = child(d.root, 'memoryBacking');
  const old = child(mb, 'hugepages');
  if (pages === null) {
    if (old) remove(old);
    return dropIfEmpty(mb);
  }
  let hp = old;
  if (!hp) {
    const parent = ensurePlaced(d.root, 'memoryBacking', [
      'memtune',
      'blkiotune',
      'currentMemory',
      'memory',
      'maxMemory',
    ]);
    hp = add(parent, 'hugepages');
    // <hugepages> is the first thing libvirt writes inside <memoryBacking>.
    if (elements(parent)[0] !== hp) parent.insertBefore(hp, elements(parent)[0]!);
  }
  for (const p of children(hp, 'page')) remove(p);
  // The page without a nodeset (the default for the rest) first, as libvirt writes it.
  const sorted = [...pages].sort((a, b) => (a.cells === null ? -1 : b.cells === null ? 1 : 0));
  for (const p of sorted)
    add(hp, 'page', {
      size: p.sizeKiB,
      unit: 'KiB',
      nodeset: p.cells === null ? null : formatCpuList(p.cells),
    });
};

/**
 * Sets the guest's NUMA cells, where each cell's memory comes from and the huge pages, together; no
 * cells removes the guest NUMA topology (and the memnodes, which need it). With cells, the VM's memory
 * becomes their sum, as libvirt would make it; the current (balloon) memory follows when it was the
 * whole memory, else it is kept at most the new size.
 */
export const setGuestNuma = (d: DomainXml, numa: GuestNuma): void => {
  setCells(d, numa.cells);
  setMemnodes(d, numa.cells);
  setPages(d, numa.hugepages);
  if (numa.cells.length === 0) return;
  const total = numa.cells.reduce((s, c) => s + c.memoryKiB, 0);
  const before = readMemory(d);
  if (before.maxKiB === total) return;
  const current = before.currentKiB === before.maxKiB ? total : Math.min(before.currentKiB, total);
  setMemory(d, current, total);
};
