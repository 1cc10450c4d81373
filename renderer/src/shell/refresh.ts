/** Reloads connections and VM lists (set by the bootstrap once the stores are wired). */
let reload: (() => void) | null = null;
export const setRefresh = (fn: (() => void) | null): void => {
  reload = fn;
};
export const refreshAll = (): void => reload?.();
