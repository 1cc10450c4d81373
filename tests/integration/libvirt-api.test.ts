/**
 * The typed libvirt API (electron/libvirt) against the private daemon's test driver
 * (`test+unix:///default?socket=…` from tests/support/global-setup.ts).
 *
 * The test driver's default connection is shared by every client of the daemon, so this file only
 * changes objects it creates (names prefixed with PREFIX) and removes them afterwards, even on failure.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectListAllDomainsFlags,
  DomainAffect,
  DomainUndefineFlags,
  DrvFeature,
  ErrorCode,
  LibvirtConnectionError,
  LibvirtError,
  openConnection,
  paramsToRecord,
  toTypedParams,
  VIR_DOMAIN_PAUSED,
  VIR_DOMAIN_RUNNING,
  VIR_DOMAIN_SHUTOFF,
  type DomainEvent,
  type DomainRef,
  type LibvirtClient,
  type NetworkEvent,
  type StoragePoolEvent,
} from '../../electron/libvirt/index.js';
import { testEnv } from '../support/env.js';

const PREFIX = `vd-api-${process.pid}-`;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const domainXml = (name: string, memMiB = 128, vcpus = 2) =>
  `<domain type='test'><name>${name}</name><memory unit='MiB'>${memMiB}</memory>` +
  `<vcpu>${vcpus}</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;

let conn: LibvirtClient;

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Removes every object this file created (domains, pools, networks), whatever state they are in. */
async function cleanup(c: LibvirtClient): Promise<void> {
  for (const d of await c.connectListAllDomains().catch(() => [])) {
    if (!d.name.startsWith(PREFIX)) continue;
    if (d.id >= 0) await c.domainDestroy(d).catch(() => undefined);
    await c
      .domainUndefineFlags(d, DomainUndefineFlags.MANAGED_SAVE | DomainUndefineFlags.SNAPSHOTS_METADATA)
      .catch(() => undefined);
  }
  for (const p of await c.connectListAllStoragePools().catch(() => [])) {
    if (!p.name.startsWith(PREFIX)) continue;
    if (await c.storagePoolIsActive(p).catch(() => false))
      await c.storagePoolDestroy(p).catch(() => undefined);
    await c.storagePoolUndefine(p).catch(() => undefined);
  }
  for (const n of await c.connectListAllNetworks().catch(() => [])) {
    if (!n.name.startsWith(PREFIX)) continue;
    if (await c.networkIsActive(n).catch(() => false)) await c.networkDestroy(n).catch(() => undefined);
    await c.networkUndefine(n).catch(() => undefined);
  }
}

beforeAll(async () => {
  conn = await openConnection(testEnv().testUri);
});

afterAll(async () => {
  if (!conn) return;
  await cleanup(conn);
  await conn.close();
});

describe('connection and host', () => {
  it('reports versions, hostname, type and capabilities', async () => {
    expect(await conn.connectGetLibVersion()).toBeGreaterThanOrEqual(9_000_000);
    expect(await conn.connectGetVersion()).toBeGreaterThan(0);
    expect(await conn.connectGetHostname()).not.toBe('');
    expect(await conn.connectGetType()).toBe('TEST');
    expect(await conn.connectGetURI()).toBe('test:///default');
    expect(await conn.connectGetCapabilities()).toContain('<capabilities>');
    expect(await conn.connectGetSysinfo()).toContain('<sysinfo');
    expect(await conn.connectGetMaxVcpus()).toBe(32); // the test driver's fixed limit
    expect(await conn.connectSupportsFeature(DrvFeature.TYPED_PARAM_STRING)).toBe(true);
    expect(await conn.connectSupportsFeature(9999)).toBe(false);
  });

  it('returns node info, CPU stats, free memory and the security model', async () => {
    const info = await conn.nodeGetInfo();
    expect(info.model).toBe('i686');
    expect(info.cpus).toBeGreaterThan(0);
    expect(info.memory).toBeGreaterThan(0);
    const cpu = await conn.nodeGetCPUStats();
    expect(Object.keys(cpu)).toEqual(expect.arrayContaining(['user', 'kernel', 'idle']));
    expect(await conn.nodeGetFreeMemory()).toBeGreaterThan(0);
    const cells = await conn.nodeGetCellsFreeMemory(0, 2);
    expect(cells).toHaveLength(2);
    expect(await conn.nodeGetSecurityModel()).toEqual({ model: 'testSecurity', doi: '' });
  });

  it('drives any table procedure through the generic call()', async () => {
    const r = await conn.call('connectGetVersion', undefined);
    expect(typeof r.hv_ver).toBe('bigint');
    const { domains } = await conn.call('connectListAllDomains', { need_results: 1, flags: 0 });
    expect(domains.some((d) => d.name === 'test')).toBe(true);
    expect(domains[0]?.uuid).toBeInstanceOf(Uint8Array);
  });
});

