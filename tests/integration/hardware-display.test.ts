/**
 * The Hardware tab's display and device kinds (graphics, video, sound, input, TPM, RNG, watchdog) through
 * the contract (`hardware.apply` / `hardware.get`) on the QEMU session daemon: each change read back from
 * libvirt's XML through a second connection; on the running tiny guest the live ones confirmed where the
 * guest can show them (a hot-added RNG bound by the guest's virtio-rng driver, a VNC password read back
 * with SECURE); a TPM added to a defined VM starts with swtpm and the guest sees it; refusals happen
 * before libvirt is called and leave the VM as it was.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  HardwareApplyOutput,
  HardwareChange,
  HardwareGetOutput,
} from '../../shared/contract/hardware.js';
import {
  DomainXMLFlags,
  openConnection,
  type DomainRef,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import {
  graphicsDetails,
  inputDetails,
  rngDetails,
  soundDetails,
  tpmDetails,
  videoDetails,
  watchdogDetails,
  DomainXml,
} from '../../electron/libvirt-xml/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { bootTinyGuest, removeGuest, waitForGuestBoot } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';

/** The tiny guest with a VNC display that has a password (the live password change needs one). */
const withVnc = (xml: string) =>
  xml.replace(
    "<video><model type='none'/></video>",
    "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='first1'><listen type='address' address='127.0.0.1'/></graphics>\n    <video><model type='vga'/></video>",
  );

