import type { z } from 'zod';
import { connectionCalls, connectionEvents } from './connections.js';

/**
 * The whole renderer↔main contract. Each feature owns one file in this folder exporting `xxxCalls` and
 * `xxxEvents`; they are merged here. Transports (Electron IPC, web-mode WebSocket) are generic over it.
 */
export const calls = {
  ...connectionCalls,
} as const;

export const events = {
  ...connectionEvents,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);

/** Error shape that crosses the boundary: libvirt's own message is kept in `message`. */
export interface RemoteError {
  message: string;
  code?: string;
  libvirt?: { code: number; domain: number; level: number };
}
