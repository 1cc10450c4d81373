/**
 * Checks the realtime section's settings against the VM before anything is proposed (pure; the renderer
 * puts each issue on its row, the main process refuses with the same words).
 */
import { realtimeSchedulers, type RealtimeSettings } from './tuning-plans.js';

export interface PlanIssue {
  path: (string | number)[];
  message: string;
}

export const checkRealtimeSettings = (settings: RealtimeSettings, maxVcpus: number): PlanIssue[] => {
  const out: PlanIssue[] = [];
  const seen = new Map<number, number>();
  settings.vcpusched.forEach((s, i) => {
    const beyond = s.vcpus.filter((v) => v >= maxVcpus);
    if (s.vcpus.length === 0)
      out.push({ path: ['vcpusched', i, 'vcpus'], message: 'Name at least one vCPU.' });
    else if (beyond.length > 0)
      out.push({
        path: ['vcpusched', i, 'vcpus'],
        message: `This VM has ${maxVcpus} vCPU${maxVcpus === 1 ? '' : 's'} (0–${maxVcpus - 1}); there is no vCPU ${beyond[0]}.`,
      });
    else {
      const twice = s.vcpus.find((v) => seen.has(v));
      if (twice !== undefined)
        out.push({
          path: ['vcpusched', i, 'vcpus'],
          message: `vCPU ${twice} already has a policy in row ${seen.get(twice)! + 1}; give each vCPU one.`,
        });
      for (const v of s.vcpus) if (!seen.has(v)) seen.set(v, i);
    }
    const realtime = realtimeSchedulers.includes(s.scheduler);
    if (realtime && s.priority === null)
      out.push({
        path: ['vcpusched', i, 'priority'],
        message: 'FIFO and round-robin need a priority from 1 to 99.',
      });
    if (!realtime && s.priority !== null)
      out.push({
        path: ['vcpusched', i, 'priority'],
        message: 'Only FIFO and round-robin take a priority; leave it empty.',
      });
  });
  return out;
};