describe('domains', () => {
  it('lists and looks up the built-in domain by name, UUID and id', async () => {
    const all = await conn.connectListAllDomains();
    const test = all.find((d) => d.name === 'test') as DomainRef;
    expect(test).toBeDefined();
    expect(test.uuid).toMatch(UUID_RE);
    expect(await conn.domainLookupByName('test')).toEqual(test);
    expect(await conn.domainLookupByUUID(test.uuid)).toEqual(test);
    if (test.id >= 0) expect(await conn.domainLookupByID(test.id)).toEqual(test);
    const active = await conn.connectListAllDomains(ConnectListAllDomainsFlags.ACTIVE);
    expect(active.every((d) => d.id >= 0)).toBe(true);
  });

  it('defines, inspects, edits and undefines a domain', async () => {
    const name = `${PREFIX}define`;
    const dom = await conn.domainDefineXML(domainXml(name));
    expect(dom.name).toBe(name);
    expect(dom.id).toBe(-1);
    expect(await conn.domainGetXMLDesc(dom)).toContain(`<name>${name}</name>`);
    const info = await conn.domainGetInfo(dom);
    expect(info).toMatchObject({ state: VIR_DOMAIN_SHUTOFF, nrVirtCpu: 2, maxMem: 128 * 1024 });
    expect(await conn.domainGetOSType(dom)).toBe('linux'); // what the test driver answers for any guest
    expect(await conn.domainGetMaxMemory(dom)).toBe(128 * 1024);
    await conn.domainSetMaxMemory(dom, 256 * 1024);
    expect(await conn.domainGetMaxMemory(dom)).toBe(256 * 1024);
    expect(await conn.domainGetState(dom)).toMatchObject({ state: VIR_DOMAIN_SHUTOFF });
    expect(await conn.domainIsPersistent(dom)).toBe(true);
    expect(await conn.domainIsActive(dom)).toBe(false);

    expect(await conn.domainGetAutostart(dom)).toBe(false);
    await conn.domainSetAutostart(dom, true);
    expect(await conn.domainGetAutostart(dom)).toBe(true);
    expect(await conn.connectListAllDomains(ConnectListAllDomainsFlags.AUTOSTART)).toContainEqual(dom);

    await conn.domainSetMemoryFlags(dom, 64 * 1024, DomainAffect.CONFIG);
    expect((await conn.domainGetInfo(dom)).memory).toBe(64 * 1024);
    await conn.domainSetVcpusFlags(dom, 1, DomainAffect.CONFIG);
    expect(await conn.domainGetVcpusFlags(dom, DomainAffect.CONFIG)).toBe(1);

    await conn.domainSetMetadata(dom, 0, 'a VirtDesk test VM');
    expect(await conn.domainGetMetadata(dom, 0)).toBe('a VirtDesk test VM');

    const renamed = await conn.domainRename(dom, `${PREFIX}renamed`);
    expect(await conn.domainLookupByName(`${PREFIX}renamed`)).toEqual(renamed);
    expect(renamed.uuid).toBe(dom.uuid);

    await conn.domainUndefineFlags(renamed);
    await expect(conn.domainLookupByUUID(dom.uuid)).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
  });

  it('runs the lifecycle: start, suspend, resume, reboot, reset, managed save, shutdown, destroy', async () => {
    let dom = await conn.domainDefineXML(domainXml(`${PREFIX}life`));
    dom = await conn.domainCreate(dom);
    expect(dom.id).toBeGreaterThan(0);
    expect((await conn.domainGetState(dom)).state).toBe(VIR_DOMAIN_RUNNING);
    expect(await conn.domainGetHostname(dom)).toBe(`${dom.name}host`);

    await conn.domainSuspend(dom);
    expect((await conn.domainGetInfo(dom)).state).toBe(VIR_DOMAIN_PAUSED);
    await conn.domainResume(dom);
    expect((await conn.domainGetInfo(dom)).state).toBe(VIR_DOMAIN_RUNNING);
    await conn.domainReboot(dom);
    await conn.domainReset(dom);
    await conn.domainSendKey(dom, 0, 0, [30, 48]);

    await conn.domainManagedSave(dom);
    expect((await conn.domainGetState(dom)).state).toBe(VIR_DOMAIN_SHUTOFF);
    expect(await conn.domainHasManagedSaveImage(dom)).toBe(true);
    expect(await conn.connectListAllDomains(ConnectListAllDomainsFlags.MANAGEDSAVE)).toContainEqual({
      ...dom,
      id: -1,
    });
    await conn.domainManagedSaveRemove(dom);
    expect(await conn.domainHasManagedSaveImage(dom)).toBe(false);

    dom = await conn.domainCreate(dom);
    await conn.domainShutdown(dom);
    expect(await conn.domainGetState(dom)).toMatchObject({ state: VIR_DOMAIN_SHUTOFF });
    dom = await conn.domainCreate(dom);
    await conn.domainDestroy(dom);
    expect((await conn.domainGetState(dom)).state).toBe(VIR_DOMAIN_SHUTOFF);
    await conn.domainUndefineFlags(dom);
  });

  it('reads block and interface statistics of a running domain', async () => {
    const mac = '52:54:00:7d:00:01';
    const xml = domainXml(`${PREFIX}stats`).replace(
      '</domain>',
      "<devices><disk type='file' device='disk'><source file='/guest/vd-stats.img'/><target dev='vda'/></disk>" +
        `<interface type='network'><source network='default'/><mac address='${mac}'/></interface></devices></domain>`,
    );
    const dom = await conn.domainCreate(await conn.domainDefineXML(xml));
    try {
      const block = await conn.domainBlockStats(dom, 'vda');
      expect(Object.keys(block).sort()).toEqual(['errs', 'rd_bytes', 'rd_req', 'wr_bytes', 'wr_req']);
      expect(block.rd_bytes).toBeGreaterThan(0);
      const net = await conn.domainInterfaceStats(dom, mac);
      expect(Object.keys(net)).toEqual(expect.arrayContaining(['rx_bytes', 'tx_bytes', 'rx_packets']));
      expect(Object.values(net).every((v) => typeof v === 'number')).toBe(true);
      await expect(conn.domainBlockStats(dom, 'vdz')).rejects.toMatchObject({ code: ErrorCode.INVALID_ARG });
    } finally {
      await conn.domainDestroy(dom);
      await conn.domainUndefineFlags(dom);
    }
  });

  it('creates a transient domain that disappears on destroy', async () => {
    const dom = await conn.domainCreateXML(domainXml(`${PREFIX}transient`));
    expect(dom.id).toBeGreaterThan(0);
    expect(await conn.domainIsPersistent(dom)).toBe(false);
    await conn.domainDestroy(dom);
    await expect(conn.domainLookupByName(dom.name)).rejects.toBeInstanceOf(LibvirtError);
  });

  it('reads and writes tuning parameters as typed params', async () => {
    const dom = await conn.domainCreate(await conn.domainDefineXML(domainXml(`${PREFIX}tune`)));
    try {
      const mem = await conn.domainGetMemoryParameters(dom);
      expect(mem.find((p) => p.field === 'hard_limit')?.type).toBe('ullong');
      await conn.domainSetMemoryParameters(dom, { hard_limit: 1048576 });
      expect(paramsToRecord(await conn.domainGetMemoryParameters(dom)).hard_limit).toBe(1048576);

      const blkio = paramsToRecord(await conn.domainGetBlkioParameters(dom));
      expect(blkio).toHaveProperty('weight');
      await conn.domainSetBlkioParameters(dom, { weight: 500 });
      expect(paramsToRecord(await conn.domainGetBlkioParameters(dom)).weight).toBe(500);

      expect(paramsToRecord(await conn.domainGetNumaParameters(dom))).toHaveProperty('numa_mode');
      // A plain record is sent with the types the getter reported (numa_nodeset is a string).
      await conn.domainSetNumaParameters(dom, { numa_nodeset: '0' });
      expect(paramsToRecord(await conn.domainGetNumaParameters(dom)).numa_nodeset).toBe('0');
      expect(await conn.domainGetSchedulerType(dom)).toEqual({ type: 'fair', nparams: 1 });

      await conn.domainPinVcpuFlags(dom, 0, [0, 1]);
      expect((await conn.domainGetVcpuPinInfo(dom))[0]).toEqual([0, 1]);
      expect((await conn.domainGetEmulatorPinInfo(dom)).length).toBeGreaterThan(0);
      const vcpus = await conn.domainGetVcpus(dom);
      expect(vcpus).toHaveLength(2);
      expect(await conn.domainGetMaxVcpus(dom)).toBeGreaterThanOrEqual(2);
      expect(await conn.domainGetSecurityLabel(dom)).toEqual({ label: 'libvirt-test', enforcing: true });

      const ifaces = await conn.domainInterfaceAddresses(dom);
      expect(Array.isArray(ifaces)).toBe(true);
    } finally {
      await conn.domainDestroy(dom);
      await conn.domainUndefineFlags(dom);
    }
  });

  it('converts typed params both ways', () => {
    const params = toTypedParams({ a: 1, b: -2, c: 0.5, d: true, e: 'x' }, { a: 'uint' });
    expect(params.map((p) => p.type)).toEqual(['uint', 'llong', 'double', 'boolean', 'string']);
    expect(paramsToRecord(params)).toEqual({ a: 1, b: -2, c: 0.5, d: true, e: 'x' });
  });

  it('returns all-domain stats as typed params', async () => {
    const stats = await conn.connectGetAllDomainStats();
    const test = stats.find((s) => s.dom.name === 'test');
    expect(test).toBeDefined();
    expect(test!.dom.uuid).toMatch(UUID_RE);
    expect(paramsToRecord(test!.params)['state.state']).toBe(1);
    const one = await conn.connectGetAllDomainStats(0, 0, [test!.dom]);
    expect(one).toHaveLength(1);
  });
});

