/**
 * An ACPI shutdown the guest ignores, on the private session daemon with real QEMU: a VM with no OS to
 * boot (the firmware keeps looking for one, nothing handles the power button) still runs after the grace
 * period, so its summary says `shutdownOverdue` (the renderer offers Force Off); forcing it off clears it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmSummary } from '../../shared/model/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { uniqueGuestName } from '../support/guest.js';

const GRACE_MS = 1500;
let fx: CoreFixture;
let uuid = '';
const name = uniqueGuestName('ignores-acpi');

const vm = async (): Promise<VmSummary | undefined> =>
  (await fx.call<VmSummary[]>('vms.list', { connectionId: fx.connectionId })).find((v) => v.uuid === uuid);
const until = async (what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  fx = await startCore(testEnv().qemuUri, { coreOptions: { shutdownGraceMs: GRACE_MS } });
  const dom = await fx.client.domainDefineXML(`<domain type='${testEnv().virtType}'>
  <name>${name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator><graphics type='vnc' port='-1' listen='127.0.0.1'/></devices>
</domain>`);
  uuid = dom.uuid.toLowerCase();
});
afterAll(async () => {
  const c = fx?.client;
  if (c && uuid) {
    const dom = await c.domainLookupByUUID(uuid).catch(() => null);
    if (dom) {
      await c.domainDestroy(dom).catch(() => undefined);
      await c.domainUndefineFlags(dom).catch(() => undefined);
    }
  }
  await fx?.stop();
});

describe('a shutdown the guest ignores', () => {
  it('is followed up after the grace period, and Force Off clears it', async () => {
    const connectionId = fx.connectionId;
    await fx.call('vms.action', { connectionId, uuid, action: 'start' });
    await until('running', async () => (await vm())?.state === 'running');
    const asked = Date.now();
    await fx.call('vms.action', { connectionId, uuid, action: 'shutdown' });
    expect((await vm())?.shutdownOverdue).toBeUndefined();
    await until('overdue', async () => (await vm())?.shutdownOverdue === true, GRACE_MS + 10_000);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect((await vm())?.state).toBe('running');
    await fx.call('vms.action', { connectionId, uuid, action: 'destroy' });
    await until('off', async () => (await vm())?.state === 'shutoff');
    expect((await vm())?.shutdownOverdue).toBeUndefined();
  });
});
