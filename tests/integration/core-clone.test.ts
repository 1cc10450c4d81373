/**
 * Cloning through the core's contract (the VM menu's Clone…) on the private QEMU session daemon: the
 * clone gets its own copy of the disk (same bytes, in the same pool), its own UUID and MAC, and boots;
 * a running source is refused, and a clone libvirt refuses leaves no disk copy behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../electron/libvirt/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { testEnv } from '../support/env.js';
import { createTestPool, type TestPool } from '../support/pool.js';
import { removeGuest, waitForGuestBoot } from '../support/guest-life.js';
import { guestShell } from '../support/guest-shell.js';
import { tinyGuestXml, uniqueGuestName } from '../support/guest.js';

const TAG = randomBytes(3).toString('hex');
const MARK = Buffer.from(`VIRTDESK-CLONE-MARK-${TAG}`);

describe('cloning through the core', () => {
  const env = testEnv();
  const name = uniqueGuestName('clone-src');
  const cloneName = `vdc-${TAG}`;
  const poolName = `vd-clone-pool-${TAG}`;
  let fx: CoreFixture;
  let pool: TestPool;
  let src: DomainRef;
  let diskPath = '';

  beforeAll(async () => {
    fx = await startCore(env.qemuUri);
    pool = await createTestPool(fx.client, poolName);
    const volPath = await pool.volume(`${name}.img`, 8, 'raw');
    diskPath = volPath;
    const fd = fs.openSync(diskPath, 'r+');
    fs.writeSync(fd, MARK, 0, MARK.length, 0);
    fs.closeSync(fd);
    src = await fx.client.domainDefineXML(
      tinyGuestXml({
        name,
        kernel: env.guestKernel,
        initrd: env.guestInitrd,
        virtType: env.virtType,
        disk: diskPath,
        nic: true,
        serialLog: path.join(env.scratchDir, `${cloneName}.serial.log`),
      }),
    );
  });

  afterAll(async () => {
    if (fx) {
      await removeGuest([fx.client], cloneName);
      await removeGuest([fx.client], name);
      await pool?.remove();
      await fx.stop();
    }
  });

  const clone = (newName: string) =>
    fx.call<{ uuid: string }>('vms.clone', { connectionId: fx.connectionId, uuid: src.uuid, newName });
  const volumes = () => pool.volumeNames();

  it('copies the disk, gives the clone its own identity, and the clone boots', async () => {
    const { uuid } = await clone(cloneName);
    expect(uuid).not.toBe(src.uuid);
    const dom = await fx.client.domainLookupByUUID(uuid);
    const xml = await fx.client.domainGetXMLDesc(dom, 0);
    const copy = path.join(pool.dir, `${cloneName}.img`);
    expect(xml).toContain(`<source file='${copy}'/>`);
    expect(fs.readFileSync(copy).subarray(0, MARK.length)).toEqual(MARK);
    const mac = (x: string) => /<mac address='([^']+)'/.exec(x)?.[1];
    expect(mac(xml)).toBeDefined();
    expect(mac(xml)).not.toBe(mac(await fx.client.domainGetXMLDesc(src, 0)));
    expect(await volumes()).toEqual([`${name}.img`, `${cloneName}.img`].sort());
    // It runs on its own disk.
    await fx.client.domainCreate(dom);
    await waitForGuestBoot(path.join(env.scratchDir, `${cloneName}.serial.log`));
    await guestShell(fx.client, dom, 'echo clone-$((20+22))', /clone-42/);
  }, 120_000);

  it('refuses a running source, and leaves nothing behind when libvirt refuses the clone', async () => {
    const before = await volumes();
    // (the running clone logs its serial port to the file the source's definition names: stop it first)
    await fx.client.domainDestroy(await fx.client.domainLookupByName(cloneName));
    await fx.client.domainCreate(src);
    await expect(clone(`vdd-${TAG}`)).rejects.toMatchObject({ remote: { code: 'invalid-input' } });
    await fx.client.domainDestroy(src);
    // The name of an existing VM: libvirt refuses the definition after the disk was copied.
    await expect(clone(cloneName)).rejects.toMatchObject({ remote: { code: 'libvirt' } });
    expect(await volumes()).toEqual(before);
  }, 60_000);
});