describe('snapshots', () => {
  it('creates, lists, reverts and deletes snapshots', async () => {
    const dom = await conn.domainDefineXML(domainXml(`${PREFIX}snap`));
    try {
      expect(await conn.domainHasCurrentSnapshot(dom)).toBe(false);
      const s1 = await conn.domainSnapshotCreateXML(dom, '<domainsnapshot><name>s1</name></domainsnapshot>');
      const s2 = await conn.domainSnapshotCreateXML(dom, '<domainsnapshot><name>s2</name></domainsnapshot>');
      expect(s1).toEqual({ name: 's1', dom });
      expect((await conn.domainListAllSnapshots(dom)).map((s) => s.name).sort()).toEqual(['s1', 's2']);
      expect(await conn.domainSnapshotNum(dom)).toBe(2);
      expect(await conn.domainHasCurrentSnapshot(dom)).toBe(true);
      expect(await conn.domainSnapshotCurrent(dom)).toEqual(s2);
      expect(await conn.domainSnapshotGetParent(s2)).toEqual(s1);
      expect(await conn.domainSnapshotLookupByName(dom, 's1')).toEqual(s1);
      expect(await conn.domainSnapshotGetXMLDesc(s1)).toContain('<name>s1</name>');
      await conn.domainRevertToSnapshot(s1);
      expect(await conn.domainSnapshotCurrent(dom)).toEqual(s1);
      await conn.domainSnapshotDelete(s2);
      expect(await conn.domainSnapshotNum(dom)).toBe(1);
      await expect(conn.domainSnapshotLookupByName(dom, 's2')).rejects.toMatchObject({
        code: ErrorCode.NO_DOMAIN_SNAPSHOT,
      });
    } finally {
      await conn.domainUndefineFlags(dom, DomainUndefineFlags.SNAPSHOTS_METADATA);
    }
  });
});

