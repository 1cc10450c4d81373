/**
 * CPU and NUMA node numbers as people read them: [0, 1, 2, 3, 8] → "0–3, 8" (an en dash, spaces after
 * commas). For messages and labels only; libvirt's own syntax ("0-3,8") is formatCpuList in the XML layer.
 */
export const cpuRangesText = (xs: readonly number[]): string => {
  const s = [...new Set(xs)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(i === j ? `${s[i]}` : `${s[i]}–${s[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
};
