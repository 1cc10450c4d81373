/**
 * The Tuning tab's guest NUMA and huge pages against a private system-mode libvirtd of its own (started
 * with a hugetlbfs mount libvirt can back guests with: the shared daemon has none). A few 2 MiB pages
 * are reserved on the host for the test and given back in afterAll, whatever happened. Two guest cells
 * bound to host node 0 on 2 MiB pages are applied through `tuning.apply`, read back from libvirt over a
 * second connection, and the tiny guest is booted with them: QEMU's command line shows the two NUMA
 * nodes, each on a memory-backend-file in the hugetlbfs mount, and the host's free pages go down.
 * Asking for more pages than the host has free is refused before libvirt with the figures, the
 * definition unchanged.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainXMLFlags,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { DomainXml, readGuestNuma } from '../../electron/libvirt-xml/index.js';
import type { RemoteError } from '../../shared/contract/index.js';
import type { TuningApplyOutput, TuningChange, TuningGetOutput } from '../../shared/contract/tuning.js';
import { qemuPid } from '../support/qemu-proc.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { startSystemDaemon, type SystemDaemon } from '../support/system-daemon.js';

const sys = systemTestEnv();
const POOL = '/sys/devices/system/node/node0/hugepages/hugepages-2048kB';
const have2M = fs.existsSync(`${POOL}/nr_hugepages`);
const read = (file: string): number => Number(fs.readFileSync(file, 'utf8').trim());

/** The pages this test reserves: the guest's 128 MiB (64 pages) and a few spare. */
const RESERVE = 68;

