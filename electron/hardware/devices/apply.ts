/**
 * Attaching, detaching and updating one device of a domain, live and in its persistent configuration
 * wherever libvirt allows, and saying plainly which of the two happened. Shared by the disk and NIC
 * changes; every call here is a single libvirt call with both flags, so libvirt applies both or neither
 * (it saves the new configuration only once the live change succeeded).
 */
import { CoreError } from '../../base/errors.js';
import {
  DomainAffect,
  DomainXMLFlags,
  ErrorCode,
  libvirtCode,
  type DomainEvent,
  type DomainRef,
  type LibvirtClient,
} from '../../libvirt/index.js';
import { DomainXml } from '../../libvirt-xml/index.js';

/** The calls these changes make (a LibvirtClient has them all; tests may pass the real one). */
export type DeviceClient = Pick<
  LibvirtClient,
  | 'domainIsActive'
  | 'domainIsPersistent'
  | 'domainGetXMLDesc'
  | 'domainAttachDeviceFlags'
  | 'domainDetachDeviceFlags'
  | 'domainUpdateDeviceFlags'
  | 'on'
  | 'off'
>;

/** What happened to the running VM: changed now, not running, the change cannot be made live, or it failed. */
export type LiveOutcome = 'applied' | 'not-running' | 'not-possible' | 'failed';
/** What happened to the configuration used at next boot ('transient': the VM has none). */
export type ConfigOutcome = 'applied' | 'failed' | 'transient';

export interface DeviceChangeResult {
  live: LiveOutcome;
  config: ConfigOutcome;
  /** Why live is not-possible or failed, in plain words with libvirt's own text. */
  message: string | null;
}

/** A domain as read just before a change: running or not, persistent or not, both descriptions. */
export interface DomainState {
  dom: DomainRef;
  active: boolean;
  persistent: boolean;
  /** The running VM's description (null when it does not run). */
  live: DomainXml | null;
  /** The persistent configuration (null for a transient VM). */
  config: DomainXml | null;
}

export async function readDomainState(client: DeviceClient, dom: DomainRef): Promise<DomainState> {
  const [active, persistent] = await Promise.all([
    client.domainIsActive(dom),
    client.domainIsPersistent(dom),
  ]);
  const [live, config] = await Promise.all([
    active ? client.domainGetXMLDesc(dom, 0).then(DomainXml.parse) : null,
    persistent ? client.domainGetXMLDesc(dom, DomainXMLFlags.INACTIVE).then(DomainXml.parse) : null,
  ]);
  return { dom, active, persistent, live, config };
}

/** The description the editor starts from: the running one when the VM runs, else the configuration. */
export const currentXml = (s: DomainState): DomainXml => {
  const x = s.live ?? s.config;
  if (!x) throw new CoreError('not-found', `${s.dom.name} has neither a running state nor a configuration`);
  return x;
};

