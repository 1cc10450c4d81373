import { randomUUID } from 'node:crypto';
import type { EventName, EventPayload } from '../../shared/contract/index.js';
import type { ClientSession } from '../base/handlers.js';

export type EventSink = (name: EventName, payload: unknown) => void;

export class Session implements ClientSession {
  readonly id = randomUUID();
  private cleanups: (() => void)[] = [];
  closed = false;

  constructor(private readonly sink: EventSink) {}

  send<N extends EventName>(event: N, payload: EventPayload<N>): void {
    if (this.closed) return;
    try {
      this.sink(event, payload);
    } catch (e) {
      console.warn(`virtdesk: failed to send ${event} to session ${this.id}:`, e);
    }
  }

  onClose(cleanup: () => void): void {
    if (this.closed) {
      runSafely(cleanup);
      return;
    }
    this.cleanups.push(cleanup);
  }

  /** Run cleanups (last registered first). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const cleanups = this.cleanups.reverse();
    this.cleanups = [];
    for (const c of cleanups) runSafely(c);
  }
}

const runSafely = (fn: () => void): void => {
  try {
    fn();
  } catch (e) {
    console.warn('virtdesk: session cleanup failed:', e);
  }
};

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  open(sink: EventSink): Session {
    const s = new Session(sink);
    this.sessions.set(s.id, s);
    return s;
  }

  close(session: Session | string): void {
    const s = typeof session === 'string' ? this.sessions.get(session) : session;
    if (!s) return;
    this.sessions.delete(s.id);
    s.close();
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }

  closeAll(): void {
    for (const s of this.all()) this.close(s);
  }
}
