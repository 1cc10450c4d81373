import type { CallName, Calls } from '../../shared/contract/index.js';
import type { CallContext, HandlerMap } from '../base/handlers.js';
import { connectionHandlers } from '../connections/handlers.js';
import { consoleHandlers } from '../console/handlers.js';
import { hardwareHandlers } from '../hardware/handlers.js';
import { domainXmlHandlers } from '../domainxml/handlers.js';
import { tuningHandlers } from '../tuning/handlers.js';
import { tuningSecurityHandlers } from '../tuning/security-handlers.js';
import { hardwareDeviceHandlers } from '../hardware/devices/handlers.js';
import { hardwareHostDeviceHandlers } from '../hardware/devices/host-device-handlers.js';
import { tuningPlanHandlers } from '../tuning/plan-handlers.js';
import { hostHandlers } from '../host/handlers.js';
import { hostMemoryHandlers } from '../host/memory-handlers.js';
import { migrationHandlers } from '../migration/handlers.js';
import { networkHandlers } from '../networks/handlers.js';
import { newVmHandlers } from '../newvm/handlers.js';
import { snapshotHandlers } from '../snapshots/handlers.js';
import { statsHandlers } from '../stats/handlers.js';
import { storageHandlers } from '../storage/handlers.js';
import { vmHandlers } from '../vms/handlers.js';
import type { Services } from './services.js';

export type AnyHandler = (input: unknown, ctx: CallContext) => Promise<unknown>;

/**
 * One handler per call of the contract. Each feature's handler map (in its folder) gets just the services
 * it needs from the composition root (services.ts); a feature adds one import above and one spread below.
 * `MissingHandlers` must be `never` (checked by tests/unit/contract.test.ts).
 */
export const createHandlers = (s: Services) =>
  ({
    ...connectionHandlers(s.connections),
    ...vmHandlers(s.vms, s.clones),
    ...statsHandlers(s.stats, s.connections),
    ...hostHandlers(s.host),
    ...hostMemoryHandlers(s.hostMemory),
    ...consoleHandlers(s.consoles),
    ...migrationHandlers(s.migration),
    ...newVmHandlers(s.newVm),
    ...snapshotHandlers(s.snapshots),
    ...networkHandlers(s.networks),
    ...hardwareHandlers(s.hardware),
    ...domainXmlHandlers(s.domainXml),
    ...storageHandlers(s.storage, s.transfers, s.isoLibrary),
    ...tuningHandlers(s.tuning),
    ...tuningSecurityHandlers(s.tuningSecurity),
    ...hardwareDeviceHandlers(s.hardwareDevices),
    ...hardwareHostDeviceHandlers(s.hostDevices),
    ...tuningPlanHandlers(s.tuningPlans),
  }) satisfies Partial<HandlerMap<Calls>>;

/** Calls of the contract without a handler (should be `never`; dispatch answers them with an error). */
export type MissingHandlers = Exclude<CallName, keyof ReturnType<typeof createHandlers>>;
