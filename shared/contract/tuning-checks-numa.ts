/**
 * Checks of a guest NUMA change before libvirt is asked (pure): every vCPU in exactly one cell, cells
 * with memory (a whole number of huge pages when they use them), host nodes that exist, a page size the
 * host offers, and enough free huge pages on the host nodes each cell's memory is bound to — counting
 * the pages the running VM holds now, which come back when it restarts with the new definition.
 */
import { cpuRangesText } from '../model/index.js';
import type { HugepagePool } from './host-memory.js';
import type { HostCell, TuningChange, TuningView } from './tuning.js';

export interface NumaIssue {
  path: (string | number)[];
  message: string;
}

type GuestNumaChange = Extract<TuningChange, { kind: 'guest-numa' }>;

export interface NumaCheckContext {
  cells: readonly HostCell[];
  config: TuningView;
  /** The running VM's view (its huge pages come back at restart); null when it does not run. */
  live?: TuningView | null;
  /** The host's huge page pools with their free pages; unknown when absent. */
  pools?: readonly HugepagePool[];
}

const list = (xs: readonly number[]): string => cpuRangesText(xs) || 'none';

/** 2048 → "2 MiB", 1048576 → "1 GiB". */
export const pageSizeText = (kib: number): string =>
  kib >= 1024 * 1024 && kib % (1024 * 1024) === 0
    ? `${kib / (1024 * 1024)} GiB`
    : kib >= 1024 && kib % 1024 === 0
      ? `${kib / 1024} MiB`
      : `${kib} KiB`;

/** The page size each guest cell uses: its own `<page nodeset>`, else the one without a nodeset. */
export const cellPageSize = (
  hugepages: readonly { sizeKiB: number; cells: number[] | null }[] | null,
  cell: number,
): number | null => {
  if (!hugepages) return null;
  return (
    hugepages.find((p) => p.cells?.includes(cell))?.sizeKiB ??
    hugepages.find((p) => p.cells === null)?.sizeKiB ??
    null
  );
};

/** Huge pages of each size the running VM holds on which host nodes (null nodes = not bound). */
const heldByVm = (live: TuningView): { sizeKiB: number; nodes: number[] | null; pages: number }[] => {
  const g = live.guestNuma;
  if (!g.hugepages) return [];
  const vmNodes = live.numa?.nodeset ?? null;
  if (g.cells.length === 0) {
    const size = cellPageSize(g.hugepages, 0);
    return size ? [{ sizeKiB: size, nodes: vmNodes, pages: Math.floor(live.memoryKiB / size) }] : [];
  }
  return g.cells.flatMap((c) => {
    const size = cellPageSize(g.hugepages, c.id);
    return size
      ? [{ sizeKiB: size, nodes: c.hostNodes?.nodeset ?? vmNodes, pages: Math.floor(c.memoryKiB / size) }]
      : [];
  });
};

/** The host's normal page size: the smallest its cells list (4 KiB on x86). */
export const baseKiB = (cells: readonly HostCell[]): number => {
  const sizes = cells.flatMap((c) => c.pages.map((p) => p.sizeKiB));
  return sizes.length === 0 ? 4 : Math.min(...sizes);
};

const cellsText = (ids: readonly number[]): string => `cell${ids.length === 1 ? '' : 's'} ${list(ids)}`;

