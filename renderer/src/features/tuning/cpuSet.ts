import { cpuRangesText } from '../../../../shared/model/index.js';

/** "0-3, 8" / "0,2" → the CPU (or node) numbers, sorted; null when it is not such a list. */
export const parseCpuSet = (raw: string, max = 16383): number[] | null => {
  const out = new Set<number>();
  for (const part of raw.replace(/–/g, '-').split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const [a, b, extra] = p.split('-').map((x) => x.trim());
    if (extra !== undefined || !/^\d{1,5}$/.test(a ?? '') || (b !== undefined && !/^\d{1,5}$/.test(b)))
      return null;
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    if (hi < lo || hi > max) return null;
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return [...out].sort((x, y) => x - y);
};

/** 0,1,2,3,8 → "0–3, 8" (for reading, not for libvirt). */
export const cpuListText = cpuRangesText;
