import { TextField } from '../../../ui/Field.js';

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

/** A whole number ≥ 1 from text, or null. */
export const parseCount = (s: string): number | null => {
  const v = s.trim();
  if (!/^\d{1,12}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 ? n : null;
};
