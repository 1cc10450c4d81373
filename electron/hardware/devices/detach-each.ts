/**
 * Detaching a character device (channel, console) from the running VM and the configuration. libvirt
 * matches such a device by its host side too, which the running VM has (a socket or pty libvirt made
 * when it started) and the configuration does not; one call with both flags finds it in only one of them.
 * So: the running VM first, with its own description of the device (a refusal there leaves everything
 * as it was), then the configuration, with the configuration's.
 */
import { DomainAffect } from '../../libvirt/index.js';
import {
  detachDevice,
  type DetachOptions,
  type DeviceChangeResult,
  type DeviceClient,
  type DomainState,
  whereIs,
} from './apply.js';

export async function detachEach(
  client: DeviceClient,
  s: DomainState,
  o: DetachOptions,
): Promise<DeviceChangeResult> {
  const { inLive, inConfig } = whereIs(s, o);
  if (!inLive || !inConfig) return detachDevice(client, s, o);
  const live = await detachDevice(client, { ...s, config: null }, o);
  await client.domainDetachDeviceFlags(s.dom, o.xmlFor(s.config!), DomainAffect.CONFIG);
  return { ...live, config: 'applied' };
}