describe('storage', () => {
  it('manages a pool and its volumes', async () => {
    const name = `${PREFIX}pool`;
    const pool = await conn.storagePoolDefineXML(
      `<pool type='dir'><name>${name}</name><target><path>/${name}</path></target></pool>`,
    );
    expect(pool.uuid).toMatch(UUID_RE);
    expect(await conn.storagePoolLookupByName(name)).toEqual(pool);
    expect(await conn.storagePoolLookupByUUID(pool.uuid)).toEqual(pool);
    await conn.storagePoolBuild(pool);
    await conn.storagePoolCreate(pool);
    expect(await conn.storagePoolGetInfo(pool)).toMatchObject({ stateName: 'running' });
    expect(await conn.storagePoolGetXMLDesc(pool)).toContain(`<name>${name}</name>`);
    await conn.storagePoolSetAutostart(pool, true);
    expect(await conn.storagePoolGetAutostart(pool)).toBe(true);
    await conn.storagePoolRefresh(pool);

    const vol = await conn.storageVolCreateXML(
      pool,
      "<volume><name>disk.img</name><capacity unit='MiB'>10</capacity></volume>",
    );
    expect(vol).toEqual({ pool: name, name: 'disk.img', key: `/${name}/disk.img` });
    expect(await conn.storageVolGetInfo(vol)).toMatchObject({ typeName: 'file', capacity: 10 * 1024 * 1024 });
    const path = await conn.storageVolGetPath(vol);
    expect(await conn.storageVolLookupByPath(path)).toEqual(vol);
    expect(await conn.storageVolLookupByKey(vol.key)).toEqual(vol);
    expect(await conn.storageVolLookupByName(pool, 'disk.img')).toEqual(vol);
    expect(await conn.storageVolGetXMLDesc(vol)).toContain('<name>disk.img</name>');
    expect(await conn.storagePoolLookupByVolume(vol)).toEqual(pool);

    const clone = await conn.storageVolCreateXMLFrom(
      pool,
      "<volume><name>clone.img</name><capacity unit='MiB'>10</capacity></volume>",
      vol,
    );
    expect((await conn.storagePoolListAllVolumes(pool)).map((v) => v.name).sort()).toEqual([
      'clone.img',
      'disk.img',
    ]);
    await conn.storageVolDelete(clone);
    await conn.storageVolDelete(vol);
    expect(await conn.storagePoolListAllVolumes(pool)).toEqual([]);

    await conn.storagePoolDestroy(pool);
    expect((await conn.storagePoolGetInfo(pool)).stateName).toBe('inactive');
    await conn.storagePoolUndefine(pool);
    await expect(conn.storagePoolLookupByName(name)).rejects.toMatchObject({
      code: ErrorCode.NO_STORAGE_POOL,
    });
  });
});

