import type { ReactNode } from 'react';
import type { z } from 'zod';
import { useT } from '../../i18n/index.js';
import { FailureNote } from '../../ui/FailureNote.js';
import { TextField } from '../../ui/Field.js';
import type { Form } from '../../ui/form/useForm.js';

/** One text field of the add form: which form value it edits, its element id and label. */
export interface EntryField<K extends string> {
  key: K;
  id: string;
  label: string;
  placeholder?: string;
}

/** One column of the list of entries (monospaced for addresses). */
export interface EntryColumn<E> {
  header: string;
  cell: (entry: E) => ReactNode;
  mono?: boolean;
}

/**
 * A network's list of entries of one kind (static DHCP hosts, DNS hosts): a heading, the entries with
 * a Remove button each, and a one-row form adding one (its fields emptied once libvirt took it). The
 * fields and columns are data; the form (values, errors, the contract's schema) is the caller's.
 */
export function EntryForm<E, K extends string, V extends Record<K, string>, S extends z.ZodType>({
  title,
  entries,
  entryKey,
  columns,
  removeLabel,
  onRemove,
  busy,
  listTestId,
  addTestId,
  form,
  fields,
  add,
  onAdded,
}: {
  title: string;
  entries: E[];
  entryKey: (entry: E) => string;
  columns: EntryColumn<E>[];
  /** What the Remove button names (an address, a MAC). */
  removeLabel: (entry: E) => string;
  onRemove: (entry: E) => void;
  /** A removal is under way: every Remove button waits. */
  busy: boolean;
  listTestId: string;
  addTestId: string;
  form: Form<V, S>;
  fields: EntryField<K>[];
  add: (input: z.output<S>) => Promise<unknown>;
  onAdded: () => void;
}) {
  const t = useT();
  return (
    <>
      <h4>{title}</h4>
      {entries.length > 0 && (
        <table className="host-table" data-testid={listTestId}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header}>{c.header}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entryKey(entry)}>
                {columns.map((c) => (
                  <td key={c.header} className={c.mono ? 'mono' : undefined}>
                    {c.cell(entry)}
                  </td>
                ))}
                <td>
                  <button
                    type="button"
                    className="btn small"
                    disabled={busy}
                    aria-label={t('networks.removeEntry', { what: removeLabel(entry) })}
                    onClick={() => onRemove(entry)}
                  >
                    {t('networks.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="entry-row"
        data-testid={addTestId}
        onSubmit={(e) => {
          e.preventDefault();
          void form.submit(add).then((r) => {
            if (!r.ok) return;
            for (const f of fields) form.set(f.key, '' as V[K]);
            onAdded();
          });
        }}
      >
        {fields.map((f) => (
          <TextField
            key={f.id}
            id={f.id}
            label={f.label}
            value={form.values[f.key]}
            placeholder={f.placeholder}
            error={form.errors[f.key]}
            onChange={(v) => form.set(f.key, v as V[K])}
          />
        ))}
        <button type="submit" className="btn" disabled={form.submitting}>
          {t('networks.add')}
        </button>
      </form>
      {form.errors.form !== undefined && (
        <FailureNote message={t('networks.failed.entry')} detail={form.errors.form} />
      )}
    </>
  );
}
