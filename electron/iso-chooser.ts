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
import { dialogBase, parseNativeRequest, type NativeRequest } from './native-request.js';

export type ChooseIsoRequest = NativeRequest<ChooseIsoInput>;

/** The renderer's payload, refused in plain words when it is not what the call takes. */
export const parseChooseIsoRequest = (input: unknown): ChooseIsoRequest =>
  parseNativeRequest(chooseIsoInputSchema, input);

/** Options of `dialog.showOpenDialog`: one existing file, ISO images first (any file on request). */
export const isoDialogOptions = (req: ChooseIsoInput) => ({
  ...dialogBase(req),
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
