/** Ctrl+F: focuses the search entry of the VM list on screen (none when no list is shown). */
let focus: (() => void) | null = null;
export const setSearchFocus = (fn: (() => void) | null): void => {
  focus = fn;
};
/** Returns false when no VM list is on screen. */
export const focusSearch = (): boolean => {
  if (!focus) return false;
  focus();
  return true;
};
