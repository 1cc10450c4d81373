/**
 * Wires the stats sampler into the core: one sampler per Core, attached to every connection while it is
 * connected (core.bus 'connected'/'disconnected'), stopped with the core.
 */
import type { Core } from '../core/core.js';
import { StatsSampler, type SamplerOptions, type StatsClientPort } from './sampler.js';

const samplers = new WeakMap<Core, StatsSampler>();

export function samplerFor(core: Core, opts: SamplerOptions = {}): StatsSampler {
  const existing = samplers.get(core);
  if (existing) return existing;
  const sampler = new StatsSampler(opts);
  samplers.set(core, sampler);
  const attach = (id: string, client: unknown) => {
    const c = client as Partial<StatsClientPort>;
    if (typeof c.connectGetAllDomainStats === 'function') sampler.attach(id, c as StatsClientPort);
  };
  core.bus.on('connected', attach);
  core.bus.on('disconnected', (id) => sampler.detach(id));
  for (const id of core.connections.connectedIds()) {
    try {
      attach(id, core.getClient(id));
    } catch {
      /* raced with a disconnect */
    }
  }
  core.onStop(() => sampler.stop());
  return sampler;
}
