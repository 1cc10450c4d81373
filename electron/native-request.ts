/**
 * What the native dialogs (ISO chooser, upload/download file chooser) share: the renderer's request checked
 * like every core call, and the options every dialog takes from it. No Electron import, so it is unit-tested.
 */
import type { z } from 'zod';
import type { RemoteError } from '../shared/contract/index.js';

export type NativeRequest<T> = { ok: true; value: T } | { ok: false; error: RemoteError };

/** The renderer's payload, refused in plain words (with zod's issues) when it is not what the call takes. */
export const parseNativeRequest = <S extends z.ZodType>(
  schema: S,
  input: unknown,
): NativeRequest<z.output<S>> => {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    error: {
      message: 'The file chooser was asked with an invalid request.',
      code: 'invalid-input',
      issues: r.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
        message: i.message,
      })),
    },
  };
};

/** The title and starting place every native dialog takes from the request. */
export const dialogBase = (req: { title: string; defaultPath?: string | undefined }) => ({
  title: req.title,
  ...(req.defaultPath ? { defaultPath: req.defaultPath } : {}),
});
