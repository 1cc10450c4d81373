/**
 * Opening a VM's serial console the way VirtDesk does (`domainTakeConsole`), on a private daemon of its
 * own (a deadlocked daemon must not take the shared one with it): closing the console and opening it again
 * at once, over and over while the guest floods it, leaves the daemon answering; libvirt 9.0 deadlocks for good when such a reopen
 * is a FORCE open that meets the abort of the previous stream (seen in CI: the event loop in virStreamAbort
 * waiting for the device table, a worker in virChrdevOpen holding it). A console held by a live reader is
 * still taken over, after the polite wait, and that reader's stream ends.
 */
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type DomainRef, type LibvirtClient } from '../../electron/libvirt/index.js';
import { startPrivateDaemon, type PrivateDaemon } from '../support/daemon.js';
import { bootTinyGuest, removeGuest } from '../support/guest-life.js';
import { uniqueGuestName } from '../support/guest.js';
import { until } from '../support/poll.js';

describe('taking a VM’s serial console', () => {
  let daemon: PrivateDaemon;
  let client: LibvirtClient;
  let other: LibvirtClient;
  let dom: DomainRef;
  const name = uniqueGuestName('console');

  beforeAll(async () => {
    daemon = await startPrivateDaemon();
    client = await openConnection(daemon.qemuUri);
    other = await openConnection(daemon.qemuUri, { readTimeoutMs: 10_000 });
    ({ dom } = await bootTinyGuest(client, name));
  });
  afterAll(async () => {
    await removeGuest([client], name);
    await client?.close().catch(() => undefined);
    await other?.close().catch(() => undefined);
    await daemon?.stop();
  });

  const read = (console: Duplex, answer: RegExp) => {
    let out = '';
    console.on('data', (b: Buffer) => (out += b.toString('latin1')));
    return () => answer.exec(out) ?? undefined;
  };

  it('closes and reopens the console 500 times while the guest floods it; the daemon keeps answering', async () => {
    // Output flowing is what keeps the daemon's event loop in the console stream's handler when the
    // abort comes: with FORCE opens this loop deadlocked libvirtd here within 80–190 rounds (3 of 3 tries).
    const flood = await client.domainTakeConsole(dom);
    flood.on('data', () => undefined);
    // In the background, so the shell still takes the commands typed at the end.
    flood.write('\nwhile true; do echo 0123456789012345678901234567890123456789; done &\n');
    await new Promise((r) => setTimeout(r, 2000));
    flood.destroy();
    for (let i = 0; i < 500; i++) {
      const console = await Promise.race([
        client.domainTakeConsole(dom),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`the console open of round ${i} got no answer`)), 20_000),
        ),
      ]);
      console.on('data', () => undefined);
      await new Promise((r) => setImmediate(r));
      console.destroy();
    }
    // A second connection's read, with a deadline: a deadlocked daemon would not answer it.
    expect(await other.connectGetVersion()).toBeGreaterThan(0);
    const console = await client.domainTakeConsole(dom);
    try {
      const seen = read(console, /sum=(\d+)/);
      console.write('\nkill $!; echo sum=$((40+2))\n');
      expect((await until('the guest shell’s answer', 30_000, seen))[1]).toBe('42');
    } finally {
      console.destroy();
    }
  });

  it('takes the console over from a live reader after the polite wait; that reader’s stream ends', async () => {
    const holder = await other.domainOpenConsole(dom, null, 0);
    const ended = new Promise<string>((resolve) => {
      holder.once('error', (e: Error) => resolve(`error: ${e.message}`));
      holder.once('end', () => resolve('end'));
      holder.once('close', () => resolve('close'));
    });
    holder.on('data', () => undefined);
    const t0 = Date.now();
    const console = await client.domainTakeConsole(dom, null, 500);
    try {
      expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
      expect(await ended).toBeTruthy();
      const seen = read(console, /sum=(\d+)/);
      console.write('\necho sum=$((20+3))\n');
      expect((await until('the guest shell’s answer', 30_000, seen))[1]).toBe('23');
    } finally {
      console.destroy();
      holder.destroy();
    }
  });

  it('refuses a console that does not exist with libvirt’s words', async () => {
    await expect(client.domainTakeConsole(dom, 'no-such-device')).rejects.toThrow(/no-such-device/);
  });
});
