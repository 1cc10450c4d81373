/**
 * What waits for a restart in a kind that is a list of devices: devices in the next-boot config the
 * running VM lacks (added), devices of the running VM the config no longer has (removed), and devices
 * whose description differs (changed). Shared by the channel, serial, controller, share and host device
 * kinds.
 */
import type { PendingChange } from '../../../shared/contract/hardware.js';

export function listPending<T>(
  kind: string,
  config: readonly T[],
  live: readonly T[],
  keyOf: (x: T) => string,
  label: (x: T) => string,
): PendingChange[] {
  const out: PendingChange[] = [];
  const liveByKey = new Map(live.map((l) => [keyOf(l), l]));
  const configKeys = new Set(config.map(keyOf));
  for (const c of config) {
    const l = liveByKey.get(keyOf(c));
    if (!l)
      out.push({ kind, field: 'hwpAdded', now: '', next: label(c), text: `${label(c)}: added at restart` });
    else if (label(l) !== label(c))
      out.push({
        kind,
        field: 'hwpChanged',
        now: label(l),
        next: label(c),
        text: `${label(l)} → ${label(c)}`,
      });
  }
  for (const l of live)
    if (!configKeys.has(keyOf(l)))
      out.push({
        kind,
        field: 'hwpRemoved',
        now: label(l),
        next: '',
        text: `${label(l)}: removed at restart`,
      });
  return out;
}
