import { useSyncExternalStore, type ComponentType } from 'react';

/**
 * The dialogs that can be opened app-wide, by kind, with their parameters. Features add theirs by
 * augmenting this interface next to the dialog:
 *
 *   declare module '../../shell/dialogs.js' {
 *     interface DialogRequests { rename: { connectionId: string; uuid: string } }
 *   }
 *
 * so any feature can open any dialog (`openDialog({ kind: 'rename', … })`) without importing it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface DialogRequests {}

export type DialogKind = keyof DialogRequests;
/** One open request: `{ kind, …parameters }`. */
export type DialogRequest<K extends DialogKind = DialogKind> = {
  [P in K]: { kind: P } & DialogRequests[P];
}[K];

/** A dialog a feature contributes: rendered by the shell's dialogs host while its kind is open. */
export type DialogContribution = {
  [K in DialogKind]: { kind: K; component: ComponentType<{ req: DialogRequest<K> }> };
}[DialogKind];

/** Helper that keeps `kind` and the component's request type together. */
export const defineDialog = <K extends DialogKind>(
  kind: K,
  component: ComponentType<{ req: DialogRequest<K> }>,
): DialogContribution => ({ kind, component }) as DialogContribution;

/** The app-wide modal dialog (one at a time), rendered by the shell. */
let current: DialogRequest | null = null;
const subs = new Set<() => void>();
export const openDialog = (d: DialogRequest | null): void => {
  current = d;
  for (const s of [...subs]) s();
};
export const closeDialog = (): void => openDialog(null);
export const useDialog = (): DialogRequest | null =>
  useSyncExternalStore(
    (cb) => {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    () => current,
  );
