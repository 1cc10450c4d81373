/**
 * Host memory tuning against the private system-mode libvirtd: KSM parameters changed through libvirt
 * (host.setKsm → nodeSetMemoryParameters) appear in /sys/kernel/mm/ksm, KSM switched on and off, and a
 * huge page pool set through libvirt (host.setHugepages → nodeAllocPages) appears in node 0's
 * nr_hugepages. This is the real host kernel's KSM and huge pages: every value touched is read first and
 * written back at the end, whatever happened in between.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteError } from '../../shared/contract/index.js';
import type { HostMemoryOutput } from '../../shared/contract/host-memory.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv } from '../support/env.js';

const sys = systemTestEnv();

const KSM = '/sys/kernel/mm/ksm';
const KSM_FILES = ['run', 'pages_to_scan', 'sleep_millisecs', 'merge_across_nodes'] as const;
const NODE0 = '/sys/devices/system/node/node0/hugepages';
const POOL_2M = `${NODE0}/hugepages-2048kB/nr_hugepages`;

const read = (file: string): string => fs.readFileSync(file, 'utf8').trim();
const haveKsm = fs.existsSync(`${KSM}/run`);
const have2M = fs.existsSync(POOL_2M);

/** Writes back what was read, in an order the kernel accepts (KSM off before merge_across_nodes). */
function restoreKsm(saved: Map<string, string>): void {
  const order = ['run', 'merge_across_nodes', 'pages_to_scan', 'sleep_millisecs'];
  const off = () => fs.writeFileSync(`${KSM}/run`, '0');
  try {
    off();
  } catch {
    /* already as it can be */
  }
  for (const name of order) {
    const value = saved.get(name);
    if (value === undefined || name === 'run') continue;
    try {
      if (read(`${KSM}/${name}`) !== value) fs.writeFileSync(`${KSM}/${name}`, value);
    } catch (e) {
      console.error(`could not restore ${KSM}/${name} to ${value}:`, e);
    }
  }
  const run = saved.get('run');
  if (run !== undefined) fs.writeFileSync(`${KSM}/run`, run);
}

