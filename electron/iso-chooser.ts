/**
 * The ISO file chooser of the New VM dialog (Electron only, local connections): the request checked like
 * every core call, the native dialog's options, and its answer turned into the reply. No Electron import
 * here, so it is tested without the Electron binary; main.ts wires it to `dialog.showOpenDialog`.
 */
import {
  chooseIsoInputSchema,
  chooseIsoOutputSchema,
  type ChooseIsoInput,
  type ChooseIsoOutput,
} from '../shared/contract/native.js';
import type { RemoteError } from '../shared/contract/index.js';

export type ChooseIsoRequest = { ok: true; value: ChooseIsoInput } | { ok: false; error: RemoteError };

/** The renderer's payload, refused in plain words (with zod's issues) when it is not what the call takes. */
export const parseChooseIsoRequest = (input: unknown): ChooseIsoRequest => {
  const r = chooseIsoInputSchema.safeParse(input);
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

/** Options of `dialog.showOpenDialog`: one existing file, ISO images first (any file on request). */
export const isoDialogOptions = (req: ChooseIsoInput) => ({
  title: req.title,
  ...(req.defaultPath ? { defaultPath: req.defaultPath } : {}),
  properties: ['openFile' as const, 'dontAddToRecent' as const],
  filters: [
    { name: 'ISO images', extensions: ['iso', 'ISO'] },
    { name: 'All files', extensions: ['*'] },
  ],
});

/** The dialog's answer as the reply: the chosen path, or null when cancelled (or not a usable path). */
export const isoDialogReply = (result: { canceled: boolean; filePaths: string[] }): ChooseIsoOutput => {
  const path = result.canceled ? null : (result.filePaths[0] ?? null);
  const checked = chooseIsoOutputSchema.safeParse({ path });
  return checked.success ? checked.data : { path: null };
};
