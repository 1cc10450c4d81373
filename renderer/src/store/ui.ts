/** Small imperative hooks between the shell and views (global shortcuts → focused view). */
export const uiHandlers: {
  focusSearch: (() => void) | null;
  refresh: (() => void) | null;
} = { focusSearch: null, refresh: null };
