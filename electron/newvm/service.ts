/**
 * Creating a VM: what a connection offers (pools, networks, KVM or emulation), the osinfo-db OS list
 * and ISO detection, and the creation itself — disk volume, definition, first start — with nothing left
 * behind when a step fails (the new volume is deleted again if libvirt refuses the definition).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallInput, CallOutput, RemoteError } from '../../shared/contract/index.js';
import type { z } from 'zod';
import type { newVmInputSchema, OsChoice } from '../../shared/contract/newvm.js';
import { parseLibvirtUri } from '../libvirt/uri.js';
import { detectOs } from '../osinfo/detect.js';
import { osCatalog, searchOs, type OsEntry } from '../osinfo/catalog.js';
import { readIsoIdentity } from '../osinfo/iso.js';
import type { ConnectionDirectory } from '../base/connections.js';
import { CoreError, interruptedError } from '../base/errors.js';
import {
  DomainState,
  DomainXMLFlags,
  ErrorCode,
  libvirtCode,
  type DomainRef,
  type LibvirtClient,
} from '../libvirt/index.js';
import { child, DomainXml, newDirPoolXml, newVmXml, newVolumeXml, PoolXml } from '../libvirt-xml/index.js';
import { explainStartFailure } from '../networks/service.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** An osinfo entry as the dialog shows it, with suggested sizes (recommended, else minimum). */
export function osChoice(e: OsEntry): OsChoice {
  const pick = (k: 'ramBytes' | 'storageBytes' | 'cpus'): number | null =>
    e.recommended[k] ?? e.minimum[k] ?? null;
  const ram = pick('ramBytes');
  const storage = pick('storageBytes');
  return {
    id: e.id,
    shortId: e.shortId,
    name: e.name,
    family: e.family ?? null,
    releaseDate: e.releaseDate ?? null,
    memoryMiB: ram === null ? null : Math.round(ram / MiB),
    diskGiB: storage === null ? null : Math.ceil(storage / GiB),
    cpus: pick('cpus'),
    virtio: e.virtio,
  };
}

type Options = CallOutput<'newvm.options'>;
type Issues = NonNullable<RemoteError['issues']>;

/** The name of the default pool, as virt-install and virt-manager call it. */
export const DEFAULT_POOL = 'default';

/**
 * Where the default directory pool lives: libvirt's system images folder, or for a session connection
 * `$XDG_DATA_HOME/libvirt/images` of the user (a local session daemon runs as the user VirtDesk runs as).
 * Null for a remote session connection: its user's home is not known here.
 */
