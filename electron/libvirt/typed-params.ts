/**
 * virTypedParameter helpers: the wire union (protocol/types.ts) ↔ `TypedParam`, records ↔ lists, and
 * the two-step "how many? then give me them" getters and typed setters the tuning APIs share.
 */
import { TypedParamType as WireParamType } from './protocol/constants.js';
import type { RemoteTypedParam } from './protocol/types.js';
import type { TypedParam, TypedParamKind, TypedParamValue } from './types.js';

const PARAM_KIND_BY_TAG: Record<number, TypedParamKind> = {
  [WireParamType.INT]: 'int',
  [WireParamType.UINT]: 'uint',
  [WireParamType.LLONG]: 'llong',
  [WireParamType.ULLONG]: 'ullong',
  [WireParamType.DOUBLE]: 'double',
  [WireParamType.BOOLEAN]: 'boolean',
  [WireParamType.STRING]: 'string',
};

/** Wire typed parameter → `TypedParam` (hypers become numbers). */
export function fromWireParam(p: RemoteTypedParam): TypedParam {
  const v = p.value;
  switch (v.tag) {
    case WireParamType.INT:
    case WireParamType.UINT:
    case WireParamType.DOUBLE:
      return { field: p.field, type: PARAM_KIND_BY_TAG[v.tag] as TypedParamKind, value: v.value };
    case WireParamType.LLONG:
    case WireParamType.ULLONG:
      return { field: p.field, type: PARAM_KIND_BY_TAG[v.tag] as TypedParamKind, value: Number(v.value) };
    case WireParamType.BOOLEAN:
      return { field: p.field, type: 'boolean', value: v.value !== 0 };
    case WireParamType.STRING:
      return { field: p.field, type: 'string', value: v.value };
  }
  throw new TypeError(`unknown typed parameter type ${(v as { tag: number }).tag}`);
}

function toBigInt(value: TypedParamValue, field: string): bigint {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') return BigInt(value);
  if (!Number.isFinite(value)) throw new TypeError(`typed parameter '${field}': ${value} is not finite`);
  return BigInt(Math.trunc(value));
}

function toNumber(value: TypedParamValue, field: string): number {
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
  if (!Number.isFinite(n))
    throw new TypeError(`typed parameter '${field}': ${String(value)} is not a number`);
  return n;
}

/** `TypedParam` → wire typed parameter. */
export function toWireParam(p: TypedParam): RemoteTypedParam {
  const { field, value } = p;
  switch (p.type) {
    case 'int':
      return { field, value: { tag: WireParamType.INT, value: Math.trunc(toNumber(value, field)) } };
    case 'uint':
      return { field, value: { tag: WireParamType.UINT, value: Math.trunc(toNumber(value, field)) } };
    case 'llong':
      return { field, value: { tag: WireParamType.LLONG, value: toBigInt(value, field) } };
    case 'ullong':
      return { field, value: { tag: WireParamType.ULLONG, value: toBigInt(value, field) } };
    case 'double':
      return { field, value: { tag: WireParamType.DOUBLE, value: toNumber(value, field) } };
    case 'boolean':
      return { field, value: { tag: WireParamType.BOOLEAN, value: value === true || value === 1 ? 1 : 0 } };
    case 'string':
      return { field, value: { tag: WireParamType.STRING, value: String(value) } };
  }
  throw new TypeError(`unknown typed parameter type '${String(p.type)}'`);
}

/** `[{field, value}]` → `{ field: value }`; the first of repeated fields wins, as libvirt's own
 * virTypedParamsGet* lookups do (use the list when repeated fields matter). */
export function paramsToRecord(params: readonly TypedParam[]): Record<string, TypedParamValue> {
  const out: Record<string, TypedParamValue> = {};
  for (const p of params) if (!(p.field in out)) out[p.field] = p.value;
  return out;
}

/**
 * `{ field: value }` → `TypedParam[]`. Types come from `types` (e.g. learned from a getter) and are
 * otherwise inferred: boolean → 'boolean', string → 'string', integer → 'ullong' (≥ 0) / 'llong',
 * other numbers → 'double'.
 */
export function toTypedParams(
  record: Readonly<Record<string, TypedParamValue>>,
  types: Readonly<Record<string, TypedParamKind>> = {},
): TypedParam[] {
  return Object.entries(record).map(([field, value]) => {
    let type = types[field];
    if (!type) {
      if (typeof value === 'boolean') type = 'boolean';
      else if (typeof value === 'string') type = 'string';
      else if (Number.isInteger(value)) type = value >= 0 ? 'ullong' : 'llong';
      else type = 'double';
    }
    return { field, type, value };
  });
}

/** The wire types of the parameters a getter returns, so a plain record can be sent back with them. */
export async function typesOf(params: Promise<TypedParam[]>): Promise<Record<string, TypedParamKind>> {
  try {
    return Object.fromEntries((await params).map((p) => [p.field, p.type]));
  } catch {
    return {};
  }
}

/** A list as given; a plain record typed after the current values (`current`), as the setters need. */
export async function paramList(
  params: TypedParam[] | Record<string, TypedParamValue>,
  current: () => Promise<TypedParam[]>,
): Promise<TypedParam[]> {
  return Array.isArray(params) ? params : toTypedParams(params, await typesOf(current()));
}
