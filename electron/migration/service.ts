/**
 * Live migration between two connected hosts (virt-manager's "Migrate…"): client-managed by default
 * (VirtDesk drives both hosts, which then need no credentials for each other), or peer to peer (the source
 * host's libvirt connects to the target connection's URI itself). Progress comes from the source's job
 * info; cancel aborts that job, and the wire client rolls the migration back on both sides.
 */
import type { z } from 'zod';
import type { CallInput, CallOutput } from '../../shared/contract/index.js';
import type { migrationStartSchema } from '../../shared/contract/migration.js';
import {
  DomainJobType,
  ErrorCode,
  libvirtCode,
  MigrateFlags,
  type TypedParamValue,
} from '../libvirt/index.js';
import type { ConnectionDirectory } from '../base/connections.js';
import { CoreError } from '../base/errors.js';

const { LIVE, PERSIST_DEST, UNDEFINE_SOURCE, OFFLINE, COMPRESSED, AUTO_CONVERGE } = MigrateFlags;

const IDLE = { active: false, elapsedMs: 0, dataTotal: 0, dataProcessed: 0, dataRemaining: 0 };

/** A request as the contract validated it (defaults applied). */
export type MigrationStart = z.output<typeof migrationStartSchema>;

/** Flags and typed parameters for one request (pure; exported for tests). */
export function migrationRequest(v: MigrationStart): {
  flags: number;
  params: Record<string, TypedParamValue>;
} {
  let flags = 0;
  if (v.live) flags |= LIVE;
  if (v.persistent) flags |= PERSIST_DEST | UNDEFINE_SOURCE;
  if (v.autoConverge) flags |= AUTO_CONVERGE;
  if (v.compressed) flags |= COMPRESSED;
  const params: Record<string, TypedParamValue> = {};
  if (v.bandwidthMiBs !== undefined) params.bandwidth = v.bandwidthMiBs;
  if (v.address !== undefined) params.migrate_uri = `tcp://${v.address}`;
  return { flags, params };
}

export class MigrationService {
  constructor(private readonly connections: ConnectionDirectory) {}

  async start(v: MigrationStart): Promise<CallOutput<'migration.start'>> {
    const source = this.connections.getClient(v.connectionId);
    const target = this.connections.getClient(v.targetConnectionId);
    const targetUri = this.connections.entry(v.targetConnectionId).uri;
    if (targetUri === this.connections.entry(v.connectionId).uri)
      throw new CoreError('invalid-input', 'The target connection is the same host as the source');
    const dom = await source.domainLookupByUUID(v.uuid);
    const req = migrationRequest(v);
    // A shut-off VM moves offline: its definition only (disk images are not copied by libvirt).
    const flags = (await source.domainIsActive(dom))
      ? req.flags
      : (req.flags & ~LIVE) | OFFLINE | PERSIST_DEST | UNDEFINE_SOURCE;
    const { params } = req;
    if (v.mode === 'p2p') {
      await source.domainMigrateToHost(dom, targetUri, params, flags);
      return { targetConnectionId: v.targetConnectionId, uuid: dom.uuid };
    }
    const arrived = await source.domainMigrate(dom, target, params, flags);
    return { targetConnectionId: v.targetConnectionId, uuid: arrived.uuid };
  }

  async progress(input: CallInput<'migration.progress'>): Promise<CallOutput<'migration.progress'>> {
    const c = this.connections.getClient(input.connectionId);
    let job;
    try {
      job = await c.domainGetJobInfo(await c.domainLookupByUUID(input.uuid));
    } catch (err) {
      // Gone from the source: the migration just finished (the start call says how).
      if (libvirtCode(err) === ErrorCode.NO_DOMAIN) return IDLE;
      throw err;
    }
    return {
      active: job.type !== DomainJobType.NONE,
      elapsedMs: job.timeElapsed,
      dataTotal: job.dataTotal,
      dataProcessed: job.dataProcessed,
      dataRemaining: job.dataRemaining,
    };
  }

  async cancel(input: CallInput<'migration.cancel'>): Promise<null> {
    const c = this.connections.getClient(input.connectionId);
    await c.domainAbortJob(await c.domainLookupByUUID(input.uuid));
    return null;
  }
}