describe('networks, node devices, interfaces', () => {
  it('manages a network', async () => {
    expect((await conn.connectListAllNetworks()).map((n) => n.name)).toContain('default');
    const name = `${PREFIX}net`;
    const net = await conn.networkDefineXML(
      `<network><name>${name}</name><bridge name='vdbr${process.pid % 1000}'/>` +
        `<ip address='192.168.${(process.pid % 200) + 20}.1' netmask='255.255.255.0'/></network>`,
    );
    expect(await conn.networkLookupByName(name)).toEqual(net);
    expect(await conn.networkLookupByUUID(net.uuid)).toEqual(net);
    await conn.networkCreate(net);
    expect(await conn.networkIsActive(net)).toBe(true);
    expect(await conn.networkGetXMLDesc(net)).toContain(`<name>${name}</name>`);
    await conn.networkSetAutostart(net, true);
    expect(await conn.networkGetAutostart(net)).toBe(true);
    await conn.networkDestroy(net);
    await conn.networkUndefine(net);
    await expect(conn.networkLookupByName(name)).rejects.toMatchObject({ code: ErrorCode.NO_NETWORK });
  });

  it('starts a transient network with a bridge that is gone after destroy', async () => {
    expect(await conn.networkGetBridgeName(await conn.networkLookupByName('default'))).toBe('virbr0');
    const name = `${PREFIX}tnet`;
    const bridge = `vdtb${process.pid % 1000}`;
    const net = await conn.networkCreateXML(
      `<network><name>${name}</name><bridge name='${bridge}'/></network>`,
    );
    expect(net.name).toBe(name);
    expect(net.uuid).toMatch(UUID_RE);
    expect(await conn.networkIsActive(net)).toBe(true);
    expect(await conn.networkGetBridgeName(net)).toBe(bridge);
    await conn.networkDestroy(net);
    await expect(conn.networkLookupByUUID(net.uuid)).rejects.toMatchObject({ code: ErrorCode.NO_NETWORK });
  });

  it('lists node devices and host interfaces with their XML', async () => {
    const devs = await conn.connectListAllNodeDevices();
    expect(devs.map((d) => d.name)).toContain('computer');
    expect(await conn.nodeDeviceGetXMLDesc('computer')).toContain('<name>computer</name>');
    expect(await conn.nodeDeviceLookupByName('computer')).toEqual({ name: 'computer' });
    const ifaces = await conn.connectListAllInterfaces();
    expect(ifaces.length).toBeGreaterThan(0);
    expect(await conn.interfaceGetXMLDesc(ifaces[0]!)).toContain(`name='${ifaces[0]!.name}'`);
    expect(await conn.interfaceLookupByName(ifaces[0]!.name)).toEqual(ifaces[0]);
    await expect(conn.interfaceLookupByName(`${PREFIX}nope`)).rejects.toMatchObject({
      code: ErrorCode.NO_INTERFACE,
    });
  });
});

