/** vCPUs (live hot-plug of the current count), CPU mode/model and topology (next boot). */
import type { CpuChange, CpuView } from '../../../shared/contract/hardware.js';
import { topologyProduct } from '../../../shared/contract/hardware.js';
import { DomainVcpuFlags } from '../../libvirt/index.js';
import { readCpu, setCpuMode, setTopology, setVcpus } from '../../libvirt-xml/index.js';
import { differs, pendingItem, type HardwareEditor, type HwIssue } from './types.js';

/** The CPU as it will be once the change is made (what the checks look at). */
const merged = (now: CpuView, c: CpuChange): CpuView => {
  const maxVcpus = c.maxVcpus ?? now.maxVcpus;
  return {
    vcpus: c.vcpus ?? Math.min(now.vcpus, maxVcpus),
    maxVcpus,
    mode: c.mode ?? now.mode,
    model: c.mode !== undefined && c.mode !== 'custom' ? null : (c.model ?? now.model),
    topology: c.topology !== undefined ? c.topology : now.topology,
  };
};

export const cpuEditor: HardwareEditor<'cpu', CpuChange> = {
  key: 'cpu',
  changeKinds: ['cpu'],
  read: readCpu,

  pending(config, live) {
    const out = [];
    if (config.vcpus !== live.vcpus) out.push(pendingItem('cpu', 'vcpus', 'vCPUs', live.vcpus, config.vcpus));
    if (config.maxVcpus !== live.maxVcpus)
      out.push(pendingItem('cpu', 'maxVcpus', 'Maximum vCPUs', live.maxVcpus, config.maxVcpus));
    if (config.mode !== live.mode || config.model !== live.model)
      out.push(
        pendingItem(
          'cpu',
          'mode',
          'CPU',
          live.model ?? live.mode ?? 'default',
          config.model ?? config.mode ?? 'default',
        ),
      );
    if (differs(config.topology, live.topology)) {
      const t = (v: CpuView) =>
        v.topology
          ? `${v.topology.sockets}×${v.topology.dies}×${v.topology.cores}×${v.topology.threads}`
          : 'automatic';
      out.push(pendingItem('cpu', 'topology', 'CPU topology', t(live), t(config)));
    }
    return out;
  },

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    const next = merged(readCpu(config), change);
    const cap = limits.maxVcpus;
    if (cap !== null && next.maxVcpus > cap)
      issues.push({
        path: [change.maxVcpus !== undefined ? 'maxVcpus' : 'vcpus'],
        message: `This host allows at most ${cap} vCPUs for this VM.`,
      });
    if (next.vcpus > next.maxVcpus)
      issues.push({
        path: ['vcpus'],
        message: `The vCPUs at start cannot be more than the maximum (${next.maxVcpus}).`,
      });
    if (next.topology && topologyProduct(next.topology) !== next.maxVcpus)
      issues.push({
        path: ['topology'],
        message: `Sockets × dies × cores × threads must equal the maximum vCPUs (${next.maxVcpus}).`,
      });
    if (change.mode === 'host-passthrough' && !limits.cpu.hostPassthrough)
      issues.push({ path: ['mode'], message: 'This host cannot pass its CPU through to VMs.' });
    if (change.mode === 'host-model' && !limits.cpu.hostModel)
      issues.push({ path: ['mode'], message: 'This host offers no host-model CPU.' });
    if (next.mode === 'custom' && change.model !== undefined && !limits.cpu.models.includes(change.model))
      issues.push({ path: ['model'], message: `This host cannot run the CPU model ${change.model}.` });
    return issues;
  },

  editConfig(xml, change) {
    const now = readCpu(xml);
    const next = merged(now, change);
    if (next.vcpus !== now.vcpus || next.maxVcpus !== now.maxVcpus) setVcpus(xml, next.vcpus, next.maxVcpus);
    if (change.mode !== undefined || change.model !== undefined)
      setCpuMode(xml, next.mode ?? 'custom', next.model ?? undefined);
    if (change.topology !== undefined && differs(change.topology, now.topology))
      setTopology(xml, change.topology);
  },

  liveStep(change) {
    const vcpus = change.vcpus;
    if (vcpus === undefined) return null;
    // Hot-(un)plug up to the running VM's maximum; a new maximum only exists after a restart.
    return (client, dom) => client.domainSetVcpusFlags(dom, vcpus, DomainVcpuFlags.LIVE);
  },
};
