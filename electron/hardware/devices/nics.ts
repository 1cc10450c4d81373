/**
 * Network interface changes of a VM: add (libvirt network, host bridge, macvtap, user-mode), remove, link
 * up/down. A MAC address already used by the VM or not usable is refused before libvirt is called.
 */
import { CoreError } from '../../base/errors.js';
import type { DomainRef } from '../../libvirt/index.js';
import {
  findNicElement,
  nicDetails,
  nicDeviceXml,
  nicElementXml,
  nicLinkStateXml,
  normalizeMac,
  type DomainXml,
  type NicSpec,
} from '../../libvirt-xml/index.js';
import {
  attachDevice,
  detachDevice,
  readDomainState,
  updateDevice,
  type DeviceChangeResult,
  type DeviceClient,
} from './apply.js';

export interface NicChangeResult extends DeviceChangeResult {
  /** The NIC's MAC address (for add: the one libvirt generated when none was given). */
  mac: string | null;
}

const refuse = (path: (string | number)[], message: string): CoreError =>
  new CoreError('invalid-input', message, [{ path, message }]);

const hasNic = (mac: string) => (x: DomainXml) => !!findNicElement(x, mac);

/** Adds a NIC; libvirt picks a MAC address when none is given. */
export async function addNic(client: DeviceClient, dom: DomainRef, spec: NicSpec): Promise<NicChangeResult> {
  const s = await readDomainState(client, dom);
  let mac: string | null = null;
  if (spec.mac) {
    mac = normalizeMac(spec.mac);
    if (!mac) throw refuse(['mac'], `${spec.mac} is not a unicast MAC address (like 52:54:00:12:34:56)`);
    if ([s.live, s.config].some((x) => x && hasNic(mac!)(x)))
      throw refuse(['mac'], `${dom.name} already has a network interface with the MAC address ${mac}`);
  }
  const before = new Set([s.live, s.config].flatMap((x) => (x ? x.interfaces.map((n) => n.mac ?? '') : [])));
  const r = await attachDevice(client, s, nicDeviceXml({ ...spec, mac }));
  if (!mac) {
    // The generated address: the one interface that was not there before.
    const after = await readDomainState(client, dom);
    const x = after.live ?? after.config;
    mac = x?.interfaces.map((n) => n.mac).find((m) => m && !before.has(m)) ?? null;
  }
  return { ...r, mac };
}

const macOrRefuse = (mac: string): string => {
  const m = normalizeMac(mac);
  if (!m) throw refuse(['mac'], `${mac} is not a MAC address`);
  return m;
};

/** Removes the NIC with MAC address `mac` (live and from the configuration). */
export async function removeNic(client: DeviceClient, dom: DomainRef, mac: string): Promise<NicChangeResult> {
  const m = macOrRefuse(mac);
  const s = await readDomainState(client, dom);
  const alias = s.live ? (nicDetails(s.live).find((n) => n.mac === m)?.alias ?? null) : null;
  const r = await detachDevice(client, s, {
    has: hasNic(m),
    xmlFor: (x) => nicElementXml(x, m),
    alias,
    label: `network interface ${m}`,
  });
  return { ...r, mac: m };
}

/** Sets the link of the NIC `mac` up or down (as if its cable were plugged in or pulled). */
export async function setNicLink(
  client: DeviceClient,
  dom: DomainRef,
  mac: string,
  state: 'up' | 'down',
): Promise<NicChangeResult> {
  const m = macOrRefuse(mac);
  const s = await readDomainState(client, dom);
  if (![s.live, s.config].some((x) => x && hasNic(m)(x)))
    throw new CoreError('not-found', `${dom.name} has no network interface ${m}`);
  const r = await updateDevice(client, s, hasNic(m), (x) => nicLinkStateXml(x, m, state));
  return { ...r, mac: m };
}
