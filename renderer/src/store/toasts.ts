import { useSyncExternalStore } from 'react';

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface Toast {
  id: number;
  /** One sentence about the person's object ("Could not start “web”."). */
  message: string;
  kind: 'info' | 'error';
  /** libvirt's own text, shown on request (expandable). */
  detail?: string;
  /** A safe next step (Force Off, Reconnect, …). */
  action?: ToastAction;
}

/** How long a toast stays. Toasts are for what just happened; lasting problems are banners on their page. */
export const TOAST_MS = { info: 4000, error: 10_000 } as const;

let toasts: Toast[] = [];
let nextId = 1;
const subs = new Set<() => void>();
const emit = (): void => {
  for (const s of [...subs]) s();
};
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export const dismissToast = (id: number): void => {
  clearTimeout(timers.get(id));
  timers.delete(id);
  toasts = toasts.filter((t) => t.id !== id);
  emit();
};

const schedule = (t: Toast): void => {
  timers.set(
    t.id,
    setTimeout(() => dismissToast(t.id), TOAST_MS[t.kind]),
  );
};

/** Keeps a toast up while the pointer is on it or its details are open (so it can be read); resumes after. */
export const holdToast = (id: number, hold: boolean): void => {
  clearTimeout(timers.get(id));
  timers.delete(id);
  const t = toasts.find((x) => x.id === id);
  if (!hold && t) schedule(t);
};

/** Shows a toast; it disappears after a few seconds (errors a little later). */
export const showToast = (
  message: string,
  kind: Toast['kind'] = 'info',
  extra: { detail?: string; action?: ToastAction } = {},
): void => {
  const id = nextId++;
  const toast: Toast = {
    id,
    message,
    kind,
    ...(extra.detail && extra.detail !== message ? { detail: extra.detail } : {}),
    ...(extra.action ? { action: extra.action } : {}),
  };
  for (const old of toasts.slice(0, -3)) clearTimeout(timers.get(old.id));
  toasts = [...toasts.slice(-3), toast];
  emit();
  schedule(toast);
};

/** The toasts shown now (outside React: tests, actions). */
export const getToasts = (): readonly Toast[] => toasts;

export const useToasts = (): Toast[] =>
  useSyncExternalStore(
    (cb) => {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    () => toasts,
  );