describe('events', () => {
  it('delivers domain lifecycle events after start and destroy', async () => {
    const events: DomainEvent[] = [];
    const kinds = await conn.subscribeDomainEvents();
    expect(kinds).toContain('lifecycle');
    const onEvent = (e: DomainEvent) => events.push(e);
    conn.on('domainEvent', onEvent);
    try {
      const dom = await conn.domainDefineXML(domainXml(`${PREFIX}events`));
      const defined = await waitFor('defined event', () =>
        events.find((e) => e.kind === 'lifecycle' && e.dom.uuid === dom.uuid && e.event === 'defined'),
      );
      expect(defined).toMatchObject({ detail: 'added' });
      const running = await conn.domainCreate(dom);
      const started = await waitFor('started event', () =>
        events.find((e) => e.kind === 'lifecycle' && e.dom.uuid === dom.uuid && e.event === 'started'),
      );
      expect(started).toMatchObject({ kind: 'lifecycle', detail: 'booted', dom: running });
      await conn.domainDestroy(running);
      const stopped = await waitFor('stopped event', () =>
        events.find((e) => e.kind === 'lifecycle' && e.dom.uuid === dom.uuid && e.event === 'stopped'),
      );
      expect(stopped).toMatchObject({ detail: 'destroyed' });
      await conn.domainUndefineFlags(dom);
      await waitFor('undefined event', () =>
        events.find((e) => e.kind === 'lifecycle' && e.dom.uuid === dom.uuid && e.event === 'undefined'),
      );
    } finally {
      conn.off('domainEvent', onEvent);
      await conn.unsubscribeDomainEvents();
    }
  });

  it('delivers network and storage pool lifecycle events', async () => {
    const netEvents: NetworkEvent[] = [];
    const poolEvents: StoragePoolEvent[] = [];
    await conn.subscribeNetworkEvents();
    await conn.subscribePoolEvents();
    const onNet = (e: NetworkEvent) => netEvents.push(e);
    const onPool = (e: StoragePoolEvent) => poolEvents.push(e);
    conn.on('networkEvent', onNet);
    conn.on('poolEvent', onPool);
    try {
      const net = await conn.networkDefineXML(
        `<network><name>${PREFIX}evnet</name><bridge name='vdev${process.pid % 1000}'/></network>`,
      );
      await waitFor('network defined', () =>
        netEvents.find((e) => e.net.name === net.name && e.event === 'defined'),
      );
      await conn.networkUndefine(net);
      await waitFor('network undefined', () =>
        netEvents.find((e) => e.net.name === net.name && e.event === 'undefined'),
      );
      const pool = await conn.storagePoolDefineXML(
        `<pool type='dir'><name>${PREFIX}evpool</name><target><path>/${PREFIX}evpool</path></target></pool>`,
      );
      await conn.storagePoolCreate(pool);
      await waitFor('pool started', () =>
        poolEvents.find((e) => e.kind === 'lifecycle' && e.pool.uuid === pool.uuid && e.event === 'started'),
      );
      await conn.storagePoolRefresh(pool);
      await waitFor('pool refresh', () =>
        poolEvents.find((e) => e.kind === 'refresh' && e.pool.uuid === pool.uuid),
      );
      await conn.storagePoolDestroy(pool);
      await conn.storagePoolUndefine(pool);
    } finally {
      conn.off('networkEvent', onNet);
      conn.off('poolEvent', onPool);
      await conn.unsubscribeNetworkEvents();
      await conn.unsubscribePoolEvents();
    }
  });
});

