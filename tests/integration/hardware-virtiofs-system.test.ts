/**
 * A virtiofs share end to end on the private system daemon (libvirt 9.0 starts virtiofsd only there: it
 * runs as root, and the session daemon refuses virtiofs): `hardware.apply` adds the share with shared
 * memory in the same change, the VM starts, and the guest mounts the tag and reads a file the test wrote
 * into the host folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardwareApplyOutput } from '../../shared/contract/hardware.js';
import { DomainXMLFlags, openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import { DomainXml, readFilesystems, readMemory } from '../../electron/libvirt-xml/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { removeGuest, waitForGuestBoot } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { tinyGuestXml } from '../support/guest.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');

describe.skipIf(!sys.available)(
  `virtiofs share on the system daemon${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    const name = `vdfs-${TAG}`;
    let fx: CoreFixture;
    let other: LibvirtClient;

    beforeAll(async () => {
      if (!sys.available) return;
      fx = await startCore(sys.uri);
      other = await openConnection(sys.uri);
    });

    afterAll(async () => {
      await removeGuest([other], name);
      await other?.close().catch(() => undefined);
      await fx?.stop();
    });

    it('the guest mounts the share by its tag and reads the host’s file', async () => {
      if (!sys.available) return;
      const dir = path.join(sys.scratchDir, `vdfs-${TAG}`);
      fs.mkdirSync(path.join(dir, 'share'), { recursive: true, mode: 0o755 });
      const secret = `hello-from-host-${TAG}`;
      fs.writeFileSync(path.join(dir, 'share', 'hello.txt'), `${secret}\n`);
      // The tiny guest, copied where the system daemon's qemu may read it.
      const kernel = path.join(dir, 'vmlinuz');
      const initrd = path.join(dir, 'initrd.img');
      fs.copyFileSync(testEnv().guestKernel, kernel);
      fs.copyFileSync(testEnv().guestInitrd, initrd);
      const serialLog = path.join(dir, 'serial.log');
      const dom = await other.domainDefineXML(
        tinyGuestXml({ name, kernel, initrd, virtType: testEnv().virtType, serial: 'pty', serialLog }),
      );

      const r = await fx.call<HardwareApplyOutput>('hardware.apply', {
        connectionId: fx.connectionId,
        uuid: dom.uuid,
        change: {
          kind: 'filesystem.add',
          source: path.join(dir, 'share'),
          tag: 'hostshare',
          sharedMemory: true,
        },
      });
      expect(r).toMatchObject({ live: 'not-running', config: 'applied', timing: 'next-boot' });
      const config = DomainXml.parse(await other.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
      expect(readMemory(config)).toMatchObject({ sharedAccess: true, source: 'memfd' });
      expect(readFilesystems(config)).toEqual([
        expect.objectContaining({ driver: 'virtiofs', tag: 'hostshare' }),
      ]);

      await other.domainCreate(dom);
      await waitForGuestBoot(serialLog);
      const m = await guestShell(
        other,
        await other.domainLookupByName(name),
        'mkdir -p /mnt/h; mount -t virtiofs hostshare /mnt/h; echo GOT=$(cat /mnt/h/hello.txt)=END',
        /GOT=(hello-from-host-[0-9a-f]+)=END/,
        60_000,
      );
      expect(m[1]).toBe(secret);

      // Memory shared already: a second share goes through libvirt's device call on the running VM. It
      // is kept for next boot either way; when libvirt plugs it in now, the guest mounts it at once.
      fs.mkdirSync(path.join(dir, 'second'), { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'second', 'two.txt'), `two-${TAG}\n`);
      const r2 = await fx.call<HardwareApplyOutput>('hardware.apply', {
        connectionId: fx.connectionId,
        uuid: dom.uuid,
        change: { kind: 'filesystem.add', source: path.join(dir, 'second'), tag: 'second' },
      });
      expect(r2.config).toBe('applied');
      expect(['applied', 'not-possible']).toContain(r2.live);
      console.log(`virtiofs hot-plug on libvirt's system daemon: ${r2.live} ${r2.message ?? ''}`);
      if (r2.live === 'applied') {
        const m2 = await guestShell(
          other,
          await other.domainLookupByName(name),
          'mkdir -p /mnt/s; mount -t virtiofs second /mnt/s; echo TWO=$(cat /mnt/s/two.txt)=END',
          /TWO=(two-[0-9a-f]+)=END/,
          60_000,
        );
        expect(m2[1]).toBe(`two-${TAG}`);
      }
    }, 240_000);
  },
);