describe('hardware.apply for displays and devices on the QEMU session daemon', () => {
  const env = testEnv();
  const name = uniqueGuestName('hwdisp');
  const offName = uniqueGuestName('hwdisp-off');
  let fx: CoreFixture;
  let other: LibvirtClient; // a second connection: what libvirt has, not what the core says
  let dom: DomainRef;
  let offDom: DomainRef;

  const call = {
    get: (uuid: string) =>
      fx.call<HardwareGetOutput>('hardware.get', { connectionId: fx.connectionId, uuid }),
    apply: (uuid: string, change: HardwareChange) =>
      fx.call<HardwareApplyOutput>('hardware.apply', { connectionId: fx.connectionId, uuid, change }),
  };
  const apply = (change: HardwareChange) => call.apply(dom.uuid, change);
  const xmls = async (d = dom, secure = false) => {
    const s = secure ? DomainXMLFlags.SECURE : 0;
    const active = await other.domainIsActive(d);
    return {
      live: active ? DomainXml.parse(await other.domainGetXMLDesc(d, s)) : null,
      config: DomainXml.parse(await other.domainGetXMLDesc(d, DomainXMLFlags.INACTIVE | s)),
    };
  };
  const snapshot = async (d = dom) => {
    const x = await xmls(d, true);
    return [x.live?.toString() ?? '', x.config.toString()];
  };
  /** The RemoteError of a refused call. */
  const refused = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('not refused');
      },
      (e: { remote?: { code?: string; message: string; issues?: { path: (string | number)[] }[] } }) => {
        if (!e.remote) throw e;
        return e.remote;
      },
    );
  /** The guest's hardware RNGs (the kernel's hw_random list), e.g. 'virtio_rng.0' or ''. */
  const guestRngs = async (): Promise<string> => {
    const m = await guestShell(
      other,
      dom,
      'echo rng-$(cat /sys/class/misc/hw_random/rng_available 2>/dev/null | tr " " ,)-$((6*7))',
      /rng-([\w.,]*)-42/,
    );
    return m[1] ?? '';
  };

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    other = await openConnection(env.qemuUri);
    ({ dom } = await bootTinyGuest(fx.client, name, { edit: withVnc }));
    offDom = await other.domainDefineXML(
      tinyGuestXml({
        name: offName,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        serial: 'pty',
        serialLog: `${env.scratchDir}/${offName}.serial.log`,
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await removeGuest([other], name);
    await removeGuest([other], offName);
    await other?.close().catch(() => undefined);
    await fx?.stop();
  });

  it('hardware.get shows the display and video, and the host’s TPM/RNG offer', async () => {
    const hw = await call.get(dom.uuid);
    expect(hw.config.graphics).toEqual([
      { type: 'vnc', listen: '127.0.0.1', listenType: 'address', autoport: true, port: null },
    ]);
    expect(hw.live?.graphics[0]).toMatchObject({ type: 'vnc', autoport: true, port: expect.any(Number) });
    expect(hw.config.video).toEqual([{ model: 'vga', primary: true }]);
    expect(hw.limits.tpmBackends).toContain('emulator'); // swtpm is installed
    expect(hw.limits.rngModels).toContain('virtio');
    expect(hw.limits.deviceSupport).toMatchObject({ tpm: true, rng: true, video: true });
  });

  it('hot-adds a VirtIO RNG: live and config, the guest’s virtio-rng driver binds it; removal unbinds it', async () => {
    expect(await guestRngs()).not.toMatch(/virtio_rng/);
    const r = await apply({ kind: 'rng.add', model: 'virtio', source: '/dev/urandom' });
    expect(r).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    const { live, config } = await xmls();
    for (const x of [live!, config])
      expect(rngDetails(x)).toEqual([{ model: 'virtio', backend: 'random', source: '/dev/urandom' }]);
    await until('the guest to see the RNG', 30_000, async () => /virtio_rng/.test(await guestRngs()));

    expect(await apply({ kind: 'rng.remove', index: 0 })).toMatchObject({
      live: 'applied',
      config: 'applied',
    });
    const after = await xmls();
    expect(rngDetails(after.live!)).toEqual([]);
    expect(rngDetails(after.config)).toEqual([]);
    await until('the RNG to leave the guest', 30_000, async () => !/virtio_rng/.test(await guestRngs()));
  }, 120_000);

  it('changes the VNC password of the running VM: read back with SECURE, live and for next boot', async () => {
    const r = await apply({ kind: 'graphics.edit', index: 0, type: 'vnc', password: 'n3wpass' });
    expect(r).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    const { live, config } = await xmls(dom, true);
    expect(live!.graphics[0]?.attrs.passwd).toBe('n3wpass');
    expect(config.graphics[0]?.attrs.passwd).toBe('n3wpass');
    // Without SECURE libvirt does not hand the password out (nor does hardware.get).
    expect((await xmls()).config.graphics[0]?.attrs.passwd).toBeUndefined();
  });

  it('listen address and port: for next boot, listed as waiting for a restart', async () => {
    const r = await apply({ kind: 'graphics.edit', index: 0, type: 'vnc', listen: '::1', port: 5977 });
    expect(r).toMatchObject({ live: 'unchanged', config: 'applied', timing: 'next-boot' });
    const { live, config } = await xmls(dom, true);
    expect(graphicsDetails(config)[0]).toMatchObject({ listen: '::1', autoport: false, port: 5977 });
    expect(config.graphics[0]?.attrs.passwd).toBe('n3wpass'); // kept through the definition
    expect(graphicsDetails(live!)[0]).toMatchObject({ listen: '127.0.0.1', autoport: true });
    expect((await call.get(dom.uuid)).pending).toContainEqual(expect.objectContaining({ kind: 'graphics' }));
  });

  it('input: a VirtIO tablet plugged in and out of the running VM', async () => {
    const add = await apply({ kind: 'input.add', type: 'tablet', bus: 'virtio' });
    expect(add).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    for (const x of Object.values(await xmls()))
      expect(inputDetails(x!)).toContainEqual({ type: 'tablet', bus: 'virtio' });
    const rm = await apply({ kind: 'input.remove', type: 'tablet', bus: 'virtio' });
    expect(rm).toMatchObject({ live: 'applied', config: 'applied' });
    for (const x of Object.values(await xmls()))
      expect(inputDetails(x!)).not.toContainEqual({ type: 'tablet', bus: 'virtio' });
  }, 60_000);

  it('watchdog: an i6300esb plugged into the running VM, its action changed live, then removed', async () => {
    const add = await apply({ kind: 'watchdog.add', model: 'i6300esb', action: 'reset' });
    expect(add).toMatchObject({ live: 'applied', config: 'applied', timing: 'both' });
    for (const x of Object.values(await xmls()))
      expect(watchdogDetails(x!)).toEqual([{ model: 'i6300esb', action: 'reset' }]);
    const act = await apply({ kind: 'watchdog.action', index: 0, action: 'pause' });
    expect(act.config).toBe('applied');
    const { live, config } = await xmls();
    expect(watchdogDetails(config)[0]?.action).toBe('pause');
    // libvirt changes the action of a running VM where it can (newer libvirt); libvirt 9.0 cannot, and
    // the answer says so with its words while the running VM keeps its action.
    if (act.live === 'applied') expect(watchdogDetails(live!)[0]?.action).toBe('pause');
    else {
      expect(act).toMatchObject({
        live: 'not-possible',
        message: expect.stringMatching(/^Saved for next boot; the running VM could not take it now: /),
        detail: expect.stringMatching(/watchdog/),
      });
      expect(watchdogDetails(live!)[0]?.action).toBe('reset');
    }
    const rm = await apply({ kind: 'watchdog.remove', index: 0 });
    expect(rm.config).toBe('applied');
    expect(watchdogDetails((await xmls()).config)).toEqual([]);
  }, 90_000);

  it('sound and video: for next boot only; the running VM keeps its own', async () => {
    expect(await apply({ kind: 'sound.add', model: 'ich6' })).toMatchObject({
      live: 'unchanged',
      config: 'applied',
      timing: 'next-boot',
    });
    expect(await apply({ kind: 'video.model', index: 0, model: 'virtio' })).toMatchObject({
      config: 'applied',
      timing: 'next-boot',
    });
    const { live, config } = await xmls();
    expect(soundDetails(config)).toEqual([{ model: 'ich6' }]);
    expect(soundDetails(live!)).toEqual([]);
    expect(videoDetails(config)[0]?.model).toBe('virtio');
    expect(videoDetails(live!)[0]?.model).toBe('vga');
    const pending = (await call.get(dom.uuid)).pending.map((p) => p.kind);
    expect(pending).toEqual(expect.arrayContaining(['sound', 'video']));
    expect(await apply({ kind: 'sound.remove', index: 0 })).toMatchObject({ config: 'applied' });
    expect(soundDetails((await xmls()).config)).toEqual([]);
  });

  it('refusals before libvirt: an unknown video model, a tablet on PS/2, a VNC port below 5900', async () => {
    const before = await snapshot();
    const video = await refused(apply({ kind: 'video.model', index: 0, model: 'voodoo' }));
    expect(video).toMatchObject({ code: 'invalid-input' });
    expect(video.message).toMatch(/does not offer the video model voodoo .*\(it offers .*virtio/);
    expect(video.issues?.[0]?.path).toEqual(['change', 'model']);
    const ps2 = await refused(apply({ kind: 'input.add', type: 'tablet', bus: 'ps2' }));
    expect(ps2.issues?.[0]?.path).toEqual(['change', 'bus']);
    const port = await refused(apply({ kind: 'graphics.add', type: 'vnc', listen: '127.0.0.1', port: 5000 }));
    expect(port.issues?.[0]?.path).toEqual(['change', 'port']);
    const itco = await refused(apply({ kind: 'watchdog.add', model: 'itco', action: 'reset' }));
    expect(itco.message).toMatch(/part of the Q35 chipset/);
    expect(await snapshot()).toEqual(before);
  });

  it('a defined VM: each kind applied and read back from its configuration', async () => {
    const uuid = offDom.uuid;
    const changes: HardwareChange[] = [
      { kind: 'graphics.add', type: 'spice', listen: '127.0.0.1', port: 5940, password: 'sp1ce' },
      { kind: 'video.model', index: 0, model: 'virtio' },
      { kind: 'sound.add', model: 'ich9' },
      { kind: 'input.add', type: 'keyboard', bus: 'usb' },
      { kind: 'rng.add', model: 'virtio', source: '/dev/random' },
      { kind: 'watchdog.add', model: 'i6300esb', action: 'poweroff' },
    ];
    for (const c of changes)
      expect(await call.apply(uuid, c), c.kind).toMatchObject({ live: 'not-running', config: 'applied' });
    const { config } = await xmls(offDom, true);
    expect(graphicsDetails(config)).toEqual([
      { type: 'spice', listen: '127.0.0.1', listenType: 'address', autoport: false, port: 5940 },
    ]);
    expect(config.graphics[0]?.attrs.passwd).toBe('sp1ce');
    expect(videoDetails(config)[0]?.model).toBe('virtio');
    expect(soundDetails(config)).toEqual([{ model: 'ich9' }]);
    expect(inputDetails(config)).toContainEqual({ type: 'keyboard', bus: 'usb' });
    expect(rngDetails(config)).toEqual([{ model: 'virtio', backend: 'random', source: '/dev/random' }]);
    expect(watchdogDetails(config)).toEqual([{ model: 'i6300esb', action: 'poweroff' }]);
    // And out again.
    for (const c of [
      { kind: 'graphics.remove', index: 0 },
      { kind: 'sound.remove', index: 0 },
      { kind: 'input.remove', type: 'keyboard', bus: 'usb' },
      { kind: 'rng.remove', index: 0 },
      { kind: 'watchdog.remove', index: 0 },
    ] as HardwareChange[])
      expect(await call.apply(uuid, c), c.kind).toMatchObject({ config: 'applied' });
    const after = (await xmls(offDom)).config;
    expect([graphicsDetails(after), soundDetails(after), rngDetails(after), watchdogDetails(after)]).toEqual([
      [],
      [],
      [],
      [],
    ]);
    expect(inputDetails(after)).not.toContainEqual({ type: 'keyboard', bus: 'usb' });
  }, 60_000);

  it('an emulated TPM 2.0 on the defined VM: it starts with swtpm and the guest sees the TPM', async () => {
    const r = await call.apply(offDom.uuid, { kind: 'tpm.add', model: 'tpm-crb', version: '2.0' });
    expect(r).toMatchObject({ live: 'not-running', config: 'applied', timing: 'next-boot' });
    expect(tpmDetails((await xmls(offDom)).config)).toEqual([
      { model: 'tpm-crb', backend: 'emulator', version: '2.0' },
    ]);
    const dup = await refused(call.apply(offDom.uuid, { kind: 'tpm.add', model: 'tpm-tis', version: '2.0' }));
    expect(dup.message).toBe('This VM already has an emulated TPM.');

    // A VNC display without a password, for the refusal below.
    expect(
      await call.apply(offDom.uuid, { kind: 'graphics.add', type: 'vnc', listen: '127.0.0.1', port: null }),
    ).toMatchObject({ config: 'applied' });
    await other.domainCreate(offDom);
    await waitForGuestBoot(`${env.scratchDir}/${offName}.serial.log`);
    const live = (await xmls(offDom)).live!;
    expect(tpmDetails(live)).toEqual([{ model: 'tpm-crb', backend: 'emulator', version: '2.0' }]);
    // swtpm runs for this VM (libvirt names its socket and state after the VM).
    const swtpm = fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
        } catch {
          return '';
        }
      })
      .filter((c) => c.startsWith('swtpm ') || c.includes('/swtpm '));
    expect(swtpm.some((c) => c.includes(offDom.uuid) || c.includes(offName))).toBe(true);
    const m = await guestShell(
      other,
      offDom,
      'echo tpm-$(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null || echo none)-$((6*7))',
      /tpm-(\w+)-42/,
    );
    expect(m[1]).toBe('2');

    // Its display started without a password: a new one is saved for next boot, and the answer says why
    // the running VM cannot take it.
    const pw = await call.apply(offDom.uuid, {
      kind: 'graphics.edit',
      index: 0,
      type: 'vnc',
      password: 'later1',
    });
    expect(pw).toMatchObject({ live: 'failed', config: 'applied', timing: 'both' });
    expect(pw.message).toMatch(/^Saved for next boot; .*started without a password/);
    const secure = await xmls(offDom, true);
    expect(secure.config.graphics[0]?.attrs.passwd).toBe('later1');
    expect(secure.live!.graphics[0]?.attrs.passwd).toBeUndefined();
    await other.domainDestroy(offDom);
  }, 180_000);
});
