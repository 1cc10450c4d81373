/** The guest NUMA section's cell rows as their fields hold them, and the "spread evenly" helper (pure). */
import { cpuListText } from './cpuSet.js';

const MiB = 1024;

/** One guest cell as its fields hold it (text, checked on Apply). */
export interface Row {
  cpus: string;
  memMiB: string;
  nodes: string;
  /** The cell's own page size (KiB, as text); '' = the VM's. */
  page: string;
}

/**
 * `count` cells sharing the vCPUs and memory evenly (the first cells take what does not divide), each
 * bound to its own host node while the host has enough of them.
 */
export const spreadEvenly = (
  count: number,
  vcpus: number,
  memoryKiB: number,
  hostNodes: readonly number[],
  pageKiB: number,
): Row[] => {
  const unit = Math.max(MiB, pageKiB);
  const units = Math.floor(memoryKiB / unit);
  let nextCpu = 0;
  return Array.from({ length: count }, (_, i) => {
    const n = Math.floor(vcpus / count) + (i < vcpus % count ? 1 : 0);
    const cpus = Array.from({ length: n }, (_, k) => nextCpu + k);
    nextCpu += n;
    const mem = (Math.floor(units / count) + (i < units % count ? 1 : 0)) * unit;
    return {
      cpus: cpuListText(cpus),
      memMiB: String(Math.round(mem / MiB)),
      nodes: hostNodes.length >= count ? String(hostNodes[i]) : '',
      page: '',
    };
  });
};
