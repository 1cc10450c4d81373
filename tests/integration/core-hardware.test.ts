/**
 * The Hardware tab's calls through the core on the QEMU session daemon with the tiny guest: every editor
 * kind applied to the shut-off VM and read back from libvirt's own XML; then, running, a hot-added vCPU
 * shows up in the guest's /sys/devices/system/cpu and the balloon changes MemTotal as the guest sees it;
 * a change the running VM cannot take is saved for the next boot and listed as waiting for a restart;
 * refused values never reach libvirt; an apply costs at most two libvirt changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../electron/libvirt/index.js';
import { constants } from '../../electron/libvirt/index.js';
import {
  DomainXml,
  readBoot,
  readCpu,
  readMemory,
  setMemory,
  setVcpus,
} from '../../electron/libvirt-xml/index.js';
import type {
  HardwareApplyOutput,
  HardwareChange,
  HardwareGetOutput,
} from '../../shared/contract/hardware.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { guestShell } from '../support/guest-shell.js';
import { removeGuest, waitForGuestBoot } from '../support/guest-life.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';
import path from 'node:path';
import fs from 'node:fs';

const { DomainXMLFlags } = constants;
const MiB = 1024;

describe('hardware editor through the core', () => {
  const env = testEnv();
  const name = uniqueGuestName('hw');
  const serialLog = path.join(env.scratchDir, `${name}.serial.log`);
  let fx: CoreFixture;
  let dom: DomainRef;
  const ref = () => ({ connectionId: fx.connectionId, uuid: dom.uuid });
  const get = () => fx.call<HardwareGetOutput>('hardware.get', ref());
  const apply = (change: HardwareChange, preview?: boolean) =>
    fx.call<HardwareApplyOutput>('hardware.apply', { ...ref(), change, ...(preview ? { preview } : {}) });
  /** The next-boot config as libvirt has it. */
  const configXml = async () => fx.client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
  const config = async () => DomainXml.parse(await configXml());

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    // 1 of at most 2 vCPUs, 256 MiB: room to hot-plug and to balloon.
    const xml = DomainXml.parse(
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        serial: 'pty',
        serialLog,
      }),
    );
    setVcpus(xml, 1, 2);
    setMemory(xml, 256 * MiB, 256 * MiB);
    dom = await fx.client.domainDefineXML(xml.toString());
  }, 60_000);

  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], name);
      await fx.stop();
    }
    fs.rmSync(serialLog, { force: true });
  });

  it('reads the shut-off VM and the host limits', async () => {
    const hw = await get();
    expect(hw.live).toBeNull();
    expect(hw.pending).toEqual([]);
    expect(hw.config.cpu).toMatchObject({ vcpus: 1, maxVcpus: 2 });
    expect(hw.config.memory).toMatchObject({ currentKiB: 256 * MiB, maxKiB: 256 * MiB });
    expect(hw.config.boot).toMatchObject({ firmware: 'bios', kernel: { kernel: env.guestKernel } });
    expect(hw.config.devices.map((d) => d.type)).toContain('serial');
    expect(hw.limits.maxVcpus).toBeGreaterThanOrEqual(2);
    expect(hw.limits.hostCpus).toBeGreaterThan(0);
    expect(hw.limits.hostMemoryKiB).toBeGreaterThan(256 * MiB);
    expect(hw.limits.diskBuses).toContain('virtio');
  });

  it('previews without changing anything', async () => {
    const before = await configXml();
    const r = await apply({ kind: 'cpu', vcpus: 2, maxVcpus: 2 }, true);
    expect(r).toMatchObject({ live: 'unchanged', config: 'unchanged', timing: 'next-boot' });
    expect(readCpu(DomainXml.parse(r.after!))).toMatchObject({ vcpus: 2 });
    expect(readCpu(DomainXml.parse(r.before!))).toMatchObject({ vcpus: 1 });
    expect(await configXml()).toBe(before);
  });

  it('applies every kind to the shut-off VM; libvirt keeps each', async () => {
    const topology = { sockets: 1, dies: 1, cores: 2, threads: 2 };
    expect(await apply({ kind: 'cpu', vcpus: 1, maxVcpus: 4, topology })).toMatchObject({
      live: 'not-running',
      config: 'applied',
    });
    expect(readCpu(await config())).toMatchObject({ vcpus: 1, maxVcpus: 4, topology });
    await apply({ kind: 'cpu', vcpus: 1, maxVcpus: 2, topology: null });
    expect(readCpu(await config())).toMatchObject({ vcpus: 1, maxVcpus: 2, topology: null });

    await apply({ kind: 'memory', hugepages: true, sharedAccess: true });
    expect(readMemory(await config())).toMatchObject({ hugepages: true, sharedAccess: true });
    await apply({ kind: 'memory', hugepages: false, sharedAccess: false });
    expect(readMemory(await config())).toMatchObject({ hugepages: false, sharedAccess: false, source: null });
    await apply({ kind: 'memory', maxKiB: 320 * MiB, currentKiB: 320 * MiB });
    expect(readMemory(await config())).toMatchObject({ currentKiB: 320 * MiB, maxKiB: 320 * MiB });

    await apply({ kind: 'boot', menu: true });
    expect(readBoot(await config()).menu).toBe(true);
    await apply({ kind: 'boot', firmware: 'efi' });
    expect(readBoot(await config())).toMatchObject({ firmware: 'efi', secureBoot: false });
    expect(await configXml()).toMatch(/<os firmware=.efi.>/);
    await apply({ kind: 'boot', firmware: 'bios', menu: false });
    expect(readBoot(await config())).toMatchObject({ firmware: 'bios', secureBoot: false, menu: false });
    // The tiny guest boots its kernel directly: a new command line is seen by the guest (checked below).
    const kernel = readBoot(await config()).kernel!;
    await apply({ kind: 'boot', kernel: { ...kernel, cmdline: `${kernel.cmdline} vd.hw=1` } });
    expect(readBoot(await config()).kernel?.cmdline).toMatch(/ vd\.hw=1$/);
  }, 60_000);

  it('refuses values beyond the host before libvirt is called; the VM stays as it was', async () => {
    const before = await configXml();
    const hw = await get();
    const tooMany = hw.limits.maxVcpus! + 1;
    await expect(apply({ kind: 'cpu', vcpus: 1, maxVcpus: tooMany })).rejects.toMatchObject({
      remote: {
        code: 'invalid-input',
        message: `This host allows at most ${hw.limits.maxVcpus} vCPUs for this VM.`,
        issues: [{ path: ['change', 'maxVcpus'] }],
      },
    });
    const hostMiB = Math.floor(hw.limits.hostMemoryKiB / 1024);
    await expect(
      apply({ kind: 'memory', maxKiB: (hostMiB + 1024) * MiB, currentKiB: 128 * MiB }),
    ).rejects.toMatchObject({ remote: { code: 'invalid-input', issues: [{ path: ['change', 'maxKiB'] }] } });
    await expect(apply({ kind: 'cpu', vcpus: 3, maxVcpus: 2 })).rejects.toMatchObject({
      remote: { code: 'invalid-input', issues: [{ path: ['change', 'vcpus'] }] },
    });
    // The tiny guest is an i440fx ('pc') machine: libvirt offers no Secure Boot firmware for it.
    expect(hw.limits.firmware.secureBoot).toBe(false);
    await expect(apply({ kind: 'boot', firmware: 'efi', secureBoot: true })).rejects.toMatchObject({
      remote: { code: 'invalid-input', message: 'This host has no UEFI firmware with Secure Boot.' },
    });
    expect(await configXml()).toBe(before);
  });

  describe('running', () => {
    beforeAll(async () => {
      await fx.client.domainCreate(dom);
      dom = await fx.client.domainLookupByUUID(dom.uuid);
      await waitForGuestBoot(serialLog);
    }, 180_000);

    const guestCpus = async () =>
      (
        await guestShell(
          fx.client,
          dom,
          'echo cpus-$(ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l)-end',
          /cpus-(\d+)-end/,
        )
      )[1];
    const guestMemTotalKiB = async () =>
      Number(
        (
          await guestShell(
            fx.client,
            dom,
            "echo mem-$(awk '/MemTotal/{print $2}' /proc/meminfo)-end",
            /mem-(\d+)-end/,
          )
        )[1],
      );

    it('boots with the command line set while it was off', async () => {
      const m = await guestShell(
        fx.client,
        dom,
        'grep -c vd.hw=1 /proc/cmdline | sed s/^/seen-/',
        /seen-(\d)/,
      );
      expect(m[1]).toBe('1');
      const hw = await get();
      expect(hw.live).not.toBeNull();
      expect(hw.pending).toEqual([]);
    }, 60_000);

    it('hot-adds a vCPU: now and at next boot, and the guest sees it', async () => {
      expect(await guestCpus()).toBe('1');
      const calls: string[] = [];
      const orig = fx.client.call.bind(fx.client);
      fx.client.call = ((n: string, ...rest: unknown[]) => {
        calls.push(n);
        return (orig as (n: string, ...r: unknown[]) => unknown)(n, ...rest);
      }) as typeof fx.client.call;
      let r: HardwareApplyOutput;
      try {
        r = await apply({ kind: 'cpu', vcpus: 2, maxVcpus: 2 });
      } finally {
        fx.client.call = orig;
      }
      expect(r).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
      // Besides reads (finding the VM, its XML; the VM list re-reading it after libvirt's event): one
      // change for the config, one for the running VM.
      const changes = calls.filter((c) => !/^(domain|connect|node)(Get|Is|Has|Lookup|List)/.test(c));
      expect(changes).toEqual(['domainDefineXML', 'domainSetVcpusFlags']);
      await until('the guest to see 2 CPUs', 30_000, async () => (await guestCpus()) === '2');
      expect((await get()).live!.cpu.vcpus).toBe(2);
    }, 90_000);

    it('balloons the memory down: the guest sees less', async () => {
      const before = await guestMemTotalKiB();
      const r = await apply({ kind: 'memory', currentKiB: 192 * MiB });
      expect(r).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
      await until(
        'the guest to give memory back',
        30_000,
        async () => (await guestMemTotalKiB()) <= before - 100 * MiB,
      );
      const hw = await get();
      expect(hw.live!.memory.currentKiB).toBe(192 * MiB);
      expect(hw.config.memory.currentKiB).toBe(192 * MiB);
    }, 90_000);

    it('a change the running VM cannot take is saved for next boot, in plain words with libvirt’s text', async () => {
      const r = await apply({ kind: 'cpu', vcpus: 4, maxVcpus: 4 });
      expect(r.config).toBe('applied');
      expect(r.live).toBe('not-possible');
      expect(r.message).toMatch(/^Saved for next boot; the running VM could not take it now: .+/);
      expect(r.detail).toBeTruthy();
      const hw = await get();
      expect(hw.live!.cpu).toMatchObject({ vcpus: 2, maxVcpus: 2 });
      expect(hw.config.cpu).toMatchObject({ vcpus: 4, maxVcpus: 4 });
      expect(hw.pending.map((p) => [p.field, p.now, p.next])).toEqual([
        ['vcpus', '2', '4'],
        ['maxVcpus', '2', '4'],
      ]);
    }, 60_000);

    it('next-boot-only changes wait for a restart and are listed', async () => {
      const r = await apply({ kind: 'boot', menu: true });
      expect(r).toMatchObject({ live: 'unchanged', config: 'applied', timing: 'next-boot' });
      expect((await get()).pending.map((p) => p.field)).toContain('bootMenu');
    });
  });
});
