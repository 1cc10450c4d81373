import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../electron/libvirt/xdr/codec.js';
import type { XdrType } from '../../../electron/libvirt/xdr/schema.js';
import {
  eventMessageByProc,
  eventMessages,
  procedureNames,
  procedures,
  type EventMessageName,
} from '../../../electron/libvirt/protocol/remote.js';
import { remoteError, typedParam } from '../../../electron/libvirt/protocol/types.js';
import { REMOTE_PROGRAM, TypedParamType } from '../../../electron/libvirt/protocol/constants.js';

/** Builds a deterministic sample value for a schema; `variant` varies optionals/union arms/sizes. */
function sample(t: XdrType, variant: number, depth = 0): unknown {
  switch (t.kind) {
    case 'void':
      return undefined;
    case 'int':
      return variant % 2 ? -123456 : 42;
    case 'uint':
      return variant % 2 ? 0xfffffffe : 7;
    case 'hyper':
      return variant % 2 ? -(1n << 62n) : 1234567890123n;
    case 'uhyper':
      return variant % 2 ? (1n << 64n) - 2n : 98765432109876n;
    case 'bool':
      return variant % 2 === 0;
    case 'float':
      return 1.5;
    case 'double':
      return variant % 2 ? -0.25 : 3.141592653589793;
    case 'string':
      return variant % 2 ? '' : 'vm-ünïcode-1';
    case 'opaque':
      return Buffer.from(variant % 2 ? [] : [1, 2, 3, 4, 5]);
    case 'fixedOpaque':
      return Buffer.alloc(t.len, 0xab);
    case 'array': {
      const n = Math.min(t.max, variant % 2 ? 0 : 2);
      return Array.from({ length: n }, (_, i) => sample(t.of, variant + i, depth + 1));
    }
    case 'fixedArray':
      return Array.from({ length: t.len }, (_, i) => sample(t.of, variant + i, depth + 1));
    case 'optional':
      return variant % 2 || depth > 6 ? null : sample(t.of, variant, depth + 1);
    case 'struct':
      return Object.fromEntries(t.fields.map(([name, ft], i) => [name, sample(ft, variant + i, depth + 1)]));
    case 'union': {
      const tags = Object.keys(t.arms).map(Number);
      const tag = tags[variant % tags.length]!;
      return { tag, value: sample(t.arms[tag]!, variant, depth + 1) };
    }
    case 'lazy':
      return sample(t.get(), variant, depth + 1);
  }
}

function roundTrip(t: XdrType, value: unknown): unknown {
  return decode(t, encode(t, value as never));
}

