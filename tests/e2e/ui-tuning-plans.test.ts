/**
 * E2E (renderer, web mode), by keyboard: the Tuning tab of a running tiny guest on the private system
 * daemon — pin two vCPUs on the host map; give vCPU 0–1 the batch policy in the realtime section after
 * reading the diff; ask for the Low latency profile and read its diff (or, on a host with too few cores,
 * its refusal), then apply Throughput after reading its diff; set a disk limit. Each step is checked in
 * libvirt's XML through a second connection. Screenshots at 800x600 and 1280x800, light and dark, of the
 * realtime section, the refusal and the profile diff go to $VD_SHOTS_DIR when set.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainAffect,
  DomainXMLFlags,
  openConnection,
  paramsToRecord,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { DomainXml, readDomainTuning, readRealtime } from '../../electron/libvirt-xml/index.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { launchBrowser, startApp, stopAll, type RunningApp } from './support/app.js';
import { hostLacksDiskWeights } from '../support/qemu-proc.js';
import { reviewShots } from './ui-helpers.js';

const sys = systemTestEnv();
/** Throughput sets no disk weight where the host takes none, and a typed weight is refused. */
const noDiskWeights = hostLacksDiskWeights();

/** The host thread id of vCPU 0 of the guest's QEMU (its command line names the guest). */
function vcpuTid(name: string): number {
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (!argv.some((a) => a === `guest=${name}` || a.startsWith(`guest=${name},`))) continue;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`))
      if (/^CPU 0\//.test(fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8'))) return Number(tid);
  }
  throw new Error(`no vCPU 0 thread for ${name}`);
}

describe.skipIf(!sys.available)(
  `renderer e2e: tuning profiles and realtime${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = uniqueGuestName('ui-tuneplan');
    let app: RunningApp;
    let page: Page;
    let second: LibvirtClient;
    let dom: DomainRef;
    const configXml = async () => second.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
    const configTuning = async () => readDomainTuning(DomainXml.parse(await configXml()));

    beforeAll(async () => {
      if (!sys.available) return;
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(sys.scratchDir, 'tiny-guest-ui-tuning-plans');
      const disk = path.join(sys.scratchDir, `${name}.img`);
      fs.writeFileSync(disk, Buffer.alloc(8 * 1024 * 1024));
      second = await openConnection(sys.uri);
      dom = await second.domainDefineXML(tinyGuestXml({ name, virtType, kernel, initrd, vcpus: 2, disk }));
      await second.domainCreate(dom);
      app = await startApp({ connections: [{ name: 'System', uri: sys.uri }] });
      page = await (await launchBrowser()).newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(app.url);
    }, 120_000);

    afterAll(async () => {
      if (!sys.available) return;
      await second?.domainDestroy(dom).catch(() => {});
      await second?.domainUndefineFlags(dom).catch(() => {});
      await second?.close();
      await stopAll();
    });

    /** The pin outcome once there is one; a refusal fails here with its own words, not a timeout. */
    const pinOutcome = async (expected: string): Promise<void> => {
      const note = page.getByTestId('tune-pin-outcome');
      await note.waitFor({ timeout: 60_000 });
      expect((await note.textContent())?.trim()).toContain(expected);
    };

    it('pins two vCPUs on the host map by keyboard', async () => {
      const host = (await second.nodeGetInfo()).cpus;
      await page.getByTestId('vm-search').fill(name);
      await page.getByTestId('vm-search').press('Enter');
      await page.keyboard.press('Enter');
      await page.locator('#tab-tuning').click();
      await page.getByTestId('tune-map').waitFor();
      await page.getByTestId('tune-rt').waitFor();

      // vCPU 0: every CPU but 0 (Space turns the first one off); vCPU 1: only CPU 0.
      await page.getByTestId('tune-target-0').focus();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      await page.keyboard.press('Enter');
      await pinOutcome('Done: in effect now and at next boot.');
      await page
        .getByTestId('tune-asked')
        .getByText(host === 2 ? '1' : `1–${host - 1}`, { exact: true })
        .waitFor();
      await page.getByTestId('tune-target-0').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab');
      for (let i = 1; i < host; i++) {
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Space');
      }
      await page.keyboard.press('Enter');
      await pinOutcome('Done: in effect now and at next boot.');
      const rest = Array.from({ length: host - 1 }, (_, i) => i + 1);
      expect((await configTuning()).vcpuPins).toEqual([
        { vcpu: 0, cpus: rest },
        { vcpu: 1, cpus: [0] },
      ]);
    }, 60_000);

    it('says what the host lacks, and sets the batch policy for vCPU 0–1 after reading the diff', async () => {
      const rt = page.getByTestId('tune-rt');
      await rt.waitFor();
      // This machine's kernel is no PREEMPT_RT kernel: the section says so in words.
      await rt.getByText('The kernel is not a realtime (PREEMPT_RT) kernel', { exact: false }).waitFor();
      await page.getByTestId('tune-rt-add').focus();
      await page.keyboard.press('Enter');
      expect(await page.getByTestId('tune-rt-vcpus-0').inputValue()).toBe('0–1');
      await page.getByTestId('tune-rt-policy-0').focus();
      await page.keyboard.type('b'); // the first policy starting with b: Batch
      expect(await page.getByTestId('tune-rt-policy-0').inputValue()).toBe('batch');
      expect(await page.getByTestId('tune-rt-priority-0').isDisabled()).toBe(true);
      await page.getByTestId('tune-rt-vcpus-0').focus();
      await page.keyboard.press('Enter');
      const review = page.getByTestId('tune-rt-proposal');
      await review.getByTestId('xml-diff').waitFor();
      await review.getByText('vcpusched', { exact: false }).first().waitFor();
      await reviewShots(page, 'tuning-realtime', { scrollTo: rt, scrollAlign: 'start' });
      // Apply has the focus once the review shows.
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('tune-rt-proposal-apply');
      await page.keyboard.press('Enter');
      const rtOutcome = page.getByTestId('tune-rt-outcome');
      await rtOutcome.getByText('Saved: in effect from the VM’s next start.').waitFor();
      // libvirt sets a vCPU's policy only when QEMU starts: nothing applies now, and the outcome says so.
      await page
        .getByTestId('tune-rt-outcome-restart')
        .getByText('the vCPU scheduler policy (vCPU 0–1 BATCH)')
        .waitFor();
      expect(await page.getByTestId('tune-rt-outcome-now').count()).toBe(0);
      await reviewShots(page, 'tuning-realtime-outcome', { scrollTo: rtOutcome });
      // The running threads, beside what was asked: still ordinary until the restart.
      await page
        .getByTestId('tune-rt-threads')
        .getByText('vCPU 0: Normal (other); vCPU 1: Normal (other)')
        .waitFor();
      expect(readRealtime(DomainXml.parse(await configXml())).vcpusched).toEqual([
        { vcpus: [0, 1], scheduler: 'batch', priority: null },
      ]);
      await page.getByTestId('tune-rt-config').getByText('vCPU 0–1: Batch').waitFor();
    }, 60_000);

    it('reads the Low latency profile (its diff, or why this host cannot honour it), then applies Throughput after reading its diff', async () => {
      const cores = (await second.nodeGetInfo()).cpus;
      const before = await configXml();
      await page.getByTestId('tune-profile-low-latency').focus();
      await page.keyboard.press('Enter');
      const review = page.getByTestId('tune-profile-proposal');
      await review.waitFor();
      if (cores < 3) {
        await review
          .getByTestId('tune-profile-proposal-refusal')
          .getByText(
            `Low latency needs one NUMA node with at least 3 cores — one for each of the VM’s 2 vCPUs and one for the emulator — and this host’s largest node, node 0, has ${cores} core${cores === 1 ? '' : 's'}.`,
          )
          .waitFor();
        expect(await review.getByTestId('xml-diff').count()).toBe(0);
        expect(await review.getByTestId('tune-profile-proposal-apply').count()).toBe(0);
        await reviewShots(page, 'tuning-profile-refused', {
          scrollTo: page.getByTestId('tune-profiles'),
          scrollAlign: 'start',
        });
        // The focus lands on the review's Cancel (the next frame after it opens): Escape is read there.
        await expect
          .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
          .toBe('tune-profile-proposal-cancel');
        await page.keyboard.press('Escape');
        await review.waitFor({ state: 'detached' });
      } else {
        await review.getByTestId('xml-diff').waitFor();
        await review.getByText('vcpupin', { exact: false }).first().waitFor();
        await expect
          .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
          .toBe('tune-profile-proposal-apply');
        await page.keyboard.press('Escape');
      }
      expect(await configXml()).toBe(before);

      // Escape gave the focus back to the Low latency button: Tab on to Throughput.
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('tune-profile-low-latency');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await review.getByTestId('xml-diff').waitFor();
      await review.getByText('CPU shares 2048, twice the default', { exact: false }).waitFor();
      await review.getByText('IOThread 1', { exact: false }).waitFor();
      // Where libvirt would refuse a disk weight, the review says why the profile sets none.
      if (noDiskWeights)
        await review.getByText('No disk weight: The host’s disk I/O scheduler', { exact: false }).waitFor();
      await review
        .getByText(
          'The VM runs: what libvirt can change on a running VM applies now, the rest at its next start.',
        )
        .waitFor();
      await reviewShots(page, 'tuning-profile-diff', {
        scrollTo: page.getByTestId('tune-profiles'),
        scrollAlign: 'start',
      });
      await reviewShots(page, 'tuning-profile-diff-xml', {
        scrollTo: review.getByTestId('xml-diff'),
        scrollAlign: 'start',
      });
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('tune-profile-proposal-apply');
      await page.keyboard.press('Enter');
      const outcome = page.getByTestId('tune-profile-outcome');
      await outcome.getByText('Throughput applied.', { exact: false }).waitFor();
      // On the running VM: the pins go, the shares and the disk weight change now; the IOThread waits.
      const now = page.getByTestId('tune-profile-outcome-now');
      await now.getByText('Applies now:').waitFor();
      for (const item of [
        'vCPU 0 may run on any host CPU',
        'vCPU 1 may run on any host CPU',
        'CPU shares 2048',
        ...(noDiskWeights ? [] : ['disk weight 800']),
      ])
        await now.getByText(item, { exact: true }).waitFor();
      const restart = page.getByTestId('tune-profile-outcome-restart');
      await restart.getByText('Waits for the restart:').waitFor();
      await restart.getByText('vda on IOThread 1', { exact: true }).waitFor();
      expect(await page.getByTestId('tune-profile-outcome-refused').count()).toBe(0);
      const live = paramsToRecord(await second.domainGetSchedulerParameters(dom, DomainAffect.LIVE));
      expect(live.cpu_shares).toBe(2048);
      // The IOThreads card follows the new definition: one IOThread, vda on it.
      await expect.poll(() => page.getByTestId('tune-iothreads-count-field').inputValue()).toBe('1');
      await reviewShots(page, 'tuning-profile-outcome', { scrollTo: outcome });
      const t = await configTuning();
      expect(t.shares).toBe(2048);
      expect(t.blkioWeight).toBe(noDiskWeights ? null : 800);
      expect(t.iothreads).toBe(1);
      // No pinning, no realtime: the vCPUs pinned above are free again from the next start.
      expect(t.vcpuPins).toEqual([]);
      expect(readRealtime(DomainXml.parse(await configXml())).vcpusched).toEqual([]);
      expect(await configXml()).toMatch(/<driver name='qemu' type='raw' iothread='1'\/>/);
      // The realtime section follows the new definition: no policy rows left over from before.
      await page
        .getByTestId('tune-rt-config')
        .getByText('ordinary scheduling for every vCPU; memory not locked')
        .waitFor();
      expect(await page.getByTestId('tune-rt-row-0').count()).toBe(0);
    }, 60_000);

    it('sets a disk limit by keyboard, live and for the next boot', async () => {
      // The limits card is drawn again once it reads Throughput's definition: type after that.
      if (noDiskWeights)
        await expect.poll(() => page.getByTestId('tune-sched-shares').inputValue()).toBe('2048');
      else await expect.poll(() => page.getByTestId('tune-blkio-weight').inputValue()).toBe('800');
      const field = page.getByTestId('tune-disk-vda-totalBytesSec');
      await field.focus();
      await field.fill('1024');
      await page.keyboard.press('Enter');
      // The limits card is drawn afresh when it reads the new values back, which can take its "Done" away
      // before it is seen: libvirt's values, then the field read back, tell that it was applied.
      await expect
        .poll(
          async () =>
            paramsToRecord(await second.domainGetBlockIoTune(dom, 'vda', DomainAffect.LIVE)).total_bytes_sec,
        )
        .toBe(1048576);
      await expect.poll(() => page.getByTestId('tune-disk-vda-totalBytesSec').inputValue()).toBe('1024');
      expect(await page.getByTestId('tune-disk-vda').getByRole('alert').count()).toBe(0);
      expect((await configTuning()).disks[0]?.iotune.totalBytesSec).toBe(1048576);
    }, 60_000);

    it(`the disk weight by keyboard: ${noDiskWeights ? 'refused at its field in words where the host’s I/O scheduler takes none, the VM unchanged' : 'applied live and for the next boot'}`, async () => {
      const before = await configXml();
      const field = page.getByTestId('tune-blkio-weight');
      await field.focus();
      await field.fill('300');
      await page.keyboard.press('Enter');
      if (noDiskWeights) {
        await page
          .getByTestId('tune-blkio')
          .getByText(
            'This host’s disk I/O scheduler takes no weights (neither BFQ nor CFQ): libvirt would refuse a disk weight',
            { exact: false },
          )
          .waitFor();
        expect(await configXml()).toBe(before);
        await reviewShots(page, 'tuning-blkio-refused', { scrollTo: page.getByTestId('tune-blkio') });
      } else await expect.poll(async () => (await configTuning()).blkioWeight).toBe(300);
    }, 60_000);

    it('applies the Low latency profile to a running one-vCPU VM after reading its diff: pins now, the rest at the restart; the realtime section reads its FIFO vCPU thread', async (ctx) => {
      // This host's 2 cores cannot give the two-vCPU VM above a core each plus one for the emulator; a
      // VM with one vCPU fits on 2 cores, so the profile is applied for real here.
      const cores = (await second.nodeGetInfo()).cpus;
      if (cores < 2) ctx.skip();
      const small = uniqueGuestName('ui-lowlat');
      const { virtType } = testEnv();
      const { kernel, initrd } = stageTinyGuest(
        sys.available ? sys.scratchDir : '',
        'tiny-guest-ui-tuning-plans',
      );
      const one = await second.domainDefineXML(
        tinyGuestXml({ name: small, virtType, kernel, initrd, vcpus: 1 }),
      );
      const restore: [string, string][] = [];
      let tid = 0;
      try {
        await second.domainCreate(one);
        await page.goto(app.url);
        await page.getByTestId('vm-search').fill(small);
        await page.getByTestId('vm-search').press('Enter');
        await page.keyboard.press('Enter');
        await page.locator('#tab-tuning').click();
        await page.getByTestId('tune-profile-low-latency').focus();
        await page.keyboard.press('Enter');
        const review = page.getByTestId('tune-profile-proposal');
        await review.getByTestId('xml-diff').waitFor();
        await review.getByText('vcpupin', { exact: false }).first().waitFor();
        await expect
          .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
          .toBe('tune-profile-proposal-apply');
        await page.keyboard.press('Enter');
        await page
          .getByTestId('tune-profile-outcome')
          .getByText('Low latency applied.', { exact: false })
          .waitFor();
        // The VM runs: its vCPU and emulator move now; the NUMA binding waits for the restart.
        const last = cores - 1;
        const now = page.getByTestId('tune-profile-outcome-now');
        await now.getByText(`vCPU 0 runs on host CPU ${last}`, { exact: true }).waitFor();
        await now
          .getByText(`the emulator threads run on host CPU${last === 1 ? ' 0' : `s 0–${last - 1}`}`, {
            exact: true,
          })
          .waitFor();
        await page
          .getByTestId('tune-profile-outcome-restart')
          .getByText('memory only from NUMA node 0', { exact: true })
          .waitFor();
        const vcpus = await second.domainGetVcpus(one);
        expect(vcpus[0]!.affinity).toEqual([last]);
        const t = readDomainTuning(
          DomainXml.parse(await second.domainGetXMLDesc(one, DomainXMLFlags.INACTIVE)),
        );
        // The vCPU on a core of its own, the emulator on the other one.
        expect(t.vcpuPins).toHaveLength(1);
        expect(t.vcpuPins[0]!.cpus).toHaveLength(1);
        expect(t.emulatorPin).toHaveLength(1);
        expect(t.emulatorPin).not.toContain(t.vcpuPins[0]!.cpus[0]);

        // Its vCPU thread at FIFO priority 1. This host budgets realtime time per cgroup and gives VMs
        // none, so libvirt could not start a FIFO vCPU: give the running vCPU's cgroups a small budget
        // (1% of a second, the host never starves) and set the policy on its thread as libvirt would.
        const machine = '/sys/fs/cgroup/cpu/machine';
        const group = fs.readdirSync(machine).find((g) => g.endsWith(`-${small}.libvirt-qemu`));
        const give = (file: string, us: number) => {
          restore.unshift([file, fs.readFileSync(file, 'utf8').trim()]);
          fs.writeFileSync(file, String(us));
        };
        give(path.join(machine, 'cpu.rt_runtime_us'), 20000);
        give(path.join(machine, group!, 'cpu.rt_runtime_us'), 10000);
        give(path.join(machine, group!, 'vcpu0', 'cpu.rt_runtime_us'), 10000);
        tid = vcpuTid(small);
        execFileSync('chrt', ['--fifo', '--pid', '1', String(tid)]);
        await page.goto(app.url);
        await page.getByTestId('vm-search').fill(small);
        await page.getByTestId('vm-search').press('Enter');
        await page.keyboard.press('Enter');
        await page.locator('#tab-tuning').click();
        const threads = page.getByTestId('tune-rt-threads');
        await threads.getByText('vCPU 0: FIFO (realtime), priority 1', { exact: true }).waitFor();
        await reviewShots(page, 'tuning-realtime-threads', {
          scrollTo: page.getByTestId('tune-rt'),
          scrollAlign: 'start',
        });
      } finally {
        if (tid !== 0) execFileSync('chrt', ['--other', '--pid', '0', String(tid)], { stdio: 'ignore' });
        for (const [file, value] of restore) fs.writeFileSync(file, value);
        await second.domainDestroy(one).catch(() => {});
        await second.domainUndefineFlags(one).catch(() => {});
      }
    }, 60_000);
  },
);
