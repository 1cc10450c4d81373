/**
 * The test bed itself: the tiny guest boots on the private daemon, and a private daemon leaves nothing
 * behind after stop(). Uses `virsh -c <uri>` (argument arrays) so it does not depend on the wire client.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findDaemonProcesses, startPrivateDaemon } from '../support/daemon.js';
import { testEnv } from '../support/env.js';
import { GUEST_BANNER, GUEST_POWEROFF_BANNER, tinyGuestXml, uniqueGuestName } from '../support/guest.js';

const run = promisify(execFile);

async function virsh(uri: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-q', '-c', uri, ...args], { timeout: 60_000 });
  return stdout;
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const readText = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

describe('test bed', () => {
  const env = testEnv();
  const defined: string[] = [];

  afterAll(async () => {
    for (const name of defined) {
      await virsh(env.qemuUri, 'destroy', name).catch(() => {});
      await virsh(env.qemuUri, 'undefine', name).catch(() => {});
    }
  });

  it('provides the private daemon coordinates', async () => {
    expect(env.qemuUri).toBe(`qemu+unix:///session?socket=${env.socketPath}`);
    expect(env.testUri).toBe(`test+unix:///default?socket=${env.socketPath}`);
    expect(fs.statSync(env.socketPath).isSocket()).toBe(true);
    // globalSetup also exports them before the workers start, so child processes inherit them.
    expect(process.env.VIRTDESK_TEST_SOCKET).toBe(env.socketPath);
    expect(await virsh(env.testUri, 'list', '--name')).toContain('test');
    expect(await virsh(env.qemuUri, 'uri')).toContain('session');
  });

  it('boots the tiny guest, prints the banner on the serial port, shuts down via ACPI', async () => {
    const name = uniqueGuestName('smoke');
    const serialLog = path.join(env.scratchDir, `${name}.serial.log`);
    const xmlFile = path.join(env.scratchDir, `${name}.xml`);
    fs.writeFileSync(
      xmlFile,
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        serial: { file: serialLog },
        vnc: true,
      }),
    );
    await virsh(env.qemuUri, 'define', xmlFile);
    defined.push(name);
    const t0 = Date.now();
    await virsh(env.qemuUri, 'start', name);
    expect((await virsh(env.qemuUri, 'domstate', name)).trim()).toBe('running');

    await waitFor('the guest banner on ttyS0', 150_000, () =>
      readText(serialLog).includes(GUEST_BANNER) ? true : undefined,
    );
    console.log(`tiny guest (${env.virtType}) ready in ${Date.now() - t0} ms`);

    // VGA + VNC on loopback: the banner is on tty0 too (a screenshot is a non-trivial image).
    expect((await virsh(env.qemuUri, 'vncdisplay', name)).trim()).toMatch(/^127\.0\.0\.1:\d+$/);
    const shot = path.join(env.scratchDir, `${name}.screen`);
    await virsh(env.qemuUri, 'screenshot', name, shot);
    expect(fs.statSync(shot).size).toBeGreaterThan(1000);

    // ACPI power button → busybox acpid → poweroff -f.
    await virsh(env.qemuUri, 'shutdown', '--mode', 'acpi', name);
    await waitFor('the guest to power off', 90_000, async () =>
      (await virsh(env.qemuUri, 'domstate', name)).trim() === 'shut off' ? true : undefined,
    );
    expect(readText(serialLog)).toContain(GUEST_POWEROFF_BANNER);

    // And destroy works too.
    await virsh(env.qemuUri, 'start', name);
    await virsh(env.qemuUri, 'destroy', name);
    expect((await virsh(env.qemuUri, 'domstate', name)).trim()).toBe('shut off');
  }, 300_000); // TCG boot on a loaded 2-CPU machine can take tens of seconds

  it('stop() kills the daemon and its guests and removes its folder', async () => {
    const d = await startPrivateDaemon();
    const name = uniqueGuestName('stop');
    const xmlFile = path.join(d.scratchDir, `${name}.xml`);
    fs.writeFileSync(
      xmlFile,
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        serial: { file: path.join(d.scratchDir, 'serial.log') },
      }),
    );
    try {
      await virsh(d.qemuUri, 'define', xmlFile);
      await virsh(d.qemuUri, 'start', name);
      const procs = findDaemonProcesses(d.dir, d.uid);
      expect(procs).toContain(d.pid);
      expect(procs.length).toBeGreaterThan(1); // libvirtd + qemu (+ virtlogd)
    } finally {
      await d.stop();
    }
    expect(findDaemonProcesses(d.dir)).toEqual([]);
    expect(fs.existsSync(d.dir)).toBe(false);
    expect(() => process.kill(d.pid, 0)).toThrow();
    // The run's own daemon is untouched.
    expect(await virsh(env.testUri, 'list', '--name')).toContain('test');
  });
});
