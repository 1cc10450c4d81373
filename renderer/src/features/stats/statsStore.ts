/**
 * Live stats on the renderer side, kept outside React state: one 'stats.tick' listener fans ticks out
 * by connection; subscriptions are (re)sent to main when the transport (re)opens.
 */
import type { StatsSubscribeInput, StatsTick } from '../../../../shared/contract/stats.js';
import { getApi } from '../../api/client.js';

type TickListener = (tick: StatsTick) => void;

const listeners = new Map<string, Set<TickListener>>();
const active = new Map<string, StatsSubscribeInput>();
let wired = false;

const wire = (): void => {
  if (wired) return;
  wired = true;
  const api = getApi();
  api.on('stats.tick', (tick) => {
    const set = listeners.get(tick.connectionId);
    if (set) for (const cb of set) cb(tick);
  });
  api.onStatus((s) => {
    // a new WebSocket is a new session on the main side: subscribe again
    if (s === 'open')
      for (const sub of active.values()) void api.call('stats.subscribe', sub).catch(() => undefined);
  });
};

/** Calls `cb` with every tick of `connectionId`; returns the unsubscribe function. */
export const onTick = (connectionId: string, cb: TickListener): (() => void) => {
  wire();
  let set = listeners.get(connectionId);
  if (!set) listeners.set(connectionId, (set = new Set()));
  set.add(cb);
  return () => {
    set.delete(cb);
    if (set.size === 0) listeners.delete(connectionId);
  };
};

let seq = 0;
export const newSubscriptionId = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Adds or replaces a subscription in main (same id replaces). */
export const subscribe = (sub: StatsSubscribeInput): Promise<number | null> => {
  wire();
  active.set(sub.id, sub);
  return getApi()
    .call('stats.subscribe', sub)
    .then(
      (r) => r.intervalMs,
      () => null,
    );
};

export const unsubscribe = (id: string): void => {
  if (!active.delete(id)) return;
  void getApi()
    .call('stats.unsubscribe', { id })
    .catch(() => undefined);
};

/** True when the page is hidden (minimized window, background tab): charts skip drawing. */
export const pageHidden = (): boolean => typeof document !== 'undefined' && document.hidden;