/** libvirt could not do this to a running VM (as opposed to: the change itself is wrong). */
const cannotDoLive = (e: unknown): boolean => {
  const code = libvirtCode(e);
  return (
    code === ErrorCode.OPERATION_UNSUPPORTED ||
    code === ErrorCode.CONFIG_UNSUPPORTED ||
    code === ErrorCode.NO_SUPPORT
  );
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Adds a device: live and in the configuration when the VM runs, in the configuration otherwise. When
 * libvirt cannot add this device to the running VM (e.g. a bus without hotplug), it is added to the
 * configuration only and the result says so; any other refusal is thrown, with nothing changed.
 */
export async function attachDevice(
  client: DeviceClient,
  s: DomainState,
  xml: string,
  /** Why this device cannot be added to a running VM, when that is known beforehand. */
  notLive?: string,
): Promise<DeviceChangeResult> {
  if (!s.active) {
    await client.domainAttachDeviceFlags(s.dom, xml, DomainAffect.CONFIG);
    return { live: 'not-running', config: 'applied', message: null };
  }
  if (notLive && s.persistent) {
    await client.domainAttachDeviceFlags(s.dom, xml, DomainAffect.CONFIG);
    return { live: 'not-possible', config: 'applied', message: `${notLive}; it is added at next boot` };
  }
  if (notLive) throw new CoreError('invalid-input', notLive);
  try {
    await client.domainAttachDeviceFlags(
      s.dom,
      xml,
      DomainAffect.LIVE | (s.persistent ? DomainAffect.CONFIG : 0),
    );
    return { live: 'applied', config: s.persistent ? 'applied' : 'transient', message: null };
  } catch (e) {
    if (!s.persistent || !cannotDoLive(e)) throw e;
    await client.domainAttachDeviceFlags(s.dom, xml, DomainAffect.CONFIG);
    return {
      live: 'not-possible',
      config: 'applied',
      message: `It cannot be added to the running VM and is added at next boot: ${messageOf(e)}`,
    };
  }
}

/**
 * Changes a device in place (media, link state): live and in the configuration where the device is in
 * each. `xmlFor` cuts the device's new XML from a description (the live one when it runs there).
 */
export async function updateDevice(
  client: DeviceClient,
  s: DomainState,
  has: (x: DomainXml) => boolean,
  xmlFor: (x: DomainXml) => string,
): Promise<DeviceChangeResult> {
  const inLive = !!s.live && has(s.live);
  const inConfig = !!s.config && has(s.config);
  const from = inLive ? s.live! : s.config!;
  const flags = (inLive ? DomainAffect.LIVE : 0) | (inConfig ? DomainAffect.CONFIG : 0);
  await client.domainUpdateDeviceFlags(s.dom, xmlFor(from), flags);
  return { ...liveWhenOnlyInConfig(s, inLive), config: inConfig ? 'applied' : 'transient' };
}

/**
 * The live side of a change made where the device is: to the running VM, or — when the VM runs without
 * it (added for next boot only) — nothing live, which is said plainly.
 */
const liveWhenOnlyInConfig = (
  s: DomainState,
  inLive: boolean,
): Pick<DeviceChangeResult, 'live' | 'message'> =>
  inLive
    ? { live: 'applied', message: null }
    : s.active
      ? {
          live: 'not-possible',
          message: 'The running VM does not have this device yet; the change applies at next boot',
        }
      : { live: 'not-running', message: null };

export interface DetachOptions {
  /** True when the description has the device. */
  has: (x: DomainXml) => boolean;
  /** The device's own XML cut from a description. */
  xmlFor: (x: DomainXml) => string;
  /** libvirt's alias of the device in the running VM (its device-removed event names it). */
  alias: string | null;
  /** How the user knows the device ("disk vdb"). */
  label: string;
  /** How long to wait for the guest to let go of it (default 20 s). */
  waitMs?: number;
}

/** Whether the running VM and the configuration have the device. */
export const whereIs = (s: DomainState, o: Pick<DetachOptions, 'has'>) => ({
  inLive: !!s.live && o.has(s.live),
  inConfig: !!s.config && o.has(s.config),
});

/**
 * Removes a device from the running VM and the configuration. A live unplug needs the guest's
 * cooperation: libvirt asks, waits a few seconds and may return before the guest answered, so this waits
 * for the device-removed event (or the device gone from the live XML) and, when the guest does not let
 * go in time, says so: it is gone from the configuration and leaves the running VM once the guest
 * releases it, at the latest when it stops.
 */
export async function detachDevice(
  client: DeviceClient,
  s: DomainState,
  o: DetachOptions,
): Promise<DeviceChangeResult> {
  const { inLive, inConfig } = whereIs(s, o);
  if (!inLive && !inConfig) throw new CoreError('not-found', `${s.dom.name} has no ${o.label}`);
  const flags = (inLive ? DomainAffect.LIVE : 0) | (inConfig ? DomainAffect.CONFIG : 0);
  const config: ConfigOutcome = inConfig ? 'applied' : 'transient';
  if (!inLive) {
    await client.domainDetachDeviceFlags(s.dom, o.xmlFor(s.config!), flags);
    return { ...liveWhenOnlyInConfig(s, false), config };
  }
  const removed = waitForRemoval(client, s.dom, o, o.waitMs ?? 20_000);
  try {
    await client.domainDetachDeviceFlags(s.dom, o.xmlFor(s.live!), flags);
  } catch (e) {
    removed.cancel();
    throw e;
  }
  if (await removed.done) return { live: 'applied', config, message: null };
  return {
    live: 'failed',
    config,
    message:
      `The guest has not released ${o.label} yet (it may be using it, or it does not support unplugging). ` +
      (inConfig ? 'It is removed from the configuration; it ' : 'It ') +
      'leaves the running VM once the guest lets go of it, at the latest when the VM stops.',
  };
}

/** Resolves true once the device is gone from the running VM (event or live XML), false after `ms`. */
function waitForRemoval(
  client: DeviceClient,
  dom: DomainRef,
  o: DetachOptions,
  ms: number,
): { done: Promise<boolean>; cancel: () => void } {
  let finish: (gone: boolean) => void = () => undefined;
  const done = new Promise<boolean>((resolve) => (finish = resolve));
  let settled = false;
  const onEvent = (e: DomainEvent) => {
    if (e.kind === 'deviceRemoved' && e.dom.uuid === dom.uuid && o.alias && e.devAlias === o.alias) end(true);
  };
  // The event only arrives when the connection subscribed to domain events (the app's always do); the
  // live XML is asked too, once a second, so this never depends on it.
  const poll = setInterval(() => {
    client
      .domainGetXMLDesc(dom, 0)
      .then((xml) => {
        if (!o.has(DomainXml.parse(xml))) end(true);
      })
      .catch(() => undefined);
  }, 1000);
  const timer = setTimeout(() => end(false), ms);
  const end = (gone: boolean) => {
    if (settled) return;
    settled = true;
    clearInterval(poll);
    clearTimeout(timer);
    client.off('domainEvent', onEvent);
    finish(gone);
  };
  client.on('domainEvent', onEvent);
  return { done, cancel: () => end(false) };
}