describe.skipIf(!sys.available || !have2M)(
  `guest NUMA cells and huge pages on a private system libvirtd${sys.available ? (have2M ? '' : ' (skipped: no 2 MiB pages on node 0)') : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let daemon: SystemDaemon | undefined;
    let f: CoreFixture | undefined;
    let other: LibvirtClient | undefined;
    let dom: DomainRef;
    let mountDir = '';
    let savedPool: number | null = null;
    const name = uniqueGuestName('tunenuma');
    let uuid = '';

    const ref = () => ({ connectionId: f!.connectionId, uuid });
    const apply = (change: TuningChange) => f!.call<TuningApplyOutput>('tuning.apply', { ...ref(), change });
    const refused = async (change: TuningChange): Promise<RemoteError> => {
      try {
        await apply(change);
      } catch (e) {
        return (e as { remote: RemoteError }).remote;
      }
      throw new Error('not refused');
    };
    /** The next-boot definition as a second connection reads it. */
    const inactive = async () =>
      other!.domainGetXMLDesc(await other!.domainLookupByUUID(uuid), DomainXMLFlags.INACTIVE);
    const twoCells = (mib: number): TuningChange => ({
      kind: 'guest-numa',
      cells: [0, 1].map((id) => ({
        id,
        cpus: [id],
        memoryKiB: mib * 1024,
        hostNodes: { mode: 'strict', nodeset: [0] },
      })),
      hugepages: [{ sizeKiB: 2048, cells: null }],
    });

    beforeAll(async () => {
      if (!sys.available || !have2M) return;
      savedPool = read(`${POOL}/nr_hugepages`);
      fs.writeFileSync(`${POOL}/nr_hugepages`, String(savedPool + RESERVE));
      if (read(`${POOL}/nr_hugepages`) < savedPool + RESERVE)
        throw new Error(`the kernel would not reserve ${RESERVE} 2 MiB pages on node 0`);
      // libvirt finds hugetlbfs mounts when it starts: mount one before the daemon (its mount namespace
      // is a copy of this one) and name it in its qemu.conf.
      mountDir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-hugetlbfs-'));
      execFileSync('mount', ['-t', 'hugetlbfs', '-o', 'pagesize=2M', 'virtdesk-hugetlbfs', mountDir]);
      daemon = await startSystemDaemon({ qemuConf: `hugetlbfs_mount = "${mountDir}"` });
      f = await startCore(daemon.uri);
      other = await openConnection(daemon.uri);
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(daemon.scratchDir, 'tiny-guest-numa');
      dom = await f.client.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd, vcpus: 2 }));
      uuid = dom.uuid;
    }, 120_000);

    afterAll(async () => {
      // Each step on its own: the pages and the mount go back even when an earlier step failed.
      await f?.client.domainDestroy(dom).catch(() => {});
      await f?.client.domainUndefineFlags(dom).catch(() => {});
      await other?.close().catch(() => {});
      await f?.stop().catch(() => {});
      await daemon?.stop().catch(() => {});
      if (mountDir) {
        try {
          execFileSync('umount', [mountDir]);
        } catch {
          // not mounted
        }
        fs.rmSync(mountDir, { recursive: true, force: true });
      }
      if (savedPool !== null) fs.writeFileSync(`${POOL}/nr_hugepages`, String(savedPool));
    }, 60_000);

    it('refuses more huge pages than node 0 has free, with the figures, before libvirt; nothing changed', async () => {
      const before = await inactive();
      const free = read(`${POOL}/free_hugepages`);
      const e = await refused(twoCells(256));
      expect(e.code).toBe('invalid-input');
      expect(e.message).toContain(`needs 256 pages of 2 MiB on node 0; node 0 has ${free} free`);
      expect(e.issues?.[0]?.path).toEqual(['change', 'hugepages']);
      expect(await inactive()).toBe(before);
      const p = await f!.call('tuning.preview', { ...ref(), change: twoCells(256) }).then(
        () => null,
        (e: { remote: RemoteError }) => e.remote,
      );
      expect(p?.message).toContain('needs 256 pages of 2 MiB on node 0');
    });

    it('shows the host’s 2 MiB pool of node 0 with its free pages', async () => {
      const g = await f!.call<TuningGetOutput>('tuning.get', ref());
      const pool = g.host.hugepages.find((p) => p.cell === 0 && p.sizeKiB === 2048);
      expect(pool?.total).toBe(read(`${POOL}/nr_hugepages`));
      expect(pool?.free).toBe(read(`${POOL}/free_hugepages`));
    });

    it('applies two cells on 2 MiB pages; the guest boots with two NUMA nodes on hugetlbfs', async () => {
      const preview = await f!.call<{ beforeXml: string; proposedXml: string }>('tuning.preview', {
        ...ref(),
        change: twoCells(64),
      });
      expect(preview.beforeXml).not.toContain('<numa>');
      expect(preview.proposedXml).toContain('<cell id="0" cpus="0" memory="65536" unit="KiB"/>');
      expect(preview.proposedXml).toContain('<memnode cellid="1" mode="strict" nodeset="0"/>');
      expect(await inactive()).not.toContain('<numa>'); // a preview changes nothing

      const r = await apply(twoCells(64));
      expect(r).toMatchObject({ timing: 'next-boot', config: 'applied', live: 'not-running' });
      const xml = DomainXml.parse(await inactive());
      expect(readGuestNuma(xml)).toEqual({
        cells: [0, 1].map((id) => ({
          id,
          cpus: [id],
          memoryKiB: 65536,
          hostNodes: { mode: 'strict', nodeset: [0] },
        })),
        hugepages: [{ sizeKiB: 2048, cells: null }],
      });
      expect(xml.memoryKiB).toBe(131072);

      const freeBefore = read(`${POOL}/free_hugepages`);
      await f!.client.domainCreate(dom);
      dom = await f!.client.domainLookupByName(name);
      const argv = fs.readFileSync(`/proc/${qemuPid(name)}/cmdline`, 'utf8').split('\0');
      const args = argv.join(' ');
      expect(args).toMatch(/-numa node,nodeid=0,cpus=0,memdev=ram-node0/);
      expect(args).toMatch(/-numa node,nodeid=1,cpus=1,memdev=ram-node1/);
      const backends = argv.filter((a) => a.includes('memory-backend-file'));
      expect(backends).toHaveLength(2);
      for (const b of backends) expect(b).toContain(mountDir);
      expect(freeBefore - read(`${POOL}/free_hugepages`)).toBe(64);

      const live = DomainXml.parse(await other!.domainGetXMLDesc(await other!.domainLookupByUUID(uuid), 0));
      expect(readGuestNuma(live).cells.map((c) => c.cpus)).toEqual([[0], [1]]);
    }, 120_000);

    it('while it runs, its own pages count as free for the next boot; the change waits for a restart', async () => {
      expect(read(`${POOL}/free_hugepages`)).toBeLessThan(64);
      const swapped = twoCells(64) as Extract<TuningChange, { kind: 'guest-numa' }>;
      swapped.cells = swapped.cells.map((c) => ({ ...c, cpus: [1 - c.id] }));
      const r = await apply(swapped);
      expect(r).toMatchObject({ timing: 'next-boot', config: 'applied', live: 'unchanged' });
      expect(r.message).toMatch(/when .* next starts; libvirt cannot change it on a running VM/);
      expect(readGuestNuma(DomainXml.parse(await inactive())).cells.map((c) => c.cpus)).toEqual([[1], [0]]);
    });

    it('what libvirt refuses anyway comes back with its own message, the definition unchanged', async () => {
      // libvirt wants 'restrictive' memnodes when the VM's memory mode is 'restrictive': a rule of its own.
      await f!.client.domainDestroy(dom).catch(() => {});
      await apply({ kind: 'numatune', mode: 'restrictive', nodeset: [0] });
      const before = await inactive();
      const r = await apply(twoCells(64));
      expect(r).toMatchObject({ timing: 'next-boot', config: 'failed', live: 'unchanged' });
      expect(r.message).toMatch(
        /^libvirt refused the guest NUMA cells and huge pages of .*; nothing was changed\.$/,
      );
      expect(r.detail).toMatch(/restrictive/);
      expect(await inactive()).toBe(before);
      await apply({ kind: 'numatune', mode: 'strict', nodeset: [0] });
    });

    it('no cells removes the guest topology and the huge pages', async () => {
      await f!.client.domainDestroy(dom).catch(() => {});
      const r = await apply({ kind: 'guest-numa', cells: [], hugepages: null });
      expect(r.config).toBe('applied');
      const s = await inactive();
      expect(readGuestNuma(DomainXml.parse(s))).toEqual({ cells: [], hugepages: null });
      expect(s).not.toContain('memnode');
    });
  },
);
