import type { z } from 'zod';
import { connectionCalls, connectionEvents } from './connections.js';
import { vmCalls, vmEvents } from './vms.js';
import { consoleCalls, consoleEvents } from './consoles.js';
import { statsCalls, statsEvents } from './stats.js';
import { hostCalls, hostEvents } from './host.js';
import { hostMemoryCalls, hostMemoryEvents } from './host-memory.js';
import { migrationCalls, migrationEvents } from './migration.js';
import { newVmCalls, newVmEvents } from './newvm.js';
import { snapshotCalls, snapshotEvents } from './snapshots.js';
import { networkCalls, networkEvents } from './networks.js';
import { hardwareCalls, hardwareEvents } from './hardware.js';
import { domainXmlCalls, domainXmlEvents } from './domainxml.js';
import { storageCalls, storageEvents } from './storage.js';
import type { ChooseFileInput, ChooseFileOutput, ChooseIsoInput, ChooseIsoOutput } from './native.js';
import { tuningCalls, tuningEvents } from './tuning.js';
import { tuningSecurityCalls, tuningSecurityEvents } from './tuning-security.js';
import { hardwareDeviceCalls, hardwareDeviceEvents } from './hardware-devices.js';
import { hardwareHostDeviceCalls, hardwareHostDeviceEvents } from './hardware-hostdevs.js';
import { tuningPlanCalls, tuningPlanEvents } from './tuning-plans.js';
// Feature files: one import line each (consoles → E, stats/host → F).

/**
 * The whole renderer↔main contract. Each feature owns one file in this folder exporting `xxxCalls` and
 * `xxxEvents`; they are merged here. Transports (Electron IPC, web-mode WebSocket) are generic over it.
 */
export const calls = {
  ...connectionCalls,
  ...vmCalls,
  ...consoleCalls,
  ...statsCalls,
  ...hostCalls,
  ...hostMemoryCalls,
  ...migrationCalls,
  ...newVmCalls,
  ...snapshotCalls,
  ...networkCalls,
  ...hardwareCalls,
  ...domainXmlCalls,
  ...storageCalls,
  ...tuningCalls,
  ...tuningSecurityCalls,
  ...hardwareDeviceCalls,
  ...hardwareHostDeviceCalls,
  ...tuningPlanCalls,
} as const;

export const events = {
  ...connectionEvents,
  ...vmEvents,
  ...consoleEvents,
  ...statsEvents,
  ...hostEvents,
  ...hostMemoryEvents,
  ...migrationEvents,
  ...newVmEvents,
  ...snapshotEvents,
  ...networkEvents,
  ...hardwareEvents,
  ...domainXmlEvents,
  ...storageEvents,
  ...tuningEvents,
  ...tuningSecurityEvents,
  ...hardwareDeviceEvents,
  ...hardwareHostDeviceEvents,
  ...tuningPlanEvents,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;
/** `(name, payload)` pairs; a listener `(...args: EventArgs) => …` narrows `payload` by checking `name`. */
export type EventArgs = { [N in EventName]: [name: N, payload: EventPayload<N>] }[EventName];

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);

/** Error codes carried by `RemoteError.code`. */
export type RemoteErrorCode =
  | 'libvirt' // libvirt refused; `message` is libvirt's own text, `libvirt` has its code/domain/level
  | 'connection' // the libvirt connection failed or is closed
  | 'not-connected' // the connection is not connected (connect it first)
  | 'not-found' // unknown connection / VM
  | 'duplicate' // already saved (e.g. a connection with the same URI); `existingId` names the saved one
  | 'invalid-input' // the payload failed the call's schema
  | 'unknown-call' // no such call name
  | 'unauthorized' // transport-level refusal (web mode)
  | 'cancelled' // the person cancelled it (an upload or download); nothing was kept
  | 'in-use' // a storage volume or pool a VM uses (the VMs are named in `message`)
  | 'limit-reached' // a per-window or global cap (consoles, display tokens, stats subscriptions); `message` names it
  | 'conflict' // changed elsewhere since it was read (e.g. a VM's XML being edited): reload, then try again
  | 'internal'; // a bug: see the main-process log

/** Error shape that crosses the boundary: libvirt's own message is kept in `message`. */
export interface RemoteError {
  message: string;
  code?: RemoteErrorCode | (string & {});
  libvirt?: { code: number; domain: number; level: number };
  /** For invalid-input: the zod issues (path + message), to show next to form fields. */
  issues?: { path: (string | number)[]; message: string }[];
  /** A one-click fix the renderer offers beside the message (an action button on the toast/banner). */
  remedy?: RemoteRemedy;
  /** For duplicate: the id of what is already saved (the renderer selects it). */
  existingId?: string;
}

/** What a failure's one-click fix does: start the inactive network or storage pool the VM needs, then retry. */
export type RemoteRemedy =
  | { kind: 'start-network'; connectionId: string; network: string }
  | { kind: 'start-pool'; connectionId: string; pool: string };

/** The API the renderer sees (window.virtdesk in Electron, the WebSocket client in web mode). */
export interface VirtdeskApi {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  onEvent(cb: (...args: EventArgs) => void): () => void;
  platform: string;
  /** Electron only: a native file dialog for an ISO image on this machine (see native.ts). */
  chooseIso?: (input: ChooseIsoInput) => Promise<ChooseIsoOutput>;
  /** Electron only: a native open/save dialog for a file to upload or download into (see native.ts). */
  chooseFile?: (input: ChooseFileInput) => Promise<ChooseFileOutput>;
}

export * from '../model/index.js';
