/**
 * Call deadlines and keepalive against the real private libvirtd, stopped with SIGSTOP: a read with a
 * deadline fails in time with a clear message and the same connection answers again after SIGCONT; a
 * call without a deadline is ended by keepalive once the daemon stays silent. The daemon is shared by
 * the whole run, so every SIGSTOP is undone in a `finally`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  LibvirtCallTimeoutError,
  LibvirtConnectionError,
  openConnection,
  type CloseInfo,
  type LibvirtClient,
} from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';

const clients: LibvirtClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
});

/** Runs `fn` with the daemon stopped; it always continues afterwards, whatever `fn` did. */
async function whileStopped<T>(pid: number, fn: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

describe('libvirt call deadlines (daemon stopped with SIGSTOP)', () => {
  it('a read with a deadline fails within it; after SIGCONT the same connection answers', async () => {
    const { testUri, daemonPid } = testEnv();
    const client = await openConnection(testUri, { readTimeoutMs: 1500 });
    clients.push(client);
    const before = await client.connectListAllDomains();
    expect(before.length).toBeGreaterThan(0);

    const { err, waited } = await whileStopped(daemonPid, async () => {
      const t0 = performance.now();
      const e = await client.connectListAllDomains().catch((x: unknown) => x);
      return { err: e, waited: performance.now() - t0 };
    });
    expect(err).toBeInstanceOf(LibvirtCallTimeoutError);
    expect((err as Error).message).toBe(
      'libvirt did not answer connectListAllDomains within 1.5 s (nothing received from it meanwhile)',
    );
    expect(waited).toBeGreaterThanOrEqual(1490);
    expect(waited).toBeLessThan(3000);

    // Resumed: the late reply of the abandoned call is dropped, and the connection serves calls again.
    expect(client.isOpen).toBe(true);
    const after = await client.connectListAllDomains();
    expect(after.map((d) => d.uuid).sort()).toEqual(before.map((d) => d.uuid).sort());
    await expect(client.connectGetVersion()).resolves.toBeGreaterThan(0);
  });

  it('a call without a deadline waits until keepalive declares the stopped daemon dead', async () => {
    const { testUri, daemonPid } = testEnv();
    const client = await openConnection(testUri, { keepaliveInterval: 1, keepaliveCount: 2 });
    clients.push(client);
    await client.connectGetVersion();
    const closed = new Promise<CloseInfo>((resolve) => client.once('close', resolve));

    const { err, info } = await whileStopped(daemonPid, async () => {
      // domainCreate-like calls get no deadline: only keepalive ends this wait.
      const e = await client
        .call('connectListAllDomains', { need_results: 1, flags: 0 })
        .catch((x: unknown) => x);
      return { err: e, info: await closed };
    });
    expect(info.reason).toBe('keepalive');
    expect(err).toBeInstanceOf(LibvirtConnectionError);
    expect(err).not.toBeInstanceOf(LibvirtCallTimeoutError);
    expect((err as Error).message).toMatch(/^no response from libvirt for \d+ s \(keepalive timeout\)$/);

    // The daemon itself is fine once continued: a new connection works.
    const again = await openConnection(testUri);
    clients.push(again);
    await expect(again.connectGetVersion()).resolves.toBeGreaterThan(0);
  });
});
