import { Fragment, type ReactNode } from 'react';
import { catalogs, getLanguage, type Params } from '../i18n/index.js';
import { revealBidi } from './bidi.js';

/**
 * A name that comes from libvirt (VM, snapshot, network, pool, connection), bidi-isolated: a name holding
 * U+202E (right-to-left override) or other direction marks reorders only itself, never the words around
 * it — so a confirmation cannot be made to read as if it named another object.
 */
export const Name = ({ children, className }: { children: string; className?: string }) => (
  <bdi className={className ? `libvirt-name ${className}` : 'libvirt-name'} data-name={children}>
    {children}
  </bdi>
);

/**
 * Like `t`, but `{param}` values may be React nodes (e.g. a `<Name>`): the template is split at its
 * placeholders so a name stays its own isolated element inside the sentence.
 */
export const tr = (key: string, params: Record<string, ReactNode>): ReactNode => {
  const template = catalogs[getLanguage()][key] ?? catalogs.en[key] ?? key;
  const parts = template.split(/\{(\w+)\}/g);
  return parts.map((part, i) =>
    i % 2 === 1 && part in params ? (
      <Fragment key={i}>{params[part]}</Fragment>
    ) : (
      <Fragment key={i}>{part}</Fragment>
    ),
  );
};

/**
 * The object's UUID under a destructive confirmation: two objects can look alike by name, never by UUID.
 * A name holding direction controls is also spelled out, so what it really says is visible.
 */
export const ObjectUuid = ({
  label,
  uuid,
  name,
  revealLabel,
}: {
  label: string;
  uuid: string;
  name?: string;
  /** Lead-in for the spelled-out name ("The name holds direction characters:"). */
  revealLabel?: string;
}) => {
  const revealed = name === undefined ? null : revealBidi(name);
  return (
    <>
      <p className="object-uuid dim" data-testid="confirm-uuid">
        {label} <span className="mono">{uuid}</span>
      </p>
      {revealed && (
        <p className="object-uuid error-text" data-testid="confirm-bidi">
          {revealLabel} <span className="mono">{revealed}</span>
        </p>
      )}
    </>
  );
};

/** A plain-string context (a toast, a tooltip): isolate with FSI…PDI, the text form of `<bdi>`. */
export const isolated = (name: string): string => `\u2068${name}\u2069`;

export type { Params };
