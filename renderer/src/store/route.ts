import { useSyncExternalStore } from 'react';

export type Route =
  | { kind: 'home' }
  | { kind: 'vms'; connectionId: string }
  | { kind: 'vm'; connectionId: string; uuid: string; tab: string }
  | { kind: 'host'; connectionId: string; pageId: string };

let route: Route = { kind: 'home' };
const subs = new Set<() => void>();

export const getRoute = (): Route => route;
export const navigate = (r: Route): void => {
  route = r;
  for (const s of [...subs]) s();
};
export const useRoute = (): Route =>
  useSyncExternalStore(
    (cb) => {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    () => route,
  );
