import type { hardwareDeviceCalls } from '../../../shared/contract/hardware-devices.js';
import type { HandlerMap } from '../../base/handlers.js';
import type { HardwareDeviceService } from './choices.js';

export const hardwareDeviceHandlers = (
  svc: HardwareDeviceService,
): HandlerMap<typeof hardwareDeviceCalls> => ({
  'hardware.deviceChoices': (input) => svc.choices(input),
  'hardware.diskSize': (input) => svc.diskSize(input),
});
