/**
 * Decoded event messages (protocol/remote.ts `eventMessages`) → the plain events the client emits
 * (types.ts `DomainEvent`, `NetworkEvent`, `StoragePoolEvent`).
 */
import { toDomainRef, toNetworkRef, toPoolRef } from './convert.js';
import {
  DOMAIN_EVENT_DETAIL_NAMES,
  DOMAIN_EVENT_TYPE_NAMES,
  DomainEventId,
  NETWORK_EVENT_TYPE_NAMES,
  STORAGE_POOL_EVENT_TYPE_NAMES,
} from './protocol/constants.js';
import type { EventMessageBody, EventMessageName } from './protocol/remote.js';
import { fromWireParam } from './typed-params.js';
import type { DomainEvent, DomainEventKind, NetworkEvent, StoragePoolEvent } from './types.js';

const AGENT_STATES = ['unknown', 'connected', 'disconnected'] as const;
const AGENT_REASONS = ['unknown', 'domain-started', 'channel'] as const;

/** Domain event IDs subscribeDomainEvents() registers, the message each one produces, and its kind. */
export const DOMAIN_EVENT_SUBSCRIPTIONS: readonly {
  eventID: number;
  message: EventMessageName;
  kind: DomainEventKind;
}[] = [
  { eventID: DomainEventId.LIFECYCLE, message: 'domainEventCallbackLifecycle', kind: 'lifecycle' },
  { eventID: DomainEventId.REBOOT, message: 'domainEventCallbackReboot', kind: 'reboot' },
  { eventID: DomainEventId.DEVICE_ADDED, message: 'domainEventCallbackDeviceAdded', kind: 'deviceAdded' },
  {
    eventID: DomainEventId.DEVICE_REMOVED,
    message: 'domainEventCallbackDeviceRemoved',
    kind: 'deviceRemoved',
  },
  { eventID: DomainEventId.JOB_COMPLETED, message: 'domainEventCallbackJobCompleted', kind: 'jobCompleted' },
  {
    eventID: DomainEventId.AGENT_LIFECYCLE,
    message: 'domainEventCallbackAgentLifecycle',
    kind: 'agentLifecycle',
  },
];

/** Converts one decoded domain event message; undefined for messages this API does not surface. */
export function toDomainEvent<N extends EventMessageName>(
  name: N,
  body: EventMessageBody<N>,
): DomainEvent | undefined {
  switch (name) {
    case 'domainEventCallbackLifecycle': {
      const m = (body as EventMessageBody<'domainEventCallbackLifecycle'>).msg;
      const event = DOMAIN_EVENT_TYPE_NAMES[m.event] ?? 'unknown';
      const detail =
        event === 'unknown'
          ? String(m.detail)
          : (DOMAIN_EVENT_DETAIL_NAMES[event][m.detail] ?? String(m.detail));
      return {
        kind: 'lifecycle',
        dom: toDomainRef(m.dom),
        event,
        detail,
        eventCode: m.event,
        detailCode: m.detail,
      };
    }
    case 'domainEventCallbackReboot':
      return {
        kind: 'reboot',
        dom: toDomainRef((body as EventMessageBody<'domainEventCallbackReboot'>).msg.dom),
      };
    case 'domainEventCallbackDeviceAdded': {
      const m = body as EventMessageBody<'domainEventCallbackDeviceAdded'>;
      return { kind: 'deviceAdded', dom: toDomainRef(m.dom), devAlias: m.devAlias };
    }
    case 'domainEventCallbackDeviceRemoved': {
      const m = (body as EventMessageBody<'domainEventCallbackDeviceRemoved'>).msg;
      return { kind: 'deviceRemoved', dom: toDomainRef(m.dom), devAlias: m.devAlias };
    }
    case 'domainEventCallbackJobCompleted': {
      const m = body as EventMessageBody<'domainEventCallbackJobCompleted'>;
      return { kind: 'jobCompleted', dom: toDomainRef(m.dom), params: m.params.map(fromWireParam) };
    }
    case 'domainEventCallbackAgentLifecycle': {
      const m = body as EventMessageBody<'domainEventCallbackAgentLifecycle'>;
      return {
        kind: 'agentLifecycle',
        dom: toDomainRef(m.dom),
        state: AGENT_STATES[m.state] ?? 'unknown',
        reason: AGENT_REASONS[m.reason] ?? 'unknown',
      };
    }
    default:
      return undefined;
  }
}

export function toNetworkEvent(m: EventMessageBody<'networkEventLifecycle'>): NetworkEvent {
  return {
    kind: 'lifecycle',
    net: toNetworkRef(m.net),
    event: NETWORK_EVENT_TYPE_NAMES[m.event] ?? 'unknown',
    eventCode: m.event,
    detail: m.detail,
  };
}

export function toPoolEvent(
  name: 'storagePoolEventLifecycle' | 'storagePoolEventRefresh',
  body: EventMessageBody<'storagePoolEventLifecycle'> | EventMessageBody<'storagePoolEventRefresh'>,
): StoragePoolEvent {
  if (name === 'storagePoolEventRefresh') return { kind: 'refresh', pool: toPoolRef(body.pool) };
  const m = body as EventMessageBody<'storagePoolEventLifecycle'>;
  return {
    kind: 'lifecycle',
    pool: toPoolRef(m.pool),
    event: STORAGE_POOL_EVENT_TYPE_NAMES[m.event] ?? 'unknown',
    eventCode: m.event,
    detail: m.detail,
  };
}
