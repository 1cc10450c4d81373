/**
 * Domain jobs and migration (peer-to-peer, and client-managed between two connections).
 */
import { big, toDomainRef, toWireDomain } from '../convert.js';
import { MigrateFlags } from '../protocol/constants.js';
import { RpcCore } from '../rpc-core.js';
import { fromWireParam, toTypedParams, toWireParam } from '../typed-params.js';
import type { DomainRef, JobInfo, TypedParam, TypedParamValue } from '../types.js';

/** VIR_MIGRATE_PARAM_* typed parameters, as a list or as `{ field: value }`. */
export type MigrateParams = TypedParam[] | Record<string, TypedParamValue>;

/** Flags that only make sense for the source side / peer-to-peer (dropped where they do not apply). */
const MIGRATE_SOURCE_ONLY = MigrateFlags.ABORT_ON_ERROR | MigrateFlags.AUTO_CONVERGE;
const MIGRATE_P2P_ONLY = MigrateFlags.PEER2PEER | MigrateFlags.TUNNELLED;

function migrateParamList(params: MigrateParams): TypedParam[] {
  return Array.isArray(params)
    ? params
    : toTypedParams(params, {
        bandwidth: 'ullong',
        bandwidth_postcopy: 'ullong',
        disks_port: 'int',
        'parallel.connections': 'int',
      });
}

export class MigrationApi extends RpcCore {
  async domainGetJobInfo(dom: DomainRef): Promise<JobInfo> {
    const r = await this.call('domainGetJobInfo', { dom: toWireDomain(dom) });
    const out = { type: r.type } as JobInfo;
    for (const [k, v] of Object.entries(r))
      if (k !== 'type') (out as unknown as Record<string, number>)[k] = big(v as bigint);
    return out;
  }
  async domainGetJobStats(dom: DomainRef, flags = 0): Promise<{ type: number; params: TypedParam[] }> {
    const r = await this.call('domainGetJobStats', { dom: toWireDomain(dom), flags });
    return { type: r.type, params: r.params.map(fromWireParam) };
  }
  async domainAbortJob(dom: DomainRef): Promise<void> {
    await this.call('domainAbortJob', { dom: toWireDomain(dom) });
  }
  /** Bandwidth in MiB/s. */
  async domainMigrateSetMaxSpeed(dom: DomainRef, bandwidth: number, flags = 0): Promise<void> {
    await this.call('domainMigrateSetMaxSpeed', {
      dom: toWireDomain(dom),
      bandwidth: BigInt(Math.trunc(bandwidth)),
      flags,
    });
  }
  /**
   * Peer-to-peer migration: the source daemon connects to `dconnuri` itself (virDomainMigrateToURI3
   * with VIR_MIGRATE_PEER2PEER). `params` are VIR_MIGRATE_PARAM_* typed parameters.
   */
  async domainMigrateToHost(
    dom: DomainRef,
    dconnuri: string,
    params: MigrateParams = [],
    flags = 0,
  ): Promise<void> {
    const list = migrateParamList(params);
    await this.call('domainMigratePerform3Params', {
      dom: toWireDomain(dom),
      dconnuri,
      params: list.map(toWireParam),
      cookie_in: Buffer.alloc(0),
      flags: flags | MigrateFlags.PEER2PEER,
    });
  }

  /**
   * Client-managed migration to the host `dest` is connected to (virDomainMigrate3 without
   * PEER2PEER): this client drives Begin/Prepare/Perform/Finish/Confirm on both connections, so the two
   * hosts need no credentials for each other; QEMU sends the guest straight from host to host (to
   * `migrate_uri` when given, else the address the destination proposes). A failed step cancels the
   * started migration on both sides, the guest keeps running on the source, and the first error (with
   * libvirt's message) is thrown. Resolves with the domain on the destination.
   */
  async domainMigrate(
    dom: DomainRef,
    dest: RpcCore,
    params: MigrateParams = [],
    flags = 0,
  ): Promise<DomainRef> {
    const srcFlags =
      (flags & ~MIGRATE_P2P_ONLY) |
      ((await this.supportsChangeProtection()) ? MigrateFlags.CHANGE_PROTECTION : 0);
    const destFlags = flags & ~MIGRATE_SOURCE_ONLY & ~MIGRATE_P2P_ONLY;
    let list = migrateParamList(params).map(toWireParam);
    const setParam = (field: string, value: string) => {
      list = [...list.filter((p) => p.field !== field), toWireParam({ field, type: 'string', value })];
    };
    const wireDom = toWireDomain(dom);
    const begin = await this.call('domainMigrateBegin3Params', {
      dom: wireDom,
      params: list,
      flags: srcFlags,
    });
    let cookie = begin.cookie_out;
    const confirm = async (cancelled: boolean): Promise<void> => {
      try {
        await this.call('domainMigrateConfirm3Params', {
          dom: wireDom,
          params: list,
          cookie_in: cookie,
          flags: srcFlags,
          cancelled: cancelled ? 1 : 0,
        });
      } catch {
        // As libvirt's own client: a failed Confirm after a finished migration is only a warning, and
        // after a failure the first error is the one that matters.
      }
    };
    setParam('destination_xml', begin.xml);
    try {
      const prep = await dest.call('domainMigratePrepare3Params', {
        params: list,
        cookie_in: cookie,
        flags: destFlags,
      });
      cookie = prep.cookie_out;
      // The destination's answer wins (it adds the port it listens on), as in libvirt's own client.
      if (prep.uri_out !== null) setParam('migrate_uri', prep.uri_out);
    } catch (err) {
      await confirm(true);
      throw err;
    }
    let performError: unknown = null;
    try {
      const perf = await this.call('domainMigratePerform3Params', {
        dom: wireDom,
        dconnuri: null,
        params: list,
        cookie_in: cookie,
        flags: srcFlags,
      });
      cookie = perf.cookie_out;
    } catch (err) {
      performError = err;
    }
    // Finish runs either way: after a failed Perform it tears down the half-started guest there. It
    // finds the incoming guest by name.
    if (!list.some((p) => p.field === 'destination_name')) setParam('destination_name', dom.name);
    let arrived: DomainRef | null = null;
    let finishError: unknown = null;
    try {
      const fin = await dest.call('domainMigrateFinish3Params', {
        params: list,
        cookie_in: cookie,
        flags: destFlags,
        cancelled: performError ? 1 : 0,
      });
      cookie = fin.cookie_out;
      arrived = toDomainRef(fin.dom);
    } catch (err) {
      finishError = err;
    }
    await confirm(arrived === null || performError !== null);
    if (performError) throw performError;
    if (!arrived) throw finishError ?? new Error('migration finished without a domain');
    return arrived;
  }
}
