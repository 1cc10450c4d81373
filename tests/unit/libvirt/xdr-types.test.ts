import { describe, expect, expectTypeOf, it } from 'vitest';
import { encode, decode } from '../../../electron/libvirt/xdr/codec.js';
import {
  array,
  bool,
  hyper,
  int,
  lazy,
  opaque,
  optional,
  string,
  struct,
  union,
  voidT,
  type XdrType,
  type XdrValue,
} from '../../../electron/libvirt/xdr/schema.js';

describe('XdrValue type mapping', () => {
  it('maps structs, arrays, optionals and unions to typed JS values', () => {
    const dom = struct({ name: string(100), uuid: opaque(16), id: int });
    const t = struct({
      dom,
      doms: array(dom, 10),
      mem: hyper,
      ok: bool,
      note: optional(string(10)),
      u: union({ 1: int, 2: string(5) }),
      nothing: voidT,
    });
    type V = XdrValue<typeof t>;
    expectTypeOf<V['dom']['name']>().toEqualTypeOf<string>();
    expectTypeOf<V['doms']>().toEqualTypeOf<{ name: string; uuid: Uint8Array; id: number }[]>();
    expectTypeOf<V['mem']>().toEqualTypeOf<bigint>();
    expectTypeOf<V['note']>().toEqualTypeOf<string | null>();
    expectTypeOf<V['u']>().toEqualTypeOf<{ tag: 1; value: number } | { tag: 2; value: string }>();
    expectTypeOf<XdrValue<XdrType>>().toEqualTypeOf<unknown>();

    const v: V = {
      dom: { name: 'a', uuid: new Uint8Array(3), id: 1 },
      doms: [],
      mem: 5n,
      ok: true,
      note: null,
      u: { tag: 2, value: 'hi' },
      nothing: undefined,
    };
    expect(decode(t, encode(t, v))).toEqual({ ...v, dom: { ...v.dom, uuid: Buffer.from(v.dom.uuid) } });
  });

  it('supports recursive types through lazy()', () => {
    interface Node {
      v: number;
      next: Node | null;
    }
    const node = struct({ v: int, next: optional(lazy(() => node)) }) as XdrType;
    const list: Node = { v: 1, next: { v: 2, next: { v: 3, next: null } } };
    expect(decode(node, encode(node, list))).toEqual(list);
  });
});
