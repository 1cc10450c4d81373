import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
  /** A one-click fix beside the message (e.g. "Start network 'default' and retry"); dismisses the toast. */
  action?: { label: string; run: () => void };
}

let toasts: Toast[] = [];
let nextId = 1;
const subs = new Set<() => void>();
const emit = (): void => {
  for (const s of [...subs]) s();
};

export const dismissToast = (id: number): void => {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
};

/** Shows a toast; info toasts disappear after a few seconds, errors stay until dismissed. */
export const showToast = (message: string, kind: Toast['kind'] = 'info', action?: Toast['action']): void => {
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, message, kind, ...(action ? { action } : {}) }];
  emit();
  if (kind === 'info') setTimeout(() => dismissToast(id), 4000);
};

export const useToasts = (): Toast[] =>
  useSyncExternalStore(
    (cb) => {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    () => toasts,
  );
