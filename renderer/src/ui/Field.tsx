import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

/** The frame every dialog field shares: its label, the control, an optional hint and the error below. */
export const FieldFrame = ({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
}) => (
  <div className="field">
    <label htmlFor={id}>{label}</label>
    {children}
    {hint}
    {error && <span className="error-text">{error}</span>}
  </div>
);

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
  <FieldFrame id={id} label={label} hint={hint} error={error}>
    <input
      {...input}
      id={id}
      className="entry"
      value={value}
      aria-invalid={error ? true : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  </FieldFrame>
);

/** A labelled drop-down of a dialog form; the options are its children. */
export const SelectField = ({
  id,
  label,
  value,
  onChange,
  hint,
  error,
  children,
  ...select
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'value' | 'onChange'>) => (
  <FieldFrame id={id} label={label} hint={hint} error={error}>
    <select
      {...select}
      id={id}
      className="entry"
      value={value}
      aria-invalid={error ? true : undefined}
      onChange={(e) => onChange(e.target.value)}
    >
      {children}
    </select>
  </FieldFrame>
);

/** A checkbox with its label on one row (GNOME check button style). */
export const CheckField = ({
  label,
  checked,
  onChange,
  ...input
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'checked' | 'onChange'>) => (
  <label className="check-row">
    <input {...input} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
    {label}
  </label>
);
