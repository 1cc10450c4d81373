import { hardwareChangeSchema, type HardwareChange } from '../../../../shared/contract/hardware.js';
import type { ApiError } from '../../api/transport.js';

/** Messages by field path below `change` ('vcpus', 'topology', 'order.2'…). */
export type HwFieldIssues = Readonly<Record<string, string>>;

const key = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/** The contract's own checks (the ones the main process runs too), by field. */
export const checkChange = (change: HardwareChange): HwFieldIssues => {
  const r = hardwareChangeSchema.safeParse(change);
  if (r.success) return {};
  const out: Record<string, string> = {};
  for (const i of r.error.issues) out[key(i.path)] ??= i.message;
  return out;
};

/** The main process's refusal (`invalid-input`) put on the same fields; null when it has none. */
export const remoteIssues = (e: ApiError): HwFieldIssues | null => {
  if (e.code !== 'invalid-input' || !e.issues?.length) return null;
  const out: Record<string, string> = {};
  for (const i of e.issues) {
    const path = i.path[0] === 'change' ? i.path.slice(1) : i.path;
    out[key(path)] ??= i.message;
  }
  return out;
};
