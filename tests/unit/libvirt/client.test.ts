import { describe, expect, it } from 'vitest';
import {
  charsToString,
  fromWireParam,
  paramsToRecord,
  toDomainEvent,
  toDomainRef,
  toTypedParams,
  toWireDomain,
  toWireParam,
  uuidFromString,
  uuidToString,
  type TypedParam,
} from '../../../electron/libvirt/client.js';
import { TypedParamType } from '../../../electron/libvirt/protocol/constants.js';

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';

describe('client conversions', () => {
  it('converts UUIDs between 16 bytes and the canonical form', () => {
    const bytes = uuidFromString(UUID);
    expect(bytes).toHaveLength(16);
    expect(uuidToString(bytes)).toBe(UUID);
    expect(uuidToString(uuidFromString(UUID.replace(/-/g, '').toUpperCase()))).toBe(UUID);
    expect(() => uuidFromString('not-a-uuid')).toThrow(TypeError);
    expect(() => uuidToString(new Uint8Array(15))).toThrow(TypeError);
  });

  it('maps remote domains to DomainRef and back', () => {
    const wire = { name: 'vm1', uuid: uuidFromString(UUID), id: 7 };
    const ref = toDomainRef(wire);
    expect(ref).toEqual({ name: 'vm1', uuid: UUID, id: 7 });
    expect(toWireDomain(ref)).toEqual(wire);
  });

  it('decodes rpcgen char arrays', () => {
    expect(charsToString([...Buffer.from('selinux')].concat([0, 99]))).toBe('selinux');
    expect(charsToString([])).toBe('');
  });

  it('converts typed parameters (hypers become numbers, booleans become booleans)', () => {
    expect(fromWireParam({ field: 'a', value: { tag: TypedParamType.ULLONG, value: 123n } })).toEqual({
      field: 'a',
      type: 'ullong',
      value: 123,
    });
    expect(fromWireParam({ field: 'b', value: { tag: TypedParamType.BOOLEAN, value: 1 } })).toEqual({
      field: 'b',
      type: 'boolean',
      value: true,
    });
    const all: TypedParam[] = [
      { field: 'i', type: 'int', value: -3 },
      { field: 'u', type: 'uint', value: 3 },
      { field: 'l', type: 'llong', value: -(2 ** 40) },
      { field: 'ul', type: 'ullong', value: 2 ** 50 },
      { field: 'd', type: 'double', value: 0.25 },
      { field: 'b', type: 'boolean', value: false },
      { field: 's', type: 'string', value: 'x' },
    ];
    for (const p of all) expect(fromWireParam(toWireParam(p))).toEqual(p);
    expect(toWireParam({ field: 'l', type: 'llong', value: 5 }).value).toEqual({
      tag: TypedParamType.LLONG,
      value: 5n,
    });
  });

  it('builds typed params from records, with explicit or inferred types', () => {
    expect(
      toTypedParams({ weight: 500, hard_limit: 1024, ratio: 1.5, on: true, name: 'n' }, { weight: 'uint' }),
    ).toEqual([
      { field: 'weight', type: 'uint', value: 500 },
      { field: 'hard_limit', type: 'ullong', value: 1024 },
      { field: 'ratio', type: 'double', value: 1.5 },
      { field: 'on', type: 'boolean', value: true },
      { field: 'name', type: 'string', value: 'n' },
    ]);
    expect(
      paramsToRecord([
        { field: 'a', type: 'int', value: 1 },
        { field: 'a', type: 'int', value: 2 },
      ]),
    ).toEqual({ a: 1 });
  });

  it('turns event messages into typed domain events', () => {
    const dom = { name: 'vm1', uuid: uuidFromString(UUID), id: 3 };
    expect(
      toDomainEvent('domainEventCallbackLifecycle', { callbackID: 1, msg: { dom, event: 5, detail: 1 } }),
    ).toEqual({
      kind: 'lifecycle',
      dom: { name: 'vm1', uuid: UUID, id: 3 },
      event: 'stopped',
      detail: 'destroyed',
      eventCode: 5,
      detailCode: 1,
    });
    expect(
      toDomainEvent('domainEventCallbackLifecycle', { callbackID: 1, msg: { dom, event: 42, detail: 9 } }),
    ).toMatchObject({ event: 'unknown', detail: '9' });
    expect(toDomainEvent('domainEventCallbackReboot', { callbackID: 1, msg: { dom } })).toMatchObject({
      kind: 'reboot',
    });
    expect(
      toDomainEvent('domainEventCallbackDeviceAdded', { callbackID: 1, dom, devAlias: 'net1' }),
    ).toMatchObject({
      kind: 'deviceAdded',
      devAlias: 'net1',
    });
    expect(
      toDomainEvent('domainEventCallbackDeviceRemoved', { callbackID: 1, msg: { dom, devAlias: 'disk1' } }),
    ).toMatchObject({
      kind: 'deviceRemoved',
      devAlias: 'disk1',
    });
    expect(
      toDomainEvent('domainEventCallbackAgentLifecycle', { callbackID: 1, dom, state: 1, reason: 2 }),
    ).toMatchObject({
      kind: 'agentLifecycle',
      state: 'connected',
      reason: 'channel',
    });
    expect(
      toDomainEvent('domainEventCallbackJobCompleted', {
        callbackID: 1,
        dom,
        params: [{ field: 'time_elapsed', value: { tag: TypedParamType.ULLONG, value: 10n } }],
      }),
    ).toMatchObject({ kind: 'jobCompleted', params: [{ field: 'time_elapsed', type: 'ullong', value: 10 }] });
    expect(
      toDomainEvent('domainEventCallbackWatchdog', { callbackID: 1, msg: { dom, action: 1 } }),
    ).toBeUndefined();
  });
});
