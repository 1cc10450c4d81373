/**
 * The newcomer's first VM on a fresh host, on the private *system* daemon (the session daemon has no
 * networks): no storage pool and the stock `default` network defined but not running.
 * - `networks.start` starts a network and marks it autostart;
 * - a VM on the stopped network fails to start with a plain error that carries the remedy "start network
 *   'default' and retry" (recognised by libvirt's error code and the network's state), and the remedy
 *   followed by a retry runs the VM;
 * - New VM refuses, at the field and before anything is made, a taken name, memory above the host's, a
 *   missing ISO and a stopped network — checked through a second connection;
 * - with no pool, New VM creates the default directory pool (autostart) and puts the disk there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type LibvirtClient } from '../../electron/libvirt/index.js';
import type { CallOutput, RemoteError } from '../../shared/contract/index.js';
import { startCore, type CoreFixture } from '../support/core.js';
import { systemTestEnv, testEnv } from '../support/env.js';
import { stageTinyGuest } from '../support/system-guest.js';
import { tinyGuestXml } from '../support/guest.js';
import { writeFakeIso } from '../support/iso.js';

const sys = systemTestEnv();
const TAG = randomBytes(3).toString('hex');
const STOCK_NETWORK = '/usr/share/libvirt/networks/default.xml';

/** What a second connection sees: domains and, per pool, its volumes. */
async function inventory(c: LibvirtClient): Promise<string[]> {
  const out = (await c.connectListAllDomains(0)).map((d) => `vm:${d.name}`);
  for (const p of await c.connectListAllStoragePools(0)) {
    out.push(`pool:${p.name}`);
    if (await c.storagePoolIsActive(p))
      for (const v of await c.storagePoolListAllVolumes(p, 0)) out.push(`vol:${p.name}/${v.name}`);
  }
  return out.sort();
}

const remoteOf = async (p: Promise<unknown>): Promise<RemoteError> => {
  const e = (await p.then(
    () => null,
    (x: { remote?: RemoteError }) => x,
  )) as { remote?: RemoteError } | null;
  expect(e, 'the call should have been refused').not.toBeNull();
  return e!.remote!;
};

