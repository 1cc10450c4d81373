import type { z } from 'zod';
import type { HwTiming } from './common.js';

/**
 * What one editor kind adds to the contract: its part of the hardware view (`view[<kind>]`), the change(s)
 * it accepts (objects discriminated by `kind`: `'<kind>'`, or `'<kind>.<op>'` for several operations),
 * and when such a change takes effect (shown before Apply; the main process applies accordingly).
 */
export interface HardwareKind<V extends z.ZodType, C extends z.ZodType> {
  view: V;
  change: C;
  /** `now`: this kind's part of the next-boot config as it is (to tell which fields really change). */
  timing: (change: z.output<C>, running: boolean, now?: z.output<V>) => HwTiming;
}

export const hardwareKind = <V extends z.ZodType, C extends z.ZodType>(
  k: HardwareKind<V, C>,
): HardwareKind<V, C> => k;

/** The kind a change belongs to: `'disk.add'` → `'disk'`. */
export const kindOfChange = (changeKind: string): string => {
  const dot = changeKind.indexOf('.');
  return dot < 0 ? changeKind : changeKind.slice(0, dot);
};
