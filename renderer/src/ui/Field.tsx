import type { InputHTMLAttributes, ReactNode } from 'react';

/**
 * A labelled text entry of a dialog form (GNOME entry style), with an optional hint and error below it.
 * Other input attributes (autoFocus, inputMode, placeholder, …) pass through.
 */
export const TextField = ({
  id,
  label,
  value,
  onChange,
  hint,
  error,
  ...input
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>) => (
  <div className="field">
    <label htmlFor={id}>{label}</label>
    <input
      {...input}
      id={id}
      className="entry"
      value={value}
      aria-invalid={error ? true : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
    {hint}
    {error && <span className="error-text">{error}</span>}
  </div>
);
