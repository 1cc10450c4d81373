/**
 * Which calls may get the client's default deadline (`RpcCore.setReadTimeout`): the ones that only
 * read. A read the daemon cannot answer in seconds means a stopped, stuck or hostile daemon; the UI
 * should say so rather than spin. Calls that change state (create, migrate, snapshot, volume wipe…)
 * may legitimately take minutes and never get a default deadline.
 */
import { procedures, type ProcedureName } from './protocol/remote.js';

/** Object prefix, then a verb that only reads (virDomainGetInfo, virConnectListAllDomains…). */
const READ_NAME =
  /^(connect|node|nodeDevice|interface|network|storagePool|storageVol|domain|domainSnapshot|domainMigrate)(Get|List|Lookup|Is|Has|Num|Supports)([A-Z]|$)/;

/** Reads whose libvirt name has no read verb. */
const OTHER_READS: ReadonlySet<string> = new Set([
  'domainBlockStats',
  'domainInterfaceStats',
  'domainMemoryStats',
  'domainInterfaceAddresses',
  'domainSnapshotCurrent',
]);

/** True for a procedure that only reads state and opens no stream (handshake calls excluded). */
export function isReadProcedure(name: ProcedureName): boolean {
  const def = procedures[name] as { stream?: unknown };
  if (def.stream !== undefined || name === 'authList') return false;
  return READ_NAME.test(name) || OTHER_READS.has(name);
}
