/**
 * Event registration (virConnect*EventRegisterAny) and dispatch of the daemon's event messages to
 * 'domainEvent', 'networkEvent' and 'poolEvent'. Registrations are connection-wide (no domain filter);
 * messages for callback IDs this client did not register are ignored.
 */
import { DOMAIN_EVENT_SUBSCRIPTIONS, toDomainEvent, toNetworkEvent, toPoolEvent } from '../event-mapping.js';
import { NetworkEventId, StoragePoolEventId } from '../protocol/constants.js';
import { eventMessages, type EventMessageBody, type EventMessageName } from '../protocol/remote.js';
import { RpcCore } from '../rpc-core.js';
import type { DomainEventKind } from '../types.js';
import { decode } from '../xdr/codec.js';
import type { XdrType } from '../xdr/schema.js';

export class EventApi extends RpcCore {
  /**
   * Registers for lifecycle, reboot, device added/removed, job completed and agent lifecycle events of
   * every domain; they arrive as 'domainEvent'. Event IDs the daemon refuses are skipped. Returns the
   * kinds actually registered. Idempotent.
   */
  async subscribeDomainEvents(): Promise<DomainEventKind[]> {
    const registered = this.registrations.domain;
    if (registered.size > 0) {
      const messages = new Set(registered.values());
      return DOMAIN_EVENT_SUBSCRIPTIONS.filter((s) => messages.has(s.message)).map((s) => s.kind);
    }
    const kinds: DomainEventKind[] = [];
    for (const { eventID, message, kind } of DOMAIN_EVENT_SUBSCRIPTIONS) {
      this.listen(message);
      try {
        const { callbackID } = await this.call('connectDomainEventCallbackRegisterAny', {
          eventID,
          dom: null,
        });
        registered.set(callbackID, message);
        kinds.push(kind);
      } catch (err) {
        if (!this.isOpen) throw err;
        /* refused by this daemon/driver: skip */
      }
    }
    return kinds;
  }

  async unsubscribeDomainEvents(): Promise<void> {
    const ids = [...this.registrations.domain.keys()];
    this.registrations.domain.clear();
    await Promise.all(
      ids.map((callbackID) =>
        this.call('connectDomainEventCallbackDeregisterAny', { callbackID }).catch(() => undefined),
      ),
    );
  }

  /** Network lifecycle events ('networkEvent'). */
  async subscribeNetworkEvents(): Promise<void> {
    if (this.registrations.network.size > 0) return;
    this.listen('networkEventLifecycle');
    const { callbackID } = await this.call('connectNetworkEventRegisterAny', {
      eventID: NetworkEventId.LIFECYCLE,
      net: null,
    });
    this.registrations.network.add(callbackID);
  }

  async unsubscribeNetworkEvents(): Promise<void> {
    const ids = [...this.registrations.network];
    this.registrations.network.clear();
    await Promise.all(
      ids.map((callbackID) =>
        this.call('connectNetworkEventDeregisterAny', { callbackID }).catch(() => undefined),
      ),
    );
  }

  /** Storage pool lifecycle and refresh events ('poolEvent'). */
  async subscribePoolEvents(): Promise<void> {
    if (this.registrations.pool.size > 0) return;
    this.listen('storagePoolEventLifecycle');
    this.listen('storagePoolEventRefresh');
    for (const eventID of [StoragePoolEventId.LIFECYCLE, StoragePoolEventId.REFRESH]) {
      const { callbackID } = await this.call('connectStoragePoolEventRegisterAny', { eventID, pool: null });
      this.registrations.pool.add(callbackID);
    }
  }

  async unsubscribePoolEvents(): Promise<void> {
    const ids = [...this.registrations.pool];
    this.registrations.pool.clear();
    await Promise.all(
      ids.map((callbackID) =>
        this.call('connectStoragePoolEventDeregisterAny', { callbackID }).catch(() => undefined),
      ),
    );
  }

  /** Installs the decoder for one event message (once per connection). */
  private listen(name: EventMessageName): void {
    if (this.registrations.listening.has(name)) return;
    this.registrations.listening.add(name);
    const def = eventMessages[name];
    this.onWireMessage(def.proc, (packet) => {
      let body: { callbackID: number };
      try {
        body = decode(def.msg as XdrType, packet.payload) as { callbackID: number };
      } catch {
        return; // a malformed event must not take the connection down
      }
      this.dispatchEvent(name, body);
    });
  }

  private dispatchEvent(name: EventMessageName, body: { callbackID: number }): void {
    const { domain, network, pool } = this.registrations;
    if (name === 'networkEventLifecycle') {
      if (network.has(body.callbackID))
        this.emit('networkEvent', toNetworkEvent(body as EventMessageBody<'networkEventLifecycle'>));
      return;
    }
    if (name === 'storagePoolEventLifecycle' || name === 'storagePoolEventRefresh') {
      if (pool.has(body.callbackID))
        this.emit('poolEvent', toPoolEvent(name, body as EventMessageBody<typeof name>));
      return;
    }
    if (domain.get(body.callbackID) !== name) return;
    const event = toDomainEvent(name, body as EventMessageBody<typeof name>);
    if (event) this.emit('domainEvent', event);
  }
}
