import { useSyncExternalStore } from 'react';
import type { SimpleAction } from '../logic/lifecycle.js';

/** The app-wide modal dialog (one at a time), rendered by App. */
export type DialogRequest =
  | { kind: 'delete'; connectionId: string; uuids: string[] }
  | { kind: 'rename'; connectionId: string; uuid: string }
  | { kind: 'migrate'; connectionId: string; uuid: string }
  | { kind: 'clone'; connectionId: string; uuid: string }
  | { kind: 'newVm'; connectionId: string }
  | { kind: 'confirm'; connectionId: string; uuids: string[]; action: SimpleAction }
  | { kind: 'addConnection' }
  | { kind: 'shortcuts' }
  | { kind: 'about' };

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
