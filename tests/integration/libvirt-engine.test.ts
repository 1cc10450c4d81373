/**
 * The wire engine against real libvirtd daemons: the shared private daemon of the test bed for
 * ordinary calls, and a second private daemon of our own that we freeze and kill.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection as openClient } from '../../electron/libvirt/index.js';
import { openConnection, type Connection } from '../../electron/libvirt/connection.js';
import type { CloseInfo } from '../../electron/libvirt/engine.js';
import { LibvirtConnectionError, LibvirtError } from '../../electron/libvirt/errors.js';
import {
  fixedOpaque,
  int,
  optional,
  string,
  struct,
  uhyper,
  uint,
  voidT,
} from '../../electron/libvirt/xdr/schema.js';
import { startPrivateDaemon, type PrivateDaemon } from '../support/daemon.js';
import { testEnv } from '../support/env.js';

// Procedure numbers and shapes from src/remote/remote_protocol.x.
const PROC_CONNECT_GET_TYPE = 3;
const PROC_CONNECT_GET_VERSION = 4;
const PROC_DOMAIN_LOOKUP_BY_NAME = 23;
const PROC_DOMAIN_SCREENSHOT = 211;
const str = string(4194304);
const dom = struct({ name: str, uuid: fixedOpaque(16), id: int });
const versionRet = struct({ hv_ver: uhyper });
const typeRet = struct({ type: str });

describe('engine against the shared private daemon', () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await openConnection(testEnv().testUri);
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('opens the test driver and gets the version', async () => {
    expect(conn.daemonUri).toBe('test:///default');
    const { hv_ver } = await conn.call(PROC_CONNECT_GET_VERSION, voidT, undefined, versionRet);
    expect(hv_ver).toBeGreaterThan(0n);
    expect(conn.keepalive.running).toBe(true);
  });

  it('pipelines many calls and matches every reply', async () => {
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        i % 2
          ? conn.call(PROC_CONNECT_GET_TYPE, voidT, undefined, typeRet).then((r) => r.type)
          : conn.call(PROC_CONNECT_GET_VERSION, voidT, undefined, versionRet).then((r) => r.hv_ver),
      ),
    );
    results.forEach((r, i) => {
      if (i % 2) expect(r).toBe('TEST');
      else expect(typeof r).toBe('bigint');
    });
  });

  it('keeps libvirt’s own error message', async () => {
    const err = await conn
      .call(PROC_DOMAIN_LOOKUP_BY_NAME, struct({ name: str }), { name: 'no-such-vm' }, struct({ dom }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    // The test driver's own wording (the qemu driver adds "no domain with matching name …").
    expect((err as LibvirtError).message).toMatch(/^Domain not found/);
    expect((err as LibvirtError).domain).toBe(12); // VIR_FROM_TEST
    expect((err as LibvirtError).code).toBe(42); // VIR_ERR_NO_DOMAIN
    expect(conn.closed).toBe(false);
  });

  it('reads a stream (test driver screenshot) to the end', async () => {
    const { dom: test } = await conn.call(
      PROC_DOMAIN_LOOKUP_BY_NAME,
      struct({ name: str }),
      { name: 'test' },
      struct({ dom }),
    );
    const { stream, ret } = await conn.openStream(
      PROC_DOMAIN_SCREENSHOT,
      struct({ dom, screen: uint, flags: uint }),
      { dom: test, screen: 0, flags: 0 },
      struct({ mime: optional(str) }),
      'read',
    );
    expect(ret.mime).toBe('image/png');
    const parts: Buffer[] = [];
    for await (const chunk of stream) parts.push(chunk as Buffer);
    const png = Buffer.concat(parts);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // The connection is still healthy after the stream's finish handshake.
    await conn.call(PROC_CONNECT_GET_VERSION, voidT, undefined, versionRet);
  });
});

describe('streams against the qemu session driver', () => {
  it('uploads 24 MiB into a volume and downloads the same bytes back', async () => {
    const env = testEnv();
    const client = await openClient(env.qemuUri);
    const tag = `vd-engine-${process.pid}-${Date.now()}`;
    const dir = path.join(env.scratchDir, tag);
    fs.mkdirSync(dir);
    fs.chownSync(dir, env.daemonUid, env.daemonGid);
    const size = 24 * 1024 * 1024;
    const pool = await client.storagePoolCreateXML(
      `<pool type='dir'><name>${tag}</name><target><path>${dir}</path></target></pool>`,
    );
    try {
      const vol = await client.storageVolCreateXML(
        pool,
        `<volume><name>data.raw</name><capacity unit='bytes'>${size}</capacity>` +
          `<target><format type='raw'/></target></volume>`,
      );
      const data = randomBytes(size);
      const upload = await client.storageVolUpload(vol, 0, size);
      // 1 MiB chunks through pipeline(): exercises write backpressure and the finish handshake.
      await pipeline(
        Readable.from(
          (function* () {
            for (let off = 0; off < size; off += 1024 * 1024) yield data.subarray(off, off + 1024 * 1024);
          })(),
        ),
        upload,
      );
      const download = await client.storageVolDownload(vol, 0, size);
      const parts: Buffer[] = [];
      for await (const chunk of download) parts.push(chunk as Buffer);
      const back = Buffer.concat(parts);
      expect(back.length).toBe(size);
      expect(back.equals(data)).toBe(true);
      await client.storageVolDelete(vol);
    } finally {
      await client.storagePoolDestroy(pool).catch(() => undefined);
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('engine against a daemon that dies', () => {
  let daemon: PrivateDaemon;
  beforeAll(async () => {
    daemon = await startPrivateDaemon();
  });
  afterAll(async () => {
    try {
      process.kill(daemon.pid, 'SIGCONT');
    } catch {
      /* gone */
    }
    await daemon?.stop();
  });

  it('declares a frozen daemon dead via keepalive', async () => {
    const conn = await openConnection(daemon.testUri, { keepaliveInterval: 0.2, keepaliveCount: 3 });
    try {
      await new Promise((r) => setTimeout(r, 1200)); // idle but answering pings: stays open
      expect(conn.closed).toBe(false);
      const closed = new Promise<CloseInfo>((r) => conn.on('close', r));
      process.kill(daemon.pid, 'SIGSTOP');
      const pending = conn
        .call(PROC_CONNECT_GET_VERSION, voidT, undefined, versionRet)
        .catch((e: unknown) => e);
      const t0 = performance.now();
      const info = await closed;
      expect(info.reason).toBe('keepalive');
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(await pending).toBeInstanceOf(LibvirtConnectionError);
    } finally {
      process.kill(daemon.pid, 'SIGCONT');
      conn.engine.close('client');
    }
  });

  it('fails pending calls promptly and fires close once when the daemon is killed', async () => {
    const conn = await openConnection(daemon.testUri);
    const closes: CloseInfo[] = [];
    const closed = new Promise<void>((r) =>
      conn.on('close', (i: CloseInfo) => {
        closes.push(i);
        r();
      }),
    );
    const calls = Array.from({ length: 200 }, () =>
      conn.call(PROC_CONNECT_GET_VERSION, voidT, undefined, versionRet).then(
        () => 'ok' as const,
        (e: unknown) => e,
      ),
    );
    process.kill(daemon.pid, 'SIGKILL');
    const t0 = performance.now();
    const outcomes = await Promise.all(calls);
    await closed;
    expect(performance.now() - t0).toBeLessThan(2000);
    const failures = outcomes.filter((o) => o !== 'ok');
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f).toBeInstanceOf(LibvirtConnectionError);
    await new Promise((r) => setTimeout(r, 50));
    expect(closes).toHaveLength(1);
    expect(['eof', 'error']).toContain(closes[0]!.reason);
    await expect(conn.call(PROC_CONNECT_GET_VERSION, voidT, undefined, versionRet)).rejects.toThrow(
      LibvirtConnectionError,
    );
  });
});
