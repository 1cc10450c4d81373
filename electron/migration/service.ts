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
  type LibvirtClient,
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

/**
 * A client-managed migration fails as soon as either host's connection closes, instead of when the wire
 * client's remaining steps give up: with the destination gone, only the source's Perform is pending and
 * would wait for the whole transfer (the destination's QEMU lives on), so the source job is aborted (the
 * guest keeps running there); with the source gone, the destination's Finish still tears the incoming
 * guest down, in the background. The error names the half-migrated guest that may be left on the target.
 */
function failWhenHostLost<T>(
  migration: Promise<T>,
  hosts: { source: LibvirtClient; target: LibvirtClient },
  abortSource: () => void,
  vmName: string,
): Promise<T> {
  const listeners: [LibvirtClient, () => void][] = [];
  const lost = new Promise<never>((_, reject) => {
    for (const side of ['source', 'target'] as const) {
      const onClose = () => {
        if (side === 'target') abortSource();
        const where =
          side === 'target'
            ? 'the migration was cancelled and the VM stays on the source'
            : 'check on which host it runs once the connection is back';
        reject(
          new CoreError(
            'connection',
            `The connection to the ${side} host closed during the migration of "${vmName}"; ${where}. ` +
              `A half-migrated "${vmName}" may be left on the target; check for it and delete it once ` +
              'the connection is back.',
          ),
        );
      };
      hosts[side].once('close', onClose);
      listeners.push([hosts[side], onClose]);
    }
  });
  // The migration settles later (rolled back); its outcome no longer matters once a host is lost.
  migration.catch(() => undefined);
  lost.catch(() => undefined);
  return Promise.race([migration, lost]).finally(() => {
    for (const [client, onClose] of listeners) client.off('close', onClose);
  });
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
    const arrived = await failWhenHostLost(
      source.domainMigrate(dom, target, params, flags),
      { source, target },
      () => void source.domainAbortJob(dom).catch(() => undefined),
      dom.name,
    );
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
