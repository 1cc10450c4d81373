/** Memory: the balloon (current) live, the maximum and the backing at next boot. */
import type { MemoryChange, MemoryView } from '../../../shared/contract/hardware.js';
import { DomainMemFlags } from '../../libvirt/index.js';
import { readMemory, setHugepages, setMemory, setSharedAccess } from '../../libvirt-xml/index.js';
import { mib, pendingItem, type HardwareEditor, type HwIssue } from './types.js';

const merged = (now: MemoryView, c: MemoryChange): { currentKiB: number; maxKiB: number } => {
  const maxKiB = c.maxKiB ?? now.maxKiB;
  return { currentKiB: c.currentKiB ?? Math.min(now.currentKiB, maxKiB), maxKiB };
};

export const memoryEditor: HardwareEditor<'memory', MemoryChange> = {
  key: 'memory',
  changeKinds: ['memory'],
  read: readMemory,

  pending(config, live) {
    const out = [];
    if (config.currentKiB !== live.currentKiB)
      out.push(
        pendingItem('memory', 'currentMemory', 'Memory', mib(live.currentKiB), mib(config.currentKiB)),
      );
    if (config.maxKiB !== live.maxKiB)
      out.push(pendingItem('memory', 'maxMemory', 'Maximum memory', mib(live.maxKiB), mib(config.maxKiB)));
    const yn = (b: boolean) => (b ? 'on' : 'off');
    if (config.hugepages !== live.hugepages)
      out.push(pendingItem('memory', 'hugepages', 'Huge pages', yn(live.hugepages), yn(config.hugepages)));
    if (config.sharedAccess !== live.sharedAccess)
      out.push(
        pendingItem(
          'memory',
          'sharedAccess',
          'Shared memory',
          yn(live.sharedAccess),
          yn(config.sharedAccess),
        ),
      );
    return out;
  },

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    const now = readMemory(config);
    const next = merged(now, change);
    const host = limits.hostMemoryKiB;
    // Only what changes is held against the host (a VM defined elsewhere may already have more).
    const over = (field: 'maxKiB' | 'currentKiB') => {
      const v = change[field];
      return v !== undefined && v !== now[field] && v > host;
    };
    const field = over('maxKiB') ? 'maxKiB' : over('currentKiB') ? 'currentKiB' : null;
    if (field)
      issues.push({ path: [field], message: `This host has ${mib(host)} of memory; a VM cannot have more.` });
    // libvirt would quietly put the maximum back to the cells' sum: say where it is set instead.
    if (change.maxKiB !== undefined && change.maxKiB !== now.maxKiB && now.numaCells > 0)
      issues.push({
        path: ['maxKiB'],
        message: `The maximum memory of this VM is the sum of its ${now.numaCells} guest NUMA cells (${mib(now.maxKiB)}); change the cells' memory on the Tuning tab, under Guest NUMA and huge pages.`,
      });
    if (next.currentKiB > next.maxKiB)
      issues.push({
        path: ['currentKiB'],
        message: `The current memory cannot be more than the maximum (${mib(next.maxKiB)}).`,
      });
    if (change.sharedAccess && !change.hugepages && !limits.memoryBackingSources.includes('memfd'))
      if (!readMemory(config).hugepages)
        issues.push({
          path: ['sharedAccess'],
          message: 'This host cannot share VM memory without huge pages (no memfd backing).',
        });
    return issues;
  },

  editConfig(xml, change) {
    const now = readMemory(xml);
    const next = merged(now, change);
    if (next.currentKiB !== now.currentKiB || next.maxKiB !== now.maxKiB)
      setMemory(xml, next.currentKiB, next.maxKiB);
    if (change.hugepages !== undefined && change.hugepages !== now.hugepages)
      setHugepages(xml, change.hugepages);
    if (change.sharedAccess !== undefined && change.sharedAccess !== now.sharedAccess)
      setSharedAccess(xml, change.sharedAccess);
  },

  liveStep(change) {
    const kib = change.currentKiB;
    if (kib === undefined) return null;
    // The balloon: the guest gives memory back or takes it, up to the running VM's maximum.
    return (client, dom) => client.domainSetMemoryFlags(dom, kib, DomainMemFlags.LIVE);
  },
};
