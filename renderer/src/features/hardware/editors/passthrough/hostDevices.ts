/** The host's USB and PCI devices (`hardware.hostDevices`), read once per open chooser. */
import { useEffect, useState } from 'react';
import {
  REFUSED_HOST_DEVICE_STATUSES,
  type HostDevice,
} from '../../../../../../shared/contract/hardware-hostdevs.js';
import type { HostdevSourceInput } from '../../../../../../shared/contract/hardware.js';
import { getApi } from '../../../../api/client.js';
import { toApiError } from '../../../../api/transport.js';

export const useHostDevices = (
  connectionId: string,
): { devices: HostDevice[] | null; error: string | null } => {
  const [state, setState] = useState<{ devices: HostDevice[] | null; error: string | null }>({
    devices: null,
    error: null,
  });
  useEffect(() => {
    let live = true;
    getApi()
      .call('hardware.hostDevices', { connectionId })
      .then(
        (r) => live && setState({ devices: r.devices, error: null }),
        (e: unknown) => live && setState({ devices: null, error: toApiError(e).message }),
      );
    return () => {
      live = false;
    };
  }, [connectionId]);
  return state;
};

export const refused = (d: HostDevice): boolean => REFUSED_HOST_DEVICE_STATUSES.includes(d.status);

/** A device's readable name: vendor and product names, else its ids. */
export const deviceName = (d: HostDevice): string =>
  [d.vendorName, d.productName].filter(Boolean).join(' ') || d.ids;

/**
 * What `hostdev.add` takes for `d`: a USB device by its ids alone (it may be plugged in elsewhere next
 * time), unless another device with the same ids is listed — then also by where it is plugged in.
 */
export const sourceFor = (d: HostDevice, all: readonly HostDevice[]): HostdevSourceInput => {
  if (d.source.type !== 'usb') return d.source;
  const twins = all.filter((x) => x.bus === 'usb' && x.ids === d.ids).length > 1;
  const { type, vendor, product } = d.source;
  return twins ? d.source : { type, vendor, product };
};
