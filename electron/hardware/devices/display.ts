/**
 * Plugging inputs, RNGs and watchdogs into and out of a VM: live and in its configuration in one libvirt
 * call where libvirt allows (see apply.ts), in the configuration only — said plainly — where the device
 * cannot be plugged into a running VM.
 */
import { CoreError } from '../../base/errors.js';
import type { DomainRef } from '../../libvirt/index.js';
import { attr, child, parseXml, type DomainXml } from '../../libvirt-xml/index.js';
import {
  attachDevice,
  detachDevice,
  readDomainState,
  type DeviceChangeResult,
  type DeviceClient,
  type DomainState,
} from './apply.js';

/** Adds the device `xml`; `notLive` says why it cannot go into a running VM, when that is known. */
export async function plugDevice(
  client: DeviceClient,
  dom: DomainRef,
  xml: string,
  notLive?: string,
): Promise<DeviceChangeResult> {
  return attachDevice(client, await readDomainState(client, dom), xml, notLive);
}

export interface UnplugTarget {
  /** The device's XML cut from a description, or null when that description does not have it. */
  xmlIn: (x: DomainXml) => string | null;
  label: string;
  /** Why it cannot leave a running VM, when that is known: then it goes from the configuration only. */
  notLive?: string;
}

/** libvirt's alias of a device (its device-removed event names it), from its XML. */
const aliasOf = (xml: string | null): string | null =>
  xml ? attr(child(parseXml(xml), 'alias'), 'name') : null;

/**
 * Removes a device from the running VM and the configuration (see detachDevice). `target` names it in the
 * VM's descriptions as read just now.
 */
export async function unplugDevice(
  client: DeviceClient,
  dom: DomainRef,
  target: (s: DomainState) => UnplugTarget,
): Promise<DeviceChangeResult> {
  const s = await readDomainState(client, dom);
  const t = target(s);
  const has = (x: DomainXml) => t.xmlIn(x) !== null;
  const xmlFor = (x: DomainXml) => t.xmlIn(x)!;
  if (t.notLive && s.live && has(s.live)) {
    if (!s.config || !has(s.config))
      throw new CoreError('invalid-input', `${t.notLive}; it goes when the VM stops`);
    // Only from the configuration: the running VM keeps it until it stops.
    const r = await detachDevice(client, { ...s, live: null }, { has, xmlFor, alias: null, label: t.label });
    return { ...r, live: 'not-possible', message: `${t.notLive}; it is removed at next boot` };
  }
  return detachDevice(client, s, {
    has,
    xmlFor,
    alias: aliasOf(s.live ? t.xmlIn(s.live) : null),
    label: t.label,
  });
}
