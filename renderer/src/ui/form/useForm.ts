import { useCallback, useState } from 'react';
import type { z } from 'zod';
import { toApiError, type ApiError } from '../../api/transport.js';
import { useT } from '../../i18n/index.js';
import { remoteFieldErrors, validate, type FieldErrors, type FieldMapping } from './issues.js';

export interface FormOptions<V extends Record<string, unknown>, S extends z.ZodType> {
  /** The call's input schema from shared/contract (the one the main process validates with). */
  schema: S;
  initial: V | (() => V);
  /** Builds the call's input from the form's values (trimming, numbers from text, …). */
  toInput: (values: V) => unknown;
  /** See FieldMapping.paths. */
  paths?: FieldMapping<keyof V & string>['paths'];
  /** See FieldMapping.messages. */
  messages?: FieldMapping<keyof V & string>['messages'];
}

/** `error`: what the action threw; `onFields`: its issues were put on fields (nothing else to show). */
export type SubmitResult = { ok: true } | { ok: false; error?: ApiError; onFields?: boolean };

export interface Form<V extends Record<string, unknown>, S extends z.ZodType> {
  values: V;
  /** Sets one value; clears that field's error and the form's. */
  set: <K extends keyof V & string>(field: K, value: V[K]) => void;
  errors: FieldErrors<keyof V & string>;
  submitting: boolean;
  /**
   * Validates; when valid, runs `action` with the parsed input. Issues land on their fields; a thrown
   * `invalid-input` error from the main process is mapped onto the same fields, any other error goes
   * to `errors.form` (and is returned so the dialog can also toast it, say).
   */
  submit: (action: (input: z.output<S>) => Promise<unknown> | unknown) => Promise<SubmitResult>;
}

/** One form kit for every dialog: values, per-field errors, and submit with the contract's schema. */
export const useForm = <V extends Record<string, unknown>, S extends z.ZodType>(
  opts: FormOptions<V, S>,
): Form<V, S> => {
  type F = keyof V & string;
  const t = useT();
  const [values, setValues] = useState<V>(opts.initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [submitting, setSubmitting] = useState(false);

  const set = useCallback(<K extends F>(field: K, value: V[K]): void => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => {
      if (e[field] === undefined && e.form === undefined) return e;
      const next = { ...e };
      delete next[field];
      delete next.form;
      return next;
    });
  }, []);

  // Reads this render's values and options: submit runs from events, after the values were rendered.
  const submit = async (
    action: (input: z.output<S>) => Promise<unknown> | unknown,
  ): Promise<SubmitResult> => {
    const map: FieldMapping<F> = {
      fields: Object.keys(values) as F[],
      paths: opts.paths,
      messages: opts.messages,
    };
    const checked = validate(opts.schema, opts.toInput(values), map, t);
    if (!checked.ok) {
      setErrors(checked.errors);
      return { ok: false };
    }
    setErrors({});
    setSubmitting(true);
    try {
      await action(checked.data);
      return { ok: true };
    } catch (e) {
      const error = toApiError(e);
      const remote = remoteFieldErrors(error, map);
      setErrors(remote ?? ({ form: error.message } as FieldErrors<F>));
      return { ok: false, error, onFields: !!remote && Object.keys(remote).some((k) => k !== 'form') };
    } finally {
      setSubmitting(false);
    }
  };

  return { values, set, errors, submitting, submit };
};