export function defaultPoolPath(
  uri: { path: string; host?: string | null | undefined },
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string | null {
  if (uri.path !== '/session') return '/var/lib/libvirt/images';
  if (uri.host) return null;
  const data =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(home, '.local/share');
  return path.join(data, 'libvirt/images');
}

/**
 * The pool the dialog announces when no pool runs: 'default' (started when defined but inactive,
 * created otherwise) — null when a pool runs already or no place is known for one.
 */
export function poolToCreate(pools: Options['pools'], defaultPath: string | null): Options['poolToCreate'] {
  if (pools.some((p) => p.active)) return null;
  const existing = pools.find((p) => p.name === DEFAULT_POOL);
  if (existing) return { name: DEFAULT_POOL, path: existing.path ?? defaultPath ?? '', exists: true };
  return defaultPath ? { name: DEFAULT_POOL, path: defaultPath, exists: false } : null;
}

export class NewVmService {
  constructor(private readonly connections: ConnectionDirectory) {}

  private async virtType(c: LibvirtClient): Promise<'kvm' | 'qemu'> {
    try {
      await c.connectGetDomainCapabilities({ virttype: 'kvm', arch: 'x86_64' });
      return 'kvm';
    } catch {
      return 'qemu'; // no /dev/kvm (or no KVM support in this libvirt): emulation
    }
  }

  async options(input: CallInput<'newvm.options'>): Promise<CallOutput<'newvm.options'>> {
    const c = this.connections.getClient(input.connectionId);
    const pools = await Promise.all(
      (await c.connectListAllStoragePools(0)).map(async (p) => {
        const path = PoolXml.parse(await c.storagePoolGetXMLDesc(p, 0)).targetPath;
        return { name: p.name, active: await c.storagePoolIsActive(p), path };
      }),
    );
    const networks = await Promise.all(
      (await c.connectListAllNetworks(0)).map(async (n) => ({
        name: n.name,
        active: await c.networkIsActive(n),
      })),
    );
    const uri = parseLibvirtUri(this.connections.entry(input.connectionId).uri);
    const node = await c.nodeGetInfo();
    const isoVolumes: string[] = [];
    for (const p of await c.connectListAllStoragePools(0)) {
      if (!pools.find((x) => x.name === p.name)?.active) continue;
      const vols = await c.storagePoolListAllVolumes(p, 0).catch(() => []);
      for (const v of vols.filter((v) => v.name.toLowerCase().endsWith('.iso')))
        isoVolumes.push(await c.storageVolGetPath(v).catch(() => v.key));
    }
    return {
      pools: pools.sort((a, b) => a.name.localeCompare(b.name)),
      networks: networks.sort((a, b) => a.name.localeCompare(b.name)),
      session: uri.path === '/session',
      virtType: await this.virtType(c),
      osinfo: (await osCatalog()).length > 0,
      poolToCreate: poolToCreate(pools, defaultPoolPath(uri)),
      host: { memoryMiB: Math.floor(node.memory / 1024), cpus: node.cpus },
      isoVolumes: isoVolumes.sort(),
      vmNames: (await c.connectListAllDomains(0)).map((d) => d.name).sort(),
    };
  }

  async searchOs(input: CallInput<'newvm.searchOs'>): Promise<CallOutput<'newvm.searchOs'>> {
    return searchOs(await osCatalog(), input.query, input.limit ?? 30).map(osChoice);
  }

  async detectOs(input: CallInput<'newvm.detectOs'>): Promise<CallOutput<'newvm.detectOs'>> {
    const uri = parseLibvirtUri(this.connections.entry(input.connectionId).uri);
    if (uri.transport !== 'unix' || uri.host)
      throw new CoreError(
        'invalid-input',
        'OS detection reads the ISO on this computer; this connection is to another host',
      );
    const iso = await readIsoIdentity(input.path).catch((e: unknown) => {
      throw new CoreError('invalid-input', `Cannot read ${input.path}: ${(e as Error).message}`);
    });
    if (!iso) return { volumeId: null, os: null };
    const os = detectOs(await osCatalog(), iso);
    return { volumeId: iso.volumeId || null, os: os ? osChoice(os) : null };
  }

  /**
   * Everything Create could be refused for, checked before anything is made: issues by the contract's
   * field paths, in plain words.
   */
  private async check(
    c: LibvirtClient,
    v: z.output<typeof newVmInputSchema>,
    poolName: string | null,
  ): Promise<Issues> {
    const issues: Issues = [];
    const exists = await c.domainLookupByName(v.name).then(
      () => true,
      (e: unknown) => {
        if (libvirtCode(e) === ErrorCode.NO_DOMAIN) return false;
        throw e;
      },
    );
    if (exists) issues.push({ path: ['name'], message: `A VM named "${v.name}" exists already` });
    else if (v.disk && poolName) {
      const pool = await c.storagePoolLookupByName(poolName).catch(() => null);
      const vol = pool && (await c.storageVolLookupByName(pool, `${v.name}.qcow2`).catch(() => null));
      if (vol)
        issues.push({
          path: ['name'],
          message: `Pool '${poolName}' has a disk named ${v.name}.qcow2 already: choose another name`,
        });
    }
    const node = await c.nodeGetInfo();
    const hostMiB = Math.floor(node.memory / 1024);
    if (v.memoryMiB > hostMiB)
      issues.push({ path: ['memoryMiB'], message: `More than this host has (${hostMiB} MiB)` });
    if (v.installMedia) {
      const problem = await this.unreadableIso(c, v.connectionId, v.installMedia);
      if (problem) issues.push({ path: ['installMedia'], message: problem });
    }
    if (v.network && v.network !== 'user') {
      const net = await c.networkLookupByName(v.network).catch(() => null);
      if (!net) issues.push({ path: ['network'], message: `There is no network '${v.network}'` });
      else if (!(await c.networkIsActive(net)))
        issues.push({ path: ['network'], message: `Network '${v.network}' is not running: start it first` });
    }
    return issues;
  }

  /** Why the install ISO cannot be used, or null: a pool's volume, or (local hosts) a readable file. */
  private async unreadableIso(c: LibvirtClient, connectionId: string, iso: string): Promise<string | null> {
    if (
      await c.storageVolLookupByPath(iso).then(
        () => true,
        () => false,
      )
    )
      return null;
    const uri = parseLibvirtUri(this.connections.entry(connectionId).uri);
    if (uri.transport !== 'unix' || uri.host) return null; // another host's file: libvirt will say
    try {
      const st = await fs.promises.stat(iso);
      if (!st.isFile()) return `${iso} is not a file`;
      await fs.promises.access(iso, fs.constants.R_OK);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? `There is no file ${iso}` : `Cannot read ${iso}: ${(e as Error).message}`;
    }
  }

  /** Starts the default pool (creating it first when it is not defined); the name of the pool. */
  private async ensureDefaultPool(
    c: LibvirtClient,
    connectionId: string,
  ): Promise<{ name: string; made: boolean }> {
    const uri = parseLibvirtUri(this.connections.entry(connectionId).uri);
    const pools = await Promise.all(
      (await c.connectListAllStoragePools(0)).map(async (p) => ({
        name: p.name,
        active: await c.storagePoolIsActive(p),
        path: null,
      })),
    );
    const active = pools.find((p) => p.active && p.name === DEFAULT_POOL) ?? pools.find((p) => p.active);
    if (active) return { name: active.name, made: false };
    const plan = poolToCreate(pools, defaultPoolPath(uri));
    if (!plan)
      throw new CoreError('invalid-input', 'This connection has no running storage pool for the disk', [
        {
          path: ['disk', 'pool'],
          message: 'No running storage pool: create one, or create the VM without a disk',
        },
      ]);
    const ref = plan.exists
      ? await c.storagePoolLookupByName(plan.name)
      : await c.storagePoolDefineXML(newDirPoolXml(plan.name, plan.path), 0);
    try {
      if (!plan.exists) await c.storagePoolBuild(ref, 0);
      await c.storagePoolCreate(ref, 0);
      await c.storagePoolSetAutostart(ref, true);
    } catch (e) {
      if (!plan.exists) await c.storagePoolUndefine(ref).catch(() => undefined);
      throw e;
    }
    return { name: plan.name, made: true };
  }

  /** `v` as the contract validated it (defaults applied). */
  async create(v: z.output<typeof newVmInputSchema>): Promise<CallOutput<'newvm.create'>> {
    const c = this.connections.getClient(v.connectionId);
    let os: OsEntry | null = null;
    if (v.osId) {
      os = (await osCatalog()).find((e) => e.id === v.osId) ?? null;
      if (!os) throw new CoreError('invalid-input', `Unknown operating system: ${v.osId}`);
    }
    const issues = await this.check(c, v, v.disk?.pool ?? null);
    if (issues.length) throw new CoreError('invalid-input', issues[0]!.message, issues);
    const virtType = await this.virtType(c);
    let createdPool: string | null = null;
    let vol: Awaited<ReturnType<LibvirtClient['storageVolCreateXML']>> | null = null;
    let diskPath: string | null = null;
    /** What was asked of libvirt so far, named for the error if the connection drops meanwhile. */
    const attempted: string[] = [];
    if (v.disk) {
      let poolName = v.disk.pool;
      if (poolName === null) {
        const made = await this.ensureDefaultPool(c, v.connectionId);
        poolName = made.name;
        if (made.made) createdPool = made.name;
        const again = await this.check(c, { ...v, installMedia: undefined, network: null }, poolName);
        if (again.length) throw new CoreError('invalid-input', again[0]!.message, again);
      }
      const pool = await c.storagePoolLookupByName(poolName);
      const bytes = Math.round(v.disk.sizeGiB * GiB);
      attempted.push(`a new disk ${v.name}.qcow2 in pool ${v.disk.pool}`);
      vol = await c
        .storageVolCreateXML(
          pool,
          newVolumeXml({ name: `${v.name}.qcow2`, capacityBytes: bytes, format: 'qcow2' }),
        )
        .catch((err: unknown) => {
          throw interruptedError(err, attempted);
        });
    }
    let dom;
    try {
      if (vol) diskPath = await c.storageVolGetPath(vol);
      attempted.push(`the definition of VM '${v.name}'`);
      dom = await c.domainDefineXML(
        newVmXml({
          name: v.name,
          virtType,
          memoryMiB: v.memoryMiB,
          vcpus: v.vcpus,
          osId: os?.id ?? null,
          virtio: os ? os.virtio : true,
          diskPath,
          installMedia: v.installMedia ?? null,
          network: v.network,
        }),
      );
    } catch (err) {
      // The VM was refused (or its disk's path unknown): its new disk must not stay behind.
      if (vol) await c.storageVolDelete(vol, 0).catch(() => undefined);
      throw interruptedError(err, attempted);
    }
    const done = { uuid: dom.uuid, createdPool };
    if (!v.start) return { ...done, started: false, startError: null, startRemedy: null };
    try {
      await this.firstStart(c, dom, virtType);
      return { ...done, started: true, startError: null, startRemedy: null };
    } catch (err) {
      // Defined but not running: the user chooses between deleting what was made and keeping it.
      const why = await explainStartFailure(c, v.connectionId, dom, err);
      return {
        ...done,
        started: false,
        startError: (why as Error).message,
        startRemedy: why instanceof CoreError && why.remedy ? why.remedy : null,
      };
    }
  }

  /**
   * The first start. With KVM, when QEMU itself fails (VIR_ERR_INTERNAL_ERROR: on nested hosts that offer
   * KVM, passing the host CPU through can fail on its MSRs) the VM is tried once more with QEMU's default
   * CPU model, and keeps that definition only when it then runs; otherwise the first error stands.
   */
  private async firstStart(c: LibvirtClient, dom: DomainRef, virtType: 'kvm' | 'qemu'): Promise<void> {
    try {
      await c.domainCreate(dom);
    } catch (first) {
      if (virtType !== 'kvm' || libvirtCode(first) !== ErrorCode.INTERNAL_ERROR) throw first;
      const original = await c.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE);
      const plain = DomainXml.parse(original);
      const cpu = child(plain.root, 'cpu');
      if (!cpu) throw first;
      plain.root.removeChild(cpu);
      await c.domainDefineXML(plain.toString());
      try {
        await c.domainCreate(dom);
      } catch {
        await c.domainDefineXML(original).catch(() => undefined);
        throw first;
      }
    }
  }

  /** See `newvm.discard`: the VM's definition and the `<name>.qcow2` volume its creation made. */
  async discard(input: CallInput<'newvm.discard'>): Promise<CallOutput<'newvm.discard'>> {
    const c = this.connections.getClient(input.connectionId);
    const dom = await c.domainLookupByUUID(input.uuid);
    if ((await c.domainGetInfo(dom)).state !== DomainState.SHUTOFF)
      throw new CoreError('invalid-input', `VM "${dom.name}" is running: it is not a failed creation`);
    const xml = DomainXml.parse(await c.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE));
    let volume: string | null = null;
    for (const d of xml.disks) {
      if (d.device !== 'disk' || !d.source) continue;
      const vol = await c.storageVolLookupByPath(d.source).catch(() => null);
      if (vol && vol.name === `${dom.name}.qcow2`) {
        volume = d.source;
        await c.domainUndefineFlags(dom, 0);
        await c.storageVolDelete(vol, 0);
        return { deletedVolume: volume };
      }
    }
    await c.domainUndefineFlags(dom, 0);
    return { deletedVolume: volume };
  }
}
