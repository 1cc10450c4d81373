import type { z } from 'zod';
import { toApiError } from '../../api/transport.js';
import type { Params } from '../../i18n/format.js';

/**
 * Zod issues → errors next to form fields, in plain words. Pure (no React, no i18n state), so the
 * same mapping serves the form hook, the server's `invalid-input` answers and the unit tests.
 */

export type Translate = (key: string, params?: Params) => string;

/** Errors of a form: at most one per field; `form` holds what belongs to no field. */
export type FieldErrors<F extends string> = Partial<Record<F | 'form', string>>;

export interface FieldMapping<F extends string> {
  /** The form's fields (the keys of its values). */
  fields: readonly F[];
  /**
   * Input paths (joined with '.') that land on a field of another name, e.g. `{ 'disk.sizeGiB': 'diskGiB' }`.
   * Otherwise a path lands on the field named like it, or like its first segment.
   */
  paths?: Partial<Record<string, F>>;
  /** A fixed message for a field, whatever its issue (wording the dialog had before the kit). */
  messages?: Partial<Record<F, string>>;
}

/** The message zod gives issues whose schema says nothing itself (see `validate`). */
export const DEFAULT_MESSAGE = '\u0000default';

/** The field an issue path belongs to, or null for the form as a whole. */
export const fieldForPath = <F extends string>(
  path: readonly PropertyKey[],
  map: FieldMapping<F>,
): F | null => {
  const parts = path.filter((p): p is string | number => typeof p !== 'symbol').map(String);
  const mapped = map.paths?.[parts.join('.')];
  if (mapped) return mapped;
  const fields: readonly string[] = map.fields;
  if (parts.length > 0 && fields.includes(parts.join('.'))) return parts.join('.') as F;
  if (parts[0] !== undefined && fields.includes(parts[0])) return parts[0] as F;
  return null;
};

/** The part of a zod issue the messages need (zod's own issue types are wider). */
interface IssueLike {
  code?: string;
  message: string;
  origin?: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  input?: unknown;
}

/**
 * Plain words for an issue. Size and type issues are worded by kind through i18n ("Enter a name",
 * "At least 64"); issues only the schema can explain (refinements, patterns) keep the schema's message.
 */
export const issueMessage = (issue: IssueLike, field: string | null, t: Translate): string => {
  const own = issue.message !== DEFAULT_MESSAGE ? issue.message : null;
  const required = (): string => {
    const key = field ? `form.required.${field}` : 'form.required';
    const text = t(key);
    return text === key ? t('form.required') : text;
  };
  const min = Number(issue.minimum);
  const max = Number(issue.maximum);
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return min <= 1 ? required() : t('form.tooShort', { min });
      if (issue.origin === 'array' || issue.origin === 'set')
        return min <= 1 ? required() : t('form.tooFew', { min });
      return issue.inclusive === false ? t('form.moreThan', { min }) : t('form.atLeast', { min });
    case 'too_big':
      if (issue.origin === 'string') return t('form.tooLong', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return t('form.tooMany', { max });
      return issue.inclusive === false ? t('form.lessThan', { max }) : t('form.atMost', { max });
    case 'invalid_type':
      if (issue.expected === 'int') return t('form.wholeNumber');
      if (issue.expected === 'number') return t('form.number');
      if (issue.input === undefined || issue.input === '') return required();
      return own ?? t('form.invalid');
    case 'invalid_value':
      return own ?? t('form.choose');
    default:
      return own ?? t('form.invalid');
  }
};

/** First issue per field wins (the order zod reports them in: the order of the schema). */
const collect = <F extends string>(
  issues: readonly { path: readonly PropertyKey[]; text: (field: F | null) => string }[],
  map: FieldMapping<F>,
): FieldErrors<F> => {
  const errors: FieldErrors<F> = {};
  for (const issue of issues) {
    const field = fieldForPath(issue.path, map);
    const key: F | 'form' = field ?? 'form';
    if (errors[key] !== undefined) continue;
    errors[key] = (field && map.messages?.[field]) ?? issue.text(field);
  }
  return errors;
};

export type Validation<T, F extends string> = { ok: true; data: T } | { ok: false; errors: FieldErrors<F> };

/** Validates `input` with the schema the main process uses for the call; issues land on fields. */
export const validate = <S extends z.ZodType, F extends string>(
  schema: S,
  input: unknown,
  map: FieldMapping<F>,
  t: Translate,
): Validation<z.output<S>, F> => {
  // Issues whose schema gives no message get DEFAULT_MESSAGE, so issueMessage can tell them apart.
  const r = schema.safeParse(input, { error: () => DEFAULT_MESSAGE });
  if (r.success) return { ok: true, data: r.data };
  return {
    ok: false,
    errors: collect(
      r.error.issues.map((i) => ({ path: i.path, text: (f: F | null) => issueMessage(i, f, t) })),
      map,
    ),
  };
};

/**
 * When the main process refused the input (`invalid-input` with zod issues — it validates with the same
 * schema), the same mapping puts its issues on the same fields. Null for any other error.
 */
export const remoteFieldErrors = <F extends string>(
  error: unknown,
  map: FieldMapping<F>,
): FieldErrors<F> | null => {
  const err = toApiError(error);
  if (err.code !== 'invalid-input' || !err.issues?.length) return null;
  return collect(
    err.issues.map((i) => ({ path: i.path, text: () => i.message })),
    map,
  );
};