describe.skipIf(!sys.available || !fs.existsSync(STOCK_NETWORK))(
  `first VM on a fresh system host${sys.available ? '' : ` (skipped: ${sys.available === false ? sys.skip : ''})`}`,
  () => {
    let fx: CoreFixture;
    let other: LibvirtClient;
    const guest = `vdnet-${TAG}`;
    const created = `vdfirst-${TAG}`;
    const scratch = sys.available ? sys.scratchDir : '';
    const iso = path.join(scratch, `first-${TAG}.iso`);
    let madeDefaultPool = false;

    beforeAll(async () => {
      if (!sys.available) return;
      fx = await startCore(sys.uri);
      other = await openConnection(sys.uri);
      writeFakeIso(iso, { volumeId: 'Debian 11.6.0 amd64 n' });
      // The stock network, defined but not started (as Debian leaves it when libvirtd's first start
      // found no way to start it, or the admin never ran `virsh net-start default`).
      await other.networkDefineXML(fs.readFileSync(STOCK_NETWORK, 'utf8'));
    });

    afterAll(async () => {
      for (const name of [guest, created]) {
        const dom = await other?.domainLookupByName(name).catch(() => null);
        if (!dom) continue;
        await other.domainDestroy(dom).catch(() => undefined);
        await other.domainUndefineFlags(dom, 0).catch(() => undefined);
      }
      const pool = await other?.storagePoolLookupByName('default').catch(() => null);
      if (pool) {
        const vol = await other.storageVolLookupByName(pool, `${created}.qcow2`).catch(() => null);
        if (vol) await other.storageVolDelete(vol, 0).catch(() => undefined);
        if (madeDefaultPool) {
          await other.storagePoolDestroy(pool).catch(() => undefined);
          await other.storagePoolUndefine(pool).catch(() => undefined);
        }
      }
      const net = await other?.networkLookupByName('default').catch(() => null);
      if (net) {
        await other.networkDestroy(net).catch(() => undefined);
        await other.networkUndefine(net).catch(() => undefined);
      }
      await other?.close();
      await fx?.stop();
      fs.rmSync(iso, { force: true });
    });

    const create = (extra: object = {}) =>
      fx.call<CallOutput<'newvm.create'>>('newvm.create', {
        connectionId: fx.connectionId,
        name: created,
        osId: 'http://debian.org/debian/11',
        memoryMiB: 256,
        vcpus: 1,
        disk: { pool: null, sizeGiB: 64 / 1024 },
        installMedia: iso,
        network: 'default',
        ...extra,
      });

    it('offers the stopped network as stopped, the default pool to create, and the host’s figures', async () => {
      const o = await fx.call<CallOutput<'newvm.options'>>('newvm.options', {
        connectionId: fx.connectionId,
      });
      expect(o.session).toBe(false);
      expect(o.networks).toContainEqual({ name: 'default', active: false });
      const node = await other.nodeGetInfo();
      expect(o.host).toEqual({ memoryMiB: Math.floor(node.memory / 1024), cpus: node.cpus });
      // Other test files may have a pool of theirs running on this daemon: the plan follows the pools.
      if (o.pools.some((p) => p.active)) expect(o.poolToCreate).toBeNull();
      else if (!o.pools.some((p) => p.name === 'default'))
        expect(o.poolToCreate).toEqual({ name: 'default', path: '/var/lib/libvirt/images', exists: false });
    });

    it('refuses, at the field and before anything is made, what cannot work', async () => {
      const { kernel, initrd } = stageTinyGuest(scratch);
      const before = await inventory(other);
      const node = await other.nodeGetInfo();
      const cases: [object, string, RegExp][] = [
        [{ memoryMiB: Math.floor(node.memory / 1024) + 1024 }, 'memoryMiB', /More than this host has/],
        [{ installMedia: path.join(scratch, `missing-${TAG}.iso`) }, 'installMedia', /There is no file/],
        [{ network: 'default' }, 'network', /Network 'default' is not running/],
        [{ network: `nope-${TAG}` }, 'network', /There is no network/],
      ];
      for (const [extra, field, message] of cases) {
        const r = await remoteOf(create({ ...extra, ...(field === 'network' ? {} : { network: null }) }));
        expect(r.code, field).toBe('invalid-input');
        expect(r.issues, field).toContainEqual({ path: [field], message: expect.stringMatching(message) });
      }
      // A name an existing VM has.
      await other.domainDefineXML(
        tinyGuestXml({ name: guest, virtType: testEnv().virtType, kernel, initrd }),
      );
      const taken = await remoteOf(create({ name: guest, network: null }));
      expect(taken.issues).toContainEqual({
        path: ['name'],
        message: `A VM named "${guest}" exists already`,
      });
      await other.domainUndefineFlags(await other.domainLookupByName(guest), 0);
      expect(await inventory(other)).toEqual(before);
    });

    it('a VM on a stopped network: the start error says so and carries “start it and retry”', async () => {
      const { kernel, initrd } = stageTinyGuest(scratch);
      const xml = tinyGuestXml({ name: guest, virtType: testEnv().virtType, kernel, initrd }).replace(
        '<devices>',
        "<devices><interface type='network'><source network='default'/><model type='virtio'/></interface>",
      );
      const dom = await other.domainDefineXML(xml);
      await fx.core.vms.list(fx.connectionId);
      const uuid = dom.uuid;
      // The VM cache learns of the definition from libvirt's event.
      for (let i = 0; i < 50 && !(await fx.core.vms.list(fx.connectionId)).some((v) => v.uuid === uuid); i++)
        await new Promise((r) => setTimeout(r, 100));
      const r = await remoteOf(
        fx.call('vms.action', { connectionId: fx.connectionId, uuid, action: 'start' }),
      );
      expect(r.code).toBe('libvirt');
      expect(r.message).toMatch(/network 'default' is not running/);
      expect(r.remedy).toEqual({ kind: 'start-network', connectionId: fx.connectionId, network: 'default' });
      // The remedy: start the network (autostart), then the same action again.
      const started = await fx.call<CallOutput<'networks.start'>>('networks.start', {
        connectionId: fx.connectionId,
        name: 'default',
        autostart: true,
      });
      expect(started).toEqual({ name: 'default', active: true, autostart: true });
      const net = await other.networkLookupByName('default');
      expect(await other.networkIsActive(net)).toBe(true);
      expect(await other.networkGetAutostart(net)).toBe(true);
      await fx.call('vms.action', { connectionId: fx.connectionId, uuid, action: 'start' });
      expect((await other.domainGetState(dom)).state).toBe(1);
      // Starting a running network again is harmless.
      await fx.call('networks.start', { connectionId: fx.connectionId, name: 'default', autostart: true });
      await expect(
        fx.call('networks.start', { connectionId: fx.connectionId, name: `nope-${TAG}` }),
      ).rejects.toMatchObject({ remote: { code: 'not-found' } });
      await other.domainDestroy(dom);
      await other.domainUndefineFlags(dom, 0);
    });

    it('with no pool, creates the default directory pool and the VM runs on the started network', async () => {
      const pools = await other.connectListAllStoragePools(0);
      const poolRunning = (await Promise.all(pools.map((p) => other.storagePoolIsActive(p)))).some(Boolean);
      const r = await create();
      madeDefaultPool = r.createdPool === 'default';
      expect(r.startError).toBeNull();
      expect(r.started).toBe(true);
      expect(r.startError).toBeNull();
      const dom = await other.domainLookupByUUID(r.uuid);
      expect((await other.domainGetState(dom)).state).toBe(1);
      const xml = await other.domainGetXMLDesc(dom, 0);
      expect(xml).toMatch(/<source network='default'/);
      if (poolRunning) {
        // Another file's pool runs: the disk goes there, nothing is created.
        expect(r.createdPool).toBeNull();
      } else {
        expect(r.createdPool).toBe('default');
        const pool = await other.storagePoolLookupByName('default');
        expect(await other.storagePoolIsActive(pool)).toBe(true);
        expect(await other.storagePoolGetAutostart(pool)).toBe(true);
        expect(await other.storagePoolGetXMLDesc(pool, 0)).toContain('<path>/var/lib/libvirt/images</path>');
        expect(xml).toContain(`/var/lib/libvirt/images/${created}.qcow2`);
      }
    });
  },
);
