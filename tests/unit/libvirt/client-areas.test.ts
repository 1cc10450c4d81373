/**
 * LibvirtClient is the RPC core plus one method set per libvirt object area (electron/libvirt/api).
 * Checks the composition: every area's methods land on the client, and a method call goes out as the
 * procedure of the protocol table with the wire shapes.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DomainTuningApi } from '../../../electron/libvirt/api/domain-tuning.js';
import { DomainApi } from '../../../electron/libvirt/api/domains.js';
import { EventApi } from '../../../electron/libvirt/api/events.js';
import { HostApi } from '../../../electron/libvirt/api/host.js';
import { MigrationApi } from '../../../electron/libvirt/api/migration.js';
import { NetworkApi } from '../../../electron/libvirt/api/networks.js';
import { NodeDeviceApi } from '../../../electron/libvirt/api/node-devices.js';
import { SnapshotApi } from '../../../electron/libvirt/api/snapshots.js';
import { StorageApi } from '../../../electron/libvirt/api/storage.js';
import { StreamApi } from '../../../electron/libvirt/api/streams.js';
import type { CloseInfo } from '../../../electron/libvirt/engine.js';
import { LibvirtClient, uuidFromString, type WireConnection } from '../../../electron/libvirt/client.js';
import { procedures } from '../../../electron/libvirt/protocol/remote.js';
import { RpcCore } from '../../../electron/libvirt/rpc-core.js';

const AREAS = [
  HostApi,
  DomainApi,
  DomainTuningApi,
  MigrationApi,
  SnapshotApi,
  StorageApi,
  NetworkApi,
  NodeDeviceApi,
  EventApi,
  StreamApi,
];

/** Records calls and answers each with `reply(proc)`. */
function recordingConnection(reply: (proc: number) => unknown) {
  const calls: { proc: number; args: unknown }[] = [];
  const emitter = new EventEmitter();
  const conn: WireConnection = {
    call: (proc, _argSchema, args) => {
      calls.push({ proc, args });
      return Promise.resolve(reply(proc)) as never;
    },
    onMessage: () => () => undefined,
    openStream: () => Promise.reject(new Error('no streams here')),
    on: (event, listener) => emitter.on(event, listener),
    close: () => undefined,
  };
  const emitClose = (info: CloseInfo) => emitter.emit('close', info);
  return { conn, calls, emitClose };
}

describe('LibvirtClient composition', () => {
  it("has every area's methods, each defined by exactly one area", () => {
    const seen = new Map<string, string>();
    for (const area of AREAS) {
      for (const name of Object.getOwnPropertyNames(area.prototype)) {
        if (name === 'constructor') continue;
        expect(seen.get(name), `${area.name}.${name}`).toBeUndefined();
        seen.set(name, area.name);
        expect(Reflect.get(LibvirtClient.prototype, name), `${area.name}.${name}`).toBe(
          Reflect.get(area.prototype, name),
        );
      }
    }
    expect(seen.size).toBeGreaterThan(130);
  });

  it('is an RpcCore and sends a method as its table procedure with wire shapes', async () => {
    const uuid = '6695eb01-f6a4-8304-79aa-97f2502e193f';
    const { conn, calls } = recordingConnection(() => ({ xml: '<domain/>' }));
    const client = new LibvirtClient(conn);
    expect(client).toBeInstanceOf(RpcCore);
    const xml = await client.domainGetXMLDesc({ name: 'vm1', uuid, id: 3 }, 2);
    expect(xml).toBe('<domain/>');
    expect(calls).toEqual([
      {
        proc: procedures.domainGetXMLDesc.proc,
        args: { dom: { name: 'vm1', uuid: uuidFromString(uuid), id: 3 }, flags: 2 },
      },
    ]);
  });

  it("re-emits the connection's close and reports it in isOpen", () => {
    const { conn, emitClose } = recordingConnection(() => undefined);
    const client = new LibvirtClient(conn);
    const reasons: string[] = [];
    client.on('close', (info) => reasons.push(info.reason));
    expect(client.isOpen).toBe(true);
    emitClose({ reason: 'eof' });
    expect(client.isOpen).toBe(false);
    expect(reasons).toEqual(['eof']);
  });
});