describe('remote protocol table', () => {
  it('gives every procedure and event message a unique, positive proc number', () => {
    const seen = new Map<number, string>();
    const entries: [string, number][] = [
      ...procedureNames.map((n): [string, number] => [n, procedures[n].proc]),
      ...(Object.keys(eventMessages) as EventMessageName[]).map((n): [string, number] => [
        n,
        eventMessages[n].proc,
      ]),
    ];
    for (const [name, proc] of entries) {
      expect(Number.isInteger(proc) && proc > 0, name).toBe(true);
      expect(seen.get(proc), `${name} reuses proc ${proc}`).toBeUndefined();
      seen.set(proc, name);
    }
    expect(entries.length).toBeGreaterThan(150);
  });

  it('uses the numbers of remote_protocol.x', () => {
    expect(REMOTE_PROGRAM).toBe(0x20008086);
    expect(procedures.connectOpen.proc).toBe(1);
    expect(procedures.connectGetVersion.proc).toBe(4);
    expect(procedures.domainGetXMLDesc.proc).toBe(14);
    expect(procedures.domainGetInfo.proc).toBe(16);
    expect(procedures.authList.proc).toBe(66);
    expect(procedures.domainGetState.proc).toBe(212);
    expect(procedures.connectListAllDomains.proc).toBe(273);
    expect(procedures.connectDomainEventCallbackRegisterAny.proc).toBe(316);
    expect(procedures.connectGetAllDomainStats.proc).toBe(344);
    expect(procedures.domainMigratePerform3Params.proc).toBe(305);
    expect(procedures.domainGetGuestInfo.proc).toBe(418);
    expect(procedures.networkUpdate.proc).toBe(291);
    expect(procedures.connectFindStoragePoolSources.proc).toBe(75);
    expect(procedures.nodeGetFreePages.proc).toBe(340);
    expect(procedures.nodeAllocPages.proc).toBe(347);
    expect(procedures.domainGetIOThreadInfo.proc).toBe(351);
    expect(procedures.domainPinIOThread.proc).toBe(352);
    expect(procedures.domainAddIOThread.proc).toBe(355);
    expect(procedures.domainDelIOThread.proc).toBe(356);
    expect(eventMessages.domainEventCallbackLifecycle.proc).toBe(318);
    expect(eventMessages.storagePoolEventLifecycle.proc).toBe(370);
    expect(eventMessageByProc.get(354)).toBe('domainEventCallbackDeviceAdded');
  });

  it('marks the stream procedures', () => {
    expect(procedures.domainOpenConsole.stream).toBe('duplex');
    expect(procedures.domainScreenshot.stream).toBe('read');
    expect(procedures.storageVolUpload.stream).toBe('write');
    expect(procedures.storageVolDownload.stream).toBe('read');
    expect((procedures.domainGetInfo as { stream?: string }).stream).toBeUndefined();
  });

  for (const name of procedureNames) {
    it(`round-trips args and ret of ${name}`, () => {
      const def = procedures[name];
      for (const variant of [0, 1, 2]) {
        const a = sample(def.args, variant);
        expect(roundTrip(def.args, a)).toEqual(a);
        const r = sample(def.ret, variant);
        expect(roundTrip(def.ret, r)).toEqual(r);
      }
    });
  }

  for (const name of Object.keys(eventMessages) as EventMessageName[]) {
    it(`round-trips event message ${name}`, () => {
      const msg = eventMessages[name].msg;
      for (const variant of [0, 1]) {
        const m = sample(msg, variant);
        expect(roundTrip(msg, m)).toEqual(m);
      }
    });
  }

  it('encodes a domain reference exactly as the C client does', () => {
    const uuid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const bytes = encode(procedures.domainGetXMLDesc.args, { dom: { name: 'vm', uuid, id: -1 }, flags: 2 });
    expect(bytes.toString('hex')).toBe(
      '00000002' + '766d0000' + '0123456789abcdef0123456789abcdef' + 'ffffffff' + '00000002',
    );
  });

  it('decodes nodeGetInfo chars as 4-byte ints and domainGetInfo unsigned char/short as 4 bytes', () => {
    expect(encode(procedures.nodeGetInfo.ret, sample(procedures.nodeGetInfo.ret, 0) as never).length).toBe(
      32 * 4 + 8 + 6 * 4,
    );
    expect(
      encode(procedures.domainGetInfo.ret, sample(procedures.domainGetInfo.ret, 0) as never).length,
    ).toBe(4 + 8 + 8 + 4 + 8);
  });

  it('round-trips every typed parameter kind', () => {
    const values = [
      { field: 'i', value: { tag: TypedParamType.INT, value: -5 } },
      { field: 'u', value: { tag: TypedParamType.UINT, value: 5 } },
      { field: 'l', value: { tag: TypedParamType.LLONG, value: -(2n ** 40n) } },
      { field: 'ul', value: { tag: TypedParamType.ULLONG, value: 2n ** 63n } },
      { field: 'd', value: { tag: TypedParamType.DOUBLE, value: 0.5 } },
      { field: 'b', value: { tag: TypedParamType.BOOLEAN, value: 1 } },
      { field: 's', value: { tag: TypedParamType.STRING, value: 'x' } },
    ];
    for (const v of values) expect(roundTrip(typedParam, v)).toEqual(v);
    expect(() => encode(typedParam, { field: 'bad', value: { tag: 99, value: 1 } } as never)).toThrow();
  });

  it('round-trips remote_error', () => {
    const e = sample(remoteError, 0);
    expect(roundTrip(remoteError, e)).toEqual(e);
  });
});