describe('procedures the test driver does not implement', () => {
  it('are encoded so the daemon decodes them (it answers "not supported", never an RPC error)', async () => {
    const dom = await conn.domainCreate(await conn.domainDefineXML(domainXml(`${PREFIX}unsupported`)));
    const net = await conn.networkLookupByName('default');
    const pool = (await conn.connectListAllStoragePools())[0]!;
    const vol = (await conn.storagePoolListAllVolumes(pool))[0];
    const nic = "<interface type='network'><source network='default'/></interface>";
    const attempts: [string, () => Promise<unknown>][] = [
      ['domainGetGuestInfo', () => conn.domainGetGuestInfo(dom)],
      ['domainMigrateToHost', () => conn.domainMigrateToHost(dom, 'test:///default', { bandwidth: 10 }, 1)],
      ['domainMigrateSetMaxSpeed', () => conn.domainMigrateSetMaxSpeed(dom, 100)],
      ['domainGetJobInfo', () => conn.domainGetJobInfo(dom)],
      ['domainGetJobStats', () => conn.domainGetJobStats(dom)],
      ['domainAbortJob', () => conn.domainAbortJob(dom)],
      ['domainAttachDeviceFlags', () => conn.domainAttachDeviceFlags(dom, nic, DomainAffect.LIVE)],
      ['domainDetachDeviceFlags', () => conn.domainDetachDeviceFlags(dom, nic, DomainAffect.LIVE)],
      ['domainUpdateDeviceFlags', () => conn.domainUpdateDeviceFlags(dom, nic, DomainAffect.LIVE)],
      ['domainBlockResize', () => conn.domainBlockResize(dom, 'vda', 1 << 30)],
      ['domainOpenConsole', () => conn.domainOpenConsole(dom)],
      ['connectGetDomainCapabilities', () => conn.connectGetDomainCapabilities({ virttype: 'kvm' })],
      ['nodeGetMemoryStats', () => conn.nodeGetMemoryStats()],
      ['nodeGetMemoryParameters', () => conn.nodeGetMemoryParameters()],
      [
        'nodeSetMemoryParameters',
        () => conn.nodeSetMemoryParameters([{ field: 'shm_pages_to_scan', type: 'uint', value: 100 }]),
      ],
      ['networkGetDHCPLeases', () => conn.networkGetDHCPLeases(net)],
    ];
    if (vol) {
      attempts.push(['storageVolResize', () => conn.storageVolResize(vol, 1 << 30)]);
      attempts.push(['storageVolWipe', () => conn.storageVolWipe(vol)]);
    }
    try {
      for (const [name, attempt] of attempts) {
        const err = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        if (err === undefined) continue;
        expect(err, name).toBeInstanceOf(LibvirtError);
        expect((err as LibvirtError).code, `${name}: ${(err as Error).message}`).not.toBe(ErrorCode.RPC);
      }
    } finally {
      await conn.domainDestroy(dom);
      await conn.domainUndefineFlags(dom);
    }
  });
});

