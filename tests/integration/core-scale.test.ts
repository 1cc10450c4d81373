/**
 * The VM cache at scale: a test-driver node with 1,000 domains is listed on connect (bulk list flags +
 * pipelined per-domain reads), and a burst of lifecycle events reaches renderers as (batched) deltas.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/core.js';
import type { VmSummary } from '../../shared/model/index.js';
import { testUriForFile, writeTestNode } from '../e2e/ui-helpers.js';
import { startApp, type RunningApp } from '../e2e/support/app.js';
import { testEnv } from '../support/env.js';

const COUNT = 1000;
let app: RunningApp;
let nodeFile: string;

beforeAll(async () => {
  const env = testEnv();
  nodeFile = writeTestNode(env.scratchDir, COUNT, 'vd-scale').path;
  app = await startApp({ connections: [{ name: 'Scale', uri: testUriForFile(env.testUri, nodeFile) }] });
});

afterAll(async () => {
  await app?.stop();
  if (nodeFile) await rm(nodeFile, { force: true });
});

describe('VM cache with 1,000 domains', () => {
  it('lists them all on connect, quickly', async () => {
    const core: Core = app.core;
    const id = app.connectionIds[0]!;
    const list = await core.vms.list(id);
    expect(list).toHaveLength(COUNT);
    expect(new Set(list.map((v) => v.state))).toEqual(new Set(['running', 'shutoff', 'paused']));
    // Reconnect and time a full reload.
    await core.connections.disconnect(id);
    const t0 = performance.now();
    await core.connections.connect(id);
    const again = await core.vms.list(id);
    const ms = performance.now() - t0;
    console.log(`core: connect + list of ${COUNT} domains in ${ms.toFixed(0)} ms`);
    expect(again).toHaveLength(COUNT);
  });

  it('applies a burst of lifecycle events as batched deltas (only the affected VMs re-read)', async () => {
    const core = app.core;
    const id = app.connectionIds[0]!;
    const deltas: { upserted: VmSummary[] }[] = [];
    const session = core.openSession((name, payload) => {
      if (name === 'vms.changed') deltas.push(payload as { upserted: VmSummary[] });
    });
    try {
      const c = core.getClient(id);
      const paused = (await core.vms.list(id)).filter((v) => v.state === 'paused').slice(0, 100);
      await Promise.all(paused.map((v) => c.domainResume({ name: v.name, uuid: v.uuid, id: v.id })));
      const end = Date.now() + 15_000;
      const seen = () =>
        new Set(deltas.flatMap((d) => d.upserted.filter((v) => v.state === 'running').map((v) => v.uuid)));
      while (paused.some((v) => !seen().has(v.uuid)) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      expect(paused.every((v) => seen().has(v.uuid))).toBe(true);
      console.log(`core: ${paused.length} resumes → ${deltas.length} vms.changed deltas`);
      // Deltas are batched: a burst needs fewer messages than VMs.
      expect(deltas.length).toBeLessThan(paused.length);
      expect(
        (await core.vms.list(id)).filter((v) =>
          paused.some((p) => p.uuid === v.uuid && v.state === 'running'),
        ),
      ).toHaveLength(paused.length);
    } finally {
      core.closeSession(session);
    }
  });
});
