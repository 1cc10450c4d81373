/** What the channel, serial, controller, shared folder and host device editors share. */
import { Fragment, type ReactNode } from 'react';

/** The n of a device id `<element>:<n>` (the n-th element of that name in the config), or null. */
export const nthOf = (id: string): number | null => {
  const n = Number(id.slice(id.indexOf(':') + 1));
  return Number.isInteger(n) && n >= 0 ? n : null;
};

/** A definition list of facts: [label, value] rows (rows with a null value are left out). */
export const Facts = ({ rows, testId }: { rows: [string, ReactNode | null][]; testId?: string }) => (
  <dl className="hwd-facts" data-testid={testId}>
    {rows
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
  </dl>
);
