/**
 * Schema DSL for XDR (RFC 4506) as used by libvirt's RPC protocol.
 *
 * Schemas are plain data (`XdrType`) interpreted by `codec.ts`. The builders below also carry the
 * TypeScript shape of the value as a phantom type, so `XdrValue<typeof s>` gives the JS value type.
 */

export type XdrType =
  | { kind: 'void' }
  | { kind: 'int' }
  | { kind: 'uint' }
  | { kind: 'hyper' }
  | { kind: 'uhyper' }
  | { kind: 'bool' }
  | { kind: 'float' }
  | { kind: 'double' }
  | { kind: 'string'; max: number }
  | { kind: 'opaque'; max: number }
  | { kind: 'fixedOpaque'; len: number }
  | { kind: 'array'; of: XdrType; max: number }
  | { kind: 'fixedArray'; of: XdrType; len: number }
  | { kind: 'optional'; of: XdrType }
  | { kind: 'struct'; fields: ReadonlyArray<readonly [string, XdrType]> }
  | { kind: 'union'; arms: Readonly<Record<number, XdrType>>; defaultArm?: XdrType }
  | { kind: 'lazy'; get: () => XdrType };

/** Largest length XDR can express (unsigned 32-bit); used as "unbounded" max. */
export const XDR_UNBOUNDED = 0xffffffff;

// ---- typed node shapes (structurally still XdrType) -------------------------------------------

export interface ArrayT<E extends XdrType> {
  readonly kind: 'array';
  readonly of: E;
  readonly max: number;
}
export interface FixedArrayT<E extends XdrType> {
  readonly kind: 'fixedArray';
  readonly of: E;
  readonly len: number;
}
export interface OptionalT<E extends XdrType> {
  readonly kind: 'optional';
  readonly of: E;
}
export interface StructT<F extends Record<string, XdrType>> {
  readonly kind: 'struct';
  readonly fields: ReadonlyArray<readonly [string, XdrType]>;
  /** Phantom: never set at run time, only carries the field types. */
  readonly __fields?: F;
}
export interface UnionT<A extends Record<number, XdrType>, D extends XdrType | undefined = undefined> {
  readonly kind: 'union';
  readonly arms: Readonly<Record<number, XdrType>>;
  readonly defaultArm?: XdrType;
  /** Phantoms: never set at run time. */
  readonly __arms?: A;
  readonly __default?: D;
}
export interface LazyT<E extends XdrType> {
  readonly kind: 'lazy';
  readonly get: () => E;
}

// ---- value mapping ------------------------------------------------------------------------------

type UnionValue<A extends Record<number, XdrType>, D> =
  | { [K in keyof A & number]: { tag: K; value: Elem<A[K]> } }[keyof A & number]
  | (D extends XdrType ? { tag: number; value: Elem<D> } : never);

/** The JS value type of a schema (`unknown` for the wide `XdrType` itself). */
export type XdrValue<T extends XdrType> = XdrType extends T ? unknown : ValueOf<T>;

type Elem<E> = XdrType extends E ? unknown : E extends XdrType ? ValueOf<E> : unknown;

type ValueOf<T> = [T] extends [{ kind: 'void' }]
  ? undefined
  : [T] extends [{ kind: 'int' | 'uint' | 'float' | 'double' }]
    ? number
    : [T] extends [{ kind: 'hyper' | 'uhyper' }]
      ? bigint
      : [T] extends [{ kind: 'bool' }]
        ? boolean
        : [T] extends [{ kind: 'string' }]
          ? string
          : [T] extends [{ kind: 'opaque' | 'fixedOpaque' }]
            ? Uint8Array
            : [T] extends [{ kind: 'array' | 'fixedArray'; of: infer E }]
              ? Elem<E>[]
              : [T] extends [{ kind: 'optional'; of: infer E }]
                ? Elem<E> | null
                : [T] extends [{ kind: 'struct'; __fields?: infer F }]
                  ? unknown extends F
                    ? Record<string, unknown>
                    : F extends Record<string, XdrType>
                      ? { [K in keyof F]: Elem<F[K]> }
                      : Record<string, unknown>
                  : [T] extends [{ kind: 'union'; __arms?: infer A; __default?: infer D }]
                    ? unknown extends A
                      ? { tag: number; value: unknown }
                      : A extends Record<number, XdrType>
                        ? UnionValue<A, D>
                        : { tag: number; value: unknown }
                    : [T] extends [{ kind: 'lazy'; get: () => infer E }]
                      ? Elem<E>
                      : unknown;

// ---- builders -----------------------------------------------------------------------------------

export const voidT = { kind: 'void' } as const satisfies XdrType;
export const int = { kind: 'int' } as const satisfies XdrType;
export const uint = { kind: 'uint' } as const satisfies XdrType;
export const hyper = { kind: 'hyper' } as const satisfies XdrType;
export const uhyper = { kind: 'uhyper' } as const satisfies XdrType;
export const bool = { kind: 'bool' } as const satisfies XdrType;
export const float = { kind: 'float' } as const satisfies XdrType;
export const double = { kind: 'double' } as const satisfies XdrType;

function checkBound(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > XDR_UNBOUNDED) {
    throw new TypeError(`${what} must be an integer in [0, 2^32-1], got ${n}`);
  }
  return n;
}

export function string(max: number = XDR_UNBOUNDED): { readonly kind: 'string'; readonly max: number } {
  return { kind: 'string', max: checkBound('string max', max) };
}

export function opaque(max: number = XDR_UNBOUNDED): { readonly kind: 'opaque'; readonly max: number } {
  return { kind: 'opaque', max: checkBound('opaque max', max) };
}

export function fixedOpaque(len: number): { readonly kind: 'fixedOpaque'; readonly len: number } {
  return { kind: 'fixedOpaque', len: checkBound('fixedOpaque len', len) };
}

export function array<E extends XdrType>(of: E, max: number = XDR_UNBOUNDED): ArrayT<E> {
  return { kind: 'array', of, max: checkBound('array max', max) };
}

export function fixedArray<E extends XdrType>(of: E, len: number): FixedArrayT<E> {
  return { kind: 'fixedArray', of, len: checkBound('fixedArray len', len) };
}

export function optional<E extends XdrType>(of: E): OptionalT<E> {
  return { kind: 'optional', of };
}

/** Object key order is the wire order. */
export function struct<F extends Record<string, XdrType>>(fields: F): StructT<F> {
  return { kind: 'struct', fields: Object.entries(fields) };
}

/** Discriminated union on a 32-bit int discriminant (enum/int/bool in the .x files). */
export function union<A extends Record<number, XdrType>, D extends XdrType | undefined = undefined>(
  arms: A,
  defaultArm?: D,
): UnionT<A, D> {
  for (const key of Object.keys(arms)) {
    const n = Number(key);
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) {
      throw new TypeError(`union arm tag must be a 32-bit integer, got ${key}`);
    }
  }
  return defaultArm === undefined ? { kind: 'union', arms } : { kind: 'union', arms, defaultArm };
}

/** Defers resolution, for recursive types: `const t = struct({ next: optional(lazy(() => t)) })`. */
export function lazy<E extends XdrType>(get: () => E): LazyT<E> {
  return { kind: 'lazy', get };
}
