/**
 * What the display and device kinds (graphics, video, sound, input, TPM, RNG, watchdog) share: refusals
 * for values the host does not offer and for devices the configuration does not have, and their pending
 * item (the whole list of the kind, as the running VM has it and as it starts next).
 */
import type { HostLimits, PendingChange } from '../../../shared/contract/hardware.js';
import { pendingItem, type HwIssue } from './types.js';

/**
 * A refusal when the host's list is known and lacks `value` (an empty list: domain capabilities do not
 * say, and libvirt checks it itself).
 */
export const notOffered = (
  offered: readonly string[],
  value: string,
  path: string[],
  what: string,
): HwIssue[] =>
  offered.length > 0 && !offered.includes(value)
    ? [
        {
          path,
          message: `This host does not offer ${what} ${value} for this VM (it offers ${offered.join(', ')}).`,
        },
      ]
    : [];

/**
 * Whether domain capabilities say the host can give this VM the device: false when they mark it
 * unsupported, or list devices without it; true when they do not say (no capabilities at all).
 */
export const deviceOffered = (limits: HostLimits, device: string): boolean => {
  const known = Object.keys(limits.deviceSupport);
  if (known.length === 0) return true;
  return limits.deviceSupport[device] === true;
};

/** A refusal when the configuration has no n-th device of the list. */
export const missing = (list: readonly unknown[], index: number, what: string): HwIssue[] =>
  index < list.length
    ? []
    : [{ path: ['index'], message: `The VM's configuration has no ${what} number ${index + 1}.` }];

/** One pending item for the kind when the lists differ (`none` for an empty one). */
export const listPending = <T>(
  kind: string,
  label: string,
  config: readonly T[],
  live: readonly T[],
  text: (x: T) => string,
): PendingChange[] => {
  const a = live.map(text).join(', ') || 'none';
  const b = config.map(text).join(', ') || 'none';
  return a === b ? [] : [pendingItem(kind, kind, label, a, b)];
};
