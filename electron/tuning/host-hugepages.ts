/**
 * Free hugepages per NUMA node and page size, read from sysfs on a local connection
 * (/sys/devices/system/node/node<N>/hugepages/hugepages-<size>kB/free_hugepages; a kernel without NUMA
 * nodes has only /sys/kernel/mm/hugepages, counted as node 0). A profile backs a VM with hugepages only
 * when its node has enough free.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FreeHugepages {
  node: number;
  sizeKiB: number;
  free: number;
}

const pools = (dir: string, node: number): FreeHugepages[] => {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const size = /^hugepages-(\d+)kB$/.exec(name)?.[1];
    if (!size) return [];
    try {
      const free = Number(fs.readFileSync(path.join(dir, name, 'free_hugepages'), 'utf8').trim());
      return Number.isInteger(free) ? [{ node, sizeKiB: Number(size), free }] : [];
    } catch {
      return [];
    }
  });
};

export const readFreeHugepages = (root = '/sys'): FreeHugepages[] => {
  const nodesDir = path.join(root, 'devices/system/node');
  let nodes: number[] = [];
  try {
    nodes = fs
      .readdirSync(nodesDir)
      .flatMap((n) => (/^node(\d+)$/.test(n) ? [Number(n.slice(4))] : []))
      .sort((a, b) => a - b);
  } catch {
    // no NUMA nodes in sysfs
  }
  if (nodes.length === 0) return pools(path.join(root, 'kernel/mm/hugepages'), 0);
  return nodes.flatMap((n) => pools(path.join(nodesDir, `node${n}`, 'hugepages'), n));
};
