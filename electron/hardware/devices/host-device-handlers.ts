import type { hardwareHostDeviceCalls } from '../../../shared/contract/hardware-hostdevs.js';
import type { HandlerMap } from '../../base/handlers.js';
import type { HostDeviceService } from './host-devices.js';

export const hardwareHostDeviceHandlers = (
  svc: HostDeviceService,
): HandlerMap<typeof hardwareHostDeviceCalls> => ({
  'hardware.hostDevices': (input) => svc.list(input),
});
