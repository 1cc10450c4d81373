/**
 * libvirt's host capabilities (formatcaps): the host's NUMA topology — cells, their memory and
 * hugepages, and each logical CPU's socket, die, core and thread siblings. Read-only.
 *
 * libvirt lists a CPU that is offline with its id only (no socket_id/core_id): such a CPU is reported
 * with `online: false`, so pinning to it can be refused before libvirt is asked.
 */
import { attr, bytesOf, child, children, intOf, type XmlElement } from './dom.js';
import { LibvirtXml } from './document.js';

export interface HostCpu {
  id: number;
  socket: number;
  die: number;
  core: number;
  /** Logical CPUs sharing this CPU's core (this one included), ascending. */
  siblings: number[];
  online: boolean;
}

export interface HostHugepages {
  sizeKiB: number;
  count: number;
}

export interface HostCell {
  id: number;
  memoryKiB: number | null;
  pages: HostHugepages[];
  cpus: HostCpu[];
}

/**
 * A libvirt CPU list ("0-3,^2,8,10-11") as ascending numbers; null when it is not one. `limit` caps the
 * highest number accepted (a bitmap bigger than any host would be a hostile or broken value).
 */
export const parseCpuList = (spec: string, limit = 65535): number[] | null => {
  const on = new Set<number>();
  const off = new Set<number>();
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (part === '') return null;
    const negate = part.startsWith('^');
    const body = negate ? part.slice(1) : part;
    const dash = body.indexOf('-');
    const lo = intOf(dash < 0 ? body : body.slice(0, dash));
    const hi = intOf(dash < 0 ? body : body.slice(dash + 1));
    if (lo === null || hi === null || !Number.isInteger(lo) || !Number.isInteger(hi)) return null;
    if (lo < 0 || hi < lo || hi > limit) return null;
    for (let c = lo; c <= hi; c++) (negate ? off : on).add(c);
  }
  return [...on].filter((c) => !off.has(c)).sort((a, b) => a - b);
};

/** Numbers as libvirt's compact CPU list: [0,1,2,3,8] → "0-3,8" ('' for none). */
export const formatCpuList = (cpus: readonly number[]): string => {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
};

const readCpu = (el: XmlElement): HostCpu | null => {
  const id = intOf(attr(el, 'id'));
  if (id === null || !Number.isInteger(id) || id < 0) return null;
  const socket = intOf(attr(el, 'socket_id'));
  const core = intOf(attr(el, 'core_id'));
  const online = socket !== null && core !== null;
  const siblingSpec = attr(el, 'siblings');
  return {
    id,
    socket: socket ?? -1,
    die: intOf(attr(el, 'die_id')) ?? 0,
    core: core ?? -1,
    siblings: (siblingSpec !== null ? parseCpuList(siblingSpec) : null) ?? [id],
    online,
  };
};

const readCell = (el: XmlElement, index: number): HostCell => ({
  id: intOf(attr(el, 'id')) ?? index,
  memoryKiB: (() => {
    const b = bytesOf(child(el, 'memory'));
    return b === null ? null : Math.floor(b / 1024);
  })(),
  pages: children(el, 'pages').flatMap((p) => {
    const size = intOf(attr(p, 'size'));
    const count = intOf(p.textContent);
    const unit = (attr(p, 'unit') ?? 'KiB').toLowerCase();
    if (size === null || count === null) return [];
    const sizeKiB =
      unit === 'kib' || unit === 'k' ? size : unit === 'mib' || unit === 'm' ? size * 1024 : size;
    return [{ sizeKiB, count }];
  }),
  cpus: children(el, 'cpus/cpu')
    .map(readCpu)
    .filter((c): c is HostCpu => c !== null)
    .sort((a, b) => a.id - b.id),
});

/** virNodeInfo's counts (sockets are per NUMA node). */
export interface HostShape {
  cpus: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

const cellsFromShape = (shape: HostShape): HostCell[] => {
  const nodes = Math.max(1, shape.nodes);
  const threads = Math.max(1, shape.threads);
  const perNode = Math.max(1, shape.sockets) * Math.max(1, shape.cores) * threads;
  // Counts that do not multiply up to the CPU total: one core per CPU in one cell says nothing false.
  if (shape.cores <= 0 || perNode * nodes !== shape.cpus) {
    const cpus = Array.from({ length: Math.max(0, shape.cpus) }, (_, id) => ({
      id,
      socket: 0,
      die: 0,
      core: id,
      siblings: [id],
      online: true,
    }));
    return [{ id: 0, memoryKiB: null, pages: [], cpus }];
  }
  return Array.from({ length: nodes }, (_, node) => {
    const cpus: HostCpu[] = [];
    for (let s = 0; s < Math.max(1, shape.sockets); s++)
      for (let c = 0; c < shape.cores; c++) {
        const first = node * perNode + (s * shape.cores + c) * threads;
        const siblings = Array.from({ length: threads }, (_, t) => first + t);
        for (const id of siblings)
          cpus.push({
            id,
            socket: node * Math.max(1, shape.sockets) + s,
            die: 0,
            core: c,
            siblings,
            online: true,
          });
      }
    return { id: node, memoryKiB: null, pages: [], cpus };
  });
};

export class CapabilitiesXml extends LibvirtXml {
  static parse(xml: string): CapabilitiesXml {
    return new CapabilitiesXml(LibvirtXml.rootOf(xml, 'capabilities'));
  }

  /**
   * The host's NUMA cells with their CPUs. A host whose capabilities have no `<topology>` (the test
   * driver with a node file, some other drivers) gets one drawn from node info's counts: `nodes` cells of
   * `sockets` (per node, as virNodeInfo counts them) × `cores` × `threads`, numbered in that order.
   */
  cells(fallback: HostShape = { cpus: 0, nodes: 1, sockets: 1, cores: 0, threads: 1 }): HostCell[] {
    const cells = children(child(this.root, 'host'), 'topology/cells/cell').map(readCell);
    return cells.length > 0 ? cells : cellsFromShape(fallback);
  }

  /** The host CPU's model name (`host/cpu/model`), or null. */
  get cpuModel(): string | null {
    return child(this.root, 'host/cpu/model')?.textContent?.trim() || null;
  }
}
