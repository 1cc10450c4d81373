/**
 * What a feature needs to answer contract calls: the caller's session and the handler types. Here (not in
 * core/) so a feature folder can keep its handler map beside its service without depending on the core.
 */
import type { z } from 'zod';
import type { CallSpec } from '../../shared/contract/define.js';
import type { EventName, EventPayload } from '../../shared/contract/index.js';

/** One connected renderer (an Electron window or a web-mode WebSocket). */
export interface ClientSession {
  readonly id: string;
  /** Push an event to this renderer only (console output, progress of its own job). */
  send<N extends EventName>(event: N, payload: EventPayload<N>): void;
  /** Run when the renderer goes away, so per-client resources (ptys, proxies) are released. */
  onClose(cleanup: () => void): void;
}

export interface CallContext {
  session: ClientSession;
}

export type Handler<S extends CallSpec> = (
  input: z.output<S['input']>,
  ctx: CallContext,
) => Promise<z.input<S['output']>>;

export type HandlerMap<C extends Record<string, CallSpec>> = { [K in keyof C]: Handler<C[K]> };