export const checkGuestNuma = (change: GuestNumaChange, ctx: NumaCheckContext): NumaIssue[] => {
  const out: NumaIssue[] = [];
  const cells = change.cells;
  if (cells.length === 0) return out;

  const ids = cells.map((c) => c.id);
  const expected = cells.map((_, i) => i);
  if (ids.some((id, i) => id !== expected[i]))
    out.push({ path: ['cells'], message: `Number the cells 0 to ${cells.length - 1}, in order.` });

  // Every vCPU in exactly one cell.
  const max = ctx.config.maxVcpus;
  const owners = new Map<number, number[]>();
  cells.forEach((c, i) => {
    for (const v of c.cpus) owners.set(v, [...(owners.get(v) ?? []), c.id]);
    const beyond = c.cpus.filter((v) => v >= max);
    if (beyond.length > 0)
      out.push({
        path: ['cells', i, 'cpus'],
        message: `This VM has ${max} vCPU${max === 1 ? '' : 's'} (0–${max - 1}); there is no vCPU ${list(beyond)}.`,
      });
  });
  const missing = Array.from({ length: max }, (_, v) => v).filter((v) => !owners.has(v));
  if (missing.length > 0)
    out.push({
      path: ['cells'],
      message: `vCPU ${list(missing)} ${missing.length === 1 ? 'is' : 'are'} in no cell; every vCPU (0–${max - 1}) must be in one.`,
    });
  for (const [v, where] of [...owners].sort((a, b) => a[0] - b[0]))
    if (where.length > 1) {
      out.push({
        path: ['cells', ids.indexOf(where[1]!), 'cpus'],
        message: `vCPU ${v} is in cells ${where.join(' and ')}; a vCPU belongs to one cell only.`,
      });
      break;
    }

  // Memory, host nodes, page sizes.
  const hostNodes = ctx.cells.map((c) => c.id).sort((a, b) => a - b);
  const pools = ctx.pools ?? [];
  const sizes = [...new Set(pools.map((p) => p.sizeKiB))].sort((a, b) => a - b);
  cells.forEach((c, i) => {
    if (c.memoryKiB <= 0)
      out.push({ path: ['cells', i, 'memoryKiB'], message: `Give cell ${c.id} some memory.` });
    if (c.hostNodes) {
      const unknown = c.hostNodes.nodeset.filter((n) => !hostNodes.includes(n));
      if (c.hostNodes.nodeset.length === 0)
        out.push({
          path: ['cells', i, 'hostNodes'],
          message: `Choose at least one host node for cell ${c.id}.`,
        });
      else if (unknown.length > 0)
        out.push({
          path: ['cells', i, 'hostNodes'],
          message: `This host has no NUMA node ${list(unknown)} (its nodes are ${list(hostNodes)}).`,
        });
    }
  });
  const pages = change.hugepages ?? [];
  // The normal page size may back single cells (the rest on huge pages), as libvirt allows.
  const base = baseKiB(ctx.cells);
  pages.forEach((p, i) => {
    if (!sizes.includes(p.sizeKiB) && !(p.sizeKiB === base && p.cells !== null))
      out.push({
        path: ['hugepages', i, 'sizeKiB'],
        message:
          sizes.length === 0
            ? 'This host has no huge pages; reserve some on its memory page first.'
            : `This host has no ${pageSizeText(p.sizeKiB)} huge pages (its sizes: ${sizes.map(pageSizeText).join(', ')}).`,
      });
    const unknown = (p.cells ?? []).filter((id) => !ids.includes(id));
    if (unknown.length > 0)
      out.push({ path: ['hugepages', i, 'cells'], message: `The VM has no guest ${cellsText(unknown)}.` });
  });
  if (change.hugepages)
    cells.forEach((c, i) => {
      const size = cellPageSize(change.hugepages, c.id);
      if (size && c.memoryKiB > 0 && c.memoryKiB % size !== 0)
        out.push({
          path: ['cells', i, 'memoryKiB'],
          message: `Cell ${c.id}'s memory (${pageSizeText(c.memoryKiB)}) is not a whole number of ${pageSizeText(size)} pages; make it a multiple of ${pageSizeText(size)}.`,
        });
    });
  if (out.length > 0 || !change.hugepages) return out;

  // Enough free pages where each cell's memory may come from (the VM's own pages come back at restart).
  const vmNodes = ctx.config.numa?.nodeset ?? null;
  const needs = new Map<string, { sizeKiB: number; nodes: number[]; pages: number }>();
  for (const c of cells) {
    const size = cellPageSize(change.hugepages, c.id);
    if (!size || size === base) continue;
    const nodes = c.hostNodes?.nodeset ?? vmNodes ?? hostNodes;
    const key = `${size}/${list(nodes)}`;
    const n = needs.get(key) ?? { sizeKiB: size, nodes: [...nodes].sort((a, b) => a - b), pages: 0 };
    n.pages += c.memoryKiB / size;
    needs.set(key, n);
  }
  const held = ctx.live ? heldByVm(ctx.live) : [];
  for (const n of needs.values()) {
    const poolsHere = pools.filter((p) => p.sizeKiB === n.sizeKiB && n.nodes.includes(p.cell));
    if (poolsHere.some((p) => p.free === null)) continue; // libvirt could not say
    const free = poolsHere.reduce((s, p) => s + (p.free ?? 0), 0);
    const own = held
      .filter(
        (h) => h.sizeKiB === n.sizeKiB && (h.nodes === null || h.nodes.some((x) => n.nodes.includes(x))),
      )
      .reduce((s, h) => s + h.pages, 0);
    if (n.pages <= free + own) continue;
    const where = n.nodes.length === 1 ? `node ${n.nodes[0]}` : `nodes ${list(n.nodes)}`;
    const has = n.nodes.length === 1 ? `node ${n.nodes[0]} has` : `they have`;
    const ownText = own > 0 ? ` (and ${own} this VM holds now)` : '';
    out.push({
      path: ['hugepages'],
      message: `Too few free huge pages: the VM needs ${n.pages} pages of ${pageSizeText(n.sizeKiB)} on ${where}; ${has} ${free} free${ownText}. Reserve more on the host's memory page, choose another size or bind the cells to other nodes.`,
    });
  }
  return out;
};