describe.skipIf(!sys.available)(
  `host memory tuning on the private system libvirtd${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let f: CoreFixture;
    const savedKsm = new Map<string, string>();
    let savedPool: string | null = null;

    const memory = () => f.call<HostMemoryOutput>('host.memory', { connectionId: f.connectionId });
    const refused = async (name: string, input: Record<string, unknown>): Promise<RemoteError> => {
      try {
        await f.call(name, { connectionId: f.connectionId, ...input });
      } catch (e) {
        return (e as { remote: RemoteError }).remote;
      }
      throw new Error(`${name} was not refused`);
    };

    beforeAll(async () => {
      if (!sys.available) return;
      if (haveKsm) for (const n of KSM_FILES) savedKsm.set(n, read(`${KSM}/${n}`));
      if (have2M) savedPool = read(POOL_2M);
      f = await startCore(sys.uri);
    }, 60_000);
    afterAll(async () => {
      if (!sys.available) return;
      try {
        if (haveKsm) restoreKsm(savedKsm);
        if (savedPool !== null && read(POOL_2M) !== savedPool) fs.writeFileSync(POOL_2M, savedPool);
      } finally {
        await f?.stop();
      }
      if (haveKsm) for (const n of KSM_FILES) expect(read(`${KSM}/${n}`), n).toBe(savedKsm.get(n));
      if (savedPool !== null) expect(read(POOL_2M)).toBe(savedPool);
    });

    it.skipIf(!haveKsm)('reads KSM as the kernel has it, through libvirt and the run file', async () => {
      const m = await memory();
      expect(m.ksm.error).toBeNull();
      expect(m.ksm.pagesToScan).toBe(Number(read(`${KSM}/pages_to_scan`)));
      expect(m.ksm.sleepMillisecs).toBe(Number(read(`${KSM}/sleep_millisecs`)));
      expect(m.ksm.mergeAcrossNodes).toBe(read(`${KSM}/merge_across_nodes`) === '1');
      expect(m.ksm.run).toBe(Number(read(`${KSM}/run`)));
      expect(m.ksm.canSwitch).toBe(true);
      expect(m.ksm.pageBytes).toBe(4096);
      expect(m.ksm.pagesSharing).toBe(Number(read(`${KSM}/pages_sharing`)));
    });

    it.skipIf(!haveKsm)(
      'sets pages to scan and the sleep through libvirt; /sys/kernel/mm/ksm shows them',
      async () => {
        const pages = Number(savedKsm.get('pages_to_scan')) === 137 ? 139 : 137;
        const m = await f.call<HostMemoryOutput>('host.setKsm', {
          connectionId: f.connectionId,
          pagesToScan: pages,
          sleepMillisecs: 55,
        });
        expect(read(`${KSM}/pages_to_scan`)).toBe(String(pages));
        expect(read(`${KSM}/sleep_millisecs`)).toBe('55');
        expect([m.ksm.pagesToScan, m.ksm.sleepMillisecs]).toEqual([pages, 55]);
      },
    );

    it.skipIf(!haveKsm)('changes merging across NUMA nodes while no pages are shared', async () => {
      fs.writeFileSync(`${KSM}/run`, '2'); // unmerge everything first, as the kernel requires
      const flipped = savedKsm.get('merge_across_nodes') !== '1';
      const m = await f.call<HostMemoryOutput>('host.setKsm', {
        connectionId: f.connectionId,
        mergeAcrossNodes: flipped,
      });
      expect(read(`${KSM}/merge_across_nodes`)).toBe(flipped ? '1' : '0');
      expect(m.ksm.mergeAcrossNodes).toBe(flipped);
      await f.call('host.setKsm', { connectionId: f.connectionId, mergeAcrossNodes: !flipped });
      expect(read(`${KSM}/merge_across_nodes`)).toBe(savedKsm.get('merge_across_nodes'));
    });

    it.skipIf(!haveKsm)('switches KSM on and off (the run file: libvirt has no call for it)', async () => {
      let m = await f.call<HostMemoryOutput>('host.setKsm', { connectionId: f.connectionId, run: true });
      expect(read(`${KSM}/run`)).toBe('1');
      expect(m.ksm.run).toBe(1);
      m = await f.call<HostMemoryOutput>('host.setKsm', { connectionId: f.connectionId, run: false });
      expect(read(`${KSM}/run`)).toBe('0');
      expect(m.ksm.run).toBe(0);
    });

    it.skipIf(!have2M)('sets node 0’s 2 MiB pool through libvirt; nr_hugepages shows it', async () => {
      const before = Number(savedPool);
      const m = await f.call<HostMemoryOutput>('host.setHugepages', {
        connectionId: f.connectionId,
        cell: 0,
        sizeKiB: 2048,
        count: before + 2,
      });
      expect(read(POOL_2M)).toBe(String(before + 2));
      const pool = m.pools.find((p) => p.cell === 0 && p.sizeKiB === 2048);
      expect(pool?.total).toBe(before + 2);
      expect(pool?.free).toBeGreaterThanOrEqual(2);
      await f.call('host.setHugepages', {
        connectionId: f.connectionId,
        cell: 0,
        sizeKiB: 2048,
        count: before,
      });
      expect(read(POOL_2M)).toBe(String(before));
      expect((await memory()).pools.find((p) => p.cell === 0 && p.sizeKiB === 2048)?.total).toBe(before);
    });

    it('refuses pools the host cannot have, in words, before libvirt', async () => {
      const e1 = await refused('host.setHugepages', { cell: 0, sizeKiB: 2048, count: 100_000_000 });
      expect(e1.code).toBe('invalid-input');
      expect(e1.message).toMatch(/^Node 0 has \d+ MiB free: not enough for 100000000 2 MiB huge pages/);
      const e2 = await refused('host.setHugepages', { cell: 7, sizeKiB: 2048, count: 1 });
      expect(e2.message).toMatch(/This host has no NUMA node 7/);
      const e3 = await refused('host.setHugepages', { cell: 0, sizeKiB: 512, count: 1 });
      expect(e3.message).toMatch(/This host has no 512 KiB huge pages/);
      if (have2M) expect(read(POOL_2M)).toBe(savedPool);
    });
  },
);