describe('errors and streams', () => {
  it("keeps libvirt's own error message and code", async () => {
    const err = await conn.domainLookupByName(`${PREFIX}missing`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect(err).toMatchObject({ code: ErrorCode.NO_DOMAIN, message: 'Domain not found' });
    const bad = await conn.domainDefineXML('<domain>').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LibvirtError);
    expect((bad as LibvirtError).message).toMatch(/Premature end of data in tag domain/);
    // The connection stays usable after errors.
    expect(await conn.connectGetType()).toBe('TEST');
  });

  it('takes a screenshot through a stream', { timeout: 20_000 }, async () => {
    const test = await conn.domainLookupByName('test');
    const shot = await conn.domainScreenshot(test);
    expect(shot.mime).toBe('image/png');
    expect(shot.data.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it("re-emits the wire connection's close and rejects later calls", async () => {
    const other = await openConnection(testEnv().testUri);
    const closed = new Promise((resolve) => other.once('close', resolve));
    await other.close();
    expect(await closed).toMatchObject({ reason: 'client' });
    expect(other.isOpen).toBe(false);
    await expect(other.connectGetType()).rejects.toBeInstanceOf(LibvirtConnectionError);
  });
});

describe('volume streams on the qemu session driver', () => {
  it('uploads into a volume and downloads the same bytes', { timeout: 60_000 }, async () => {
    const env = testEnv();
    const qemu = await openConnection(env.qemuUri);
    const name = `${PREFIX}vols`;
    const dir = path.join(env.scratchDir, name);
    let pool: Awaited<ReturnType<LibvirtClient['storagePoolDefineXML']>> | undefined;
    try {
      pool = await qemu.storagePoolDefineXML(
        `<pool type='dir'><name>${name}</name><target><path>${dir}</path></target></pool>`,
      );
      await qemu.storagePoolBuild(pool);
      await qemu.storagePoolCreate(pool);
      const size = 1024 * 1024;
      const vol = await qemu.storageVolCreateXML(
        pool,
        `<volume><name>data.raw</name><capacity unit='bytes'>${size}</capacity>` +
          `<target><format type='raw'/></target></volume>`,
      );
      expect(await qemu.storageVolGetPath(vol)).toBe(path.join(dir, 'data.raw'));

      const payload = randomBytes(size);
      const up = await qemu.storageVolUpload(vol, 0, size);
      // Several writes of odd sizes, to cross the 256 KiB packet boundary.
      for (let off = 0; off < size; off += 100_000) up.write(payload.subarray(off, off + 100_000));
      up.end();
      await finished(up);

      const down = await qemu.storageVolDownload(vol, 0, size);
      const chunks: Buffer[] = [];
      down.on('data', (chunk: Buffer) => chunks.push(chunk));
      await finished(down);
      const got = Buffer.concat(chunks);
      expect(got.length).toBe(size);
      expect(got.equals(payload)).toBe(true);

      const part = await qemu.storageVolDownload(vol, 4096, 10);
      const partChunks: Buffer[] = [];
      for await (const chunk of part) partChunks.push(chunk as Buffer);
      expect(Buffer.concat(partChunks).equals(payload.subarray(4096, 4106))).toBe(true);

      await qemu.storageVolDelete(vol);
    } finally {
      if (pool) {
        await qemu.storagePoolDestroy(pool).catch(() => undefined);
        await qemu.storagePoolDelete(pool).catch(() => undefined);
        await qemu.storagePoolUndefine(pool).catch(() => undefined);
      }
      await qemu.close();
    }
  });
});
