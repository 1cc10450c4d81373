/** What the disk and NIC editors pick from (`hardware.deviceChoices`), read once per connection and open form. */
import { useEffect, useState } from 'react';
import type { DeviceChoices } from '../../../../../../shared/contract/hardware-devices.js';
import { getApi } from '../../../../api/client.js';
import { toApiError } from '../../../../api/transport.js';

export const useDeviceChoices = (
  connectionId: string,
): { choices: DeviceChoices | null; error: string | null } => {
  const [state, setState] = useState<{ choices: DeviceChoices | null; error: string | null }>({
    choices: null,
    error: null,
  });
  useEffect(() => {
    let live = true;
    getApi()
      .call('hardware.deviceChoices', { connectionId })
      .then(
        (choices) => live && setState({ choices, error: null }),
        (e: unknown) => live && setState({ choices: null, error: toApiError(e).message }),
      );
    return () => {
      live = false;
    };
  }, [connectionId]);
  return state;
};

/** The units a size is typed in, the first the default. */
export const SIZE_UNITS = ['GiB', 'MiB'] as const;
export type SizeUnit = (typeof SIZE_UNITS)[number];

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Bytes as "20 GiB" / "512 MiB" (one decimal when needed). */
export const formatBytes = (n: number): string => {
  const [v, unit] = n >= GiB ? [n / GiB, 'GiB'] : [n / MiB, 'MiB'];
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
};

/** A size typed as a number of `unit` (MiB or GiB), in bytes; null when it is not a positive number. */
export const parseSize = (text: string, unit: SizeUnit): number | null => {
  const v = text.trim();
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(v)) return null;
  const bytes = Math.round(Number(v) * (unit === 'GiB' ? GiB : MiB));
  return bytes >= MiB ? bytes - (bytes % MiB) : null;
};
