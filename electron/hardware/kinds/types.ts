/**
 * What one editor kind does in the main process: read its part of the hardware view from a domain XML,
 * say what differs between the next-boot config and the running VM, check a change against the host's
 * limits, edit the inactive XML (the config step), and name its live step. Each kind is one file in this
 * folder, listed once in index.ts.
 */
import type {
  HardwareChange,
  HardwareView,
  HostLimits,
  PendingChange,
} from '../../../shared/contract/hardware.js';
import type { DomainRef, LibvirtClient } from '../../libvirt/index.js';
import type { DomainXml } from '../../libvirt-xml/index.js';

/** A refusal in plain words, on the change's field (`path` below `change`). */
export interface HwIssue {
  path: (string | number)[];
  message: string;
}

export interface CheckContext {
  /** The next-boot config as it is now (before the change). */
  config: DomainXml;
  limits: HostLimits;
  running: boolean;
}

/** One call on the running VM (libvirt's AFFECT_LIVE API for this change). */
export type LiveStep = (client: LibvirtClient, dom: DomainRef) => Promise<void>;

/** The view part of a kind: `view[key]`. */
export type ViewKey = Exclude<keyof HardwareView, 'devices'>;

export interface HardwareEditor<K extends ViewKey, C extends HardwareChange = HardwareChange> {
  key: K;
  /** The change kinds (`change.kind`) this editor takes. */
  changeKinds: readonly C['kind'][];
  read(xml: DomainXml): HardwareView[K];
  /** Differences between the next-boot config and the running VM. */
  pending(config: HardwareView[K], live: HardwareView[K]): PendingChange[];
  /** Refusals before libvirt is called (host limits, values that depend on the current config). */
  check(change: C, ctx: CheckContext): HwIssue[];
  /** Edits the inactive XML in place (the config step); may throw XmlError for an impossible edit. */
  editConfig(xml: DomainXml, change: C): void;
  /** The live step for a running VM, or null when nothing of the change applies live. */
  liveStep(change: C): LiveStep | null;
  /**
   * A device change libvirt makes itself, live and in the config in one call (attach, detach, update
   * device; block resize), or null for a change that goes the define-then-live way. When given, the service
   * runs it instead of redefining the config (the edited XML is still the preview).
   */
  deviceStep?(change: C): DeviceStep | null;
}

/** What a device step did, in the terms of `hardware.apply`'s answer. */
export interface DeviceStepResult {
  live: 'applied' | 'not-running' | 'not-possible' | 'failed' | 'unchanged';
  config: 'applied' | 'failed' | 'unchanged';
  message?: string;
  detail?: string;
}

/** A device change on the VM, live and/or in its config (see HardwareEditor.deviceStep). */
export type DeviceStep = (client: LibvirtClient, dom: DomainRef) => Promise<DeviceStepResult>;

/** An editor of any kind (the registry's element type). */
export interface AnyHardwareEditor {
  key: ViewKey;
  changeKinds: readonly string[];
  read(xml: DomainXml): unknown;
  pending(config: never, live: never): PendingChange[];
  check(change: never, ctx: CheckContext): HwIssue[];
  editConfig(xml: DomainXml, change: never): void;
  liveStep(change: never): LiveStep | null;
  deviceStep?(change: never): DeviceStep | null;
}

/** A pending item: `field` changed from `now` to `next` (English words for the fallback text). */
export const pendingItem = (
  kind: string,
  field: string,
  label: string,
  now: string | number,
  next: string | number,
): PendingChange => ({
  kind,
  field,
  now: String(now),
  next: String(next),
  text: `${label}: ${now} → ${next}`,
});

/** `a` and `b` differ (plain data, compared by value). */
export const differs = (a: unknown, b: unknown): boolean => JSON.stringify(a) !== JSON.stringify(b);

/** KiB as MiB text (for pending items). */
export const mib = (kib: number): string => `${Math.round(kib / 1024)} MiB`;
