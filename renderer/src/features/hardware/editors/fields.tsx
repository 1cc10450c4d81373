import type { SelectHTMLAttributes } from 'react';
import { SelectField, TextField } from '../../../ui/Field.js';

/** A whole-number entry; `value` is the text as typed. */
export const NumberField = ({
  id,
  label,
  value,
  onChange,
  error,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
}) => (
  <TextField
    id={id}
    label={label}
    value={value}
    onChange={onChange}
    error={error ?? null}
    hint={hint ? <span className="dim">{hint}</span> : undefined}
    inputMode="numeric"
    autoComplete="off"
    data-testid={id}
  />
);

/** One entry of a `NumberRow`: the draft's field it edits, and where its error comes from. */
export interface NumberSpec<K extends string> {
  key: K;
  id: string;
  label: string;
  hint?: string | undefined;
  /** The issue's field when it is not `key` (memory is typed in MiB, its issues are on the KiB). */
  issue?: string;
}

/** Whole-number entries side by side, each bound to its field of an editor's draft (`useDraft`). */
export const NumberRow = <K extends string>({
  fields,
  values,
  set,
  errors,
}: {
  fields: readonly NumberSpec<K>[];
  values: Readonly<Record<K, string>>;
  set: (k: K, v: string) => void;
  errors: Readonly<Record<string, string | undefined>>;
}) => (
  <div className="hw-fields-row">
    {fields.map((f) => (
      <NumberField
        key={f.key}
        id={f.id}
        label={f.label}
        value={values[f.key]}
        onChange={(v) => set(f.key, v)}
        error={errors[f.issue ?? f.key]}
        hint={f.hint}
      />
    ))}
  </div>
);

/**
 * A drop-down of choices: `options` in their order, each shown as `optionLabel(o)` (the value itself when
 * not given). `empty` labels a first option whose value is '' ("Default", "Choose a model…"): give it only
 * where the value may be ''. A string `hint` shows dimmed below, like `NumberField`'s.
 */
export const ChoiceField = <T extends string>({
  options,
  optionLabel = (o) => o,
  empty,
  onChange,
  error,
  hint,
  ...select
}: {
  id: string;
  label: string;
  value: T;
  onChange: (v: T) => void;
  options: readonly T[];
  optionLabel?: (o: T) => string;
  empty?: string | undefined;
  error?: string | null | undefined;
  hint?: string | undefined;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'value' | 'onChange' | 'children'>) => (
  <SelectField
    {...select}
    onChange={(v) => onChange(v as T)}
    error={error ?? null}
    hint={hint ? <span className="dim">{hint}</span> : undefined}
  >
    {empty !== undefined && <option value="">{empty}</option>}
    {options.map((o) => (
      <option key={o} value={o}>
        {optionLabel(o)}
      </option>
    ))}
  </SelectField>
);

/** A whole number ≥ 1 from text, or null. */
export const parseCount = (s: string): number | null => {
  const v = s.trim();
  if (!/^\d{1,12}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 ? n : null;
};
