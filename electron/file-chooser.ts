/**
 * The Storage page's file chooser (Electron only): a file to upload into a volume, or a new file to
 * download a volume into. The request is checked like every core call; main.ts wires it to
 * `dialog.showOpenDialog` / `dialog.showSaveDialog`. No Electron import here, so it is tested without it.
 */
import {
  chooseFileInputSchema,
  chooseFileOutputSchema,
  type ChooseFileInput,
  type ChooseFileOutput,
} from '../shared/contract/native.js';
import { dialogBase, parseNativeRequest, type NativeRequest } from './native-request.js';

export type ChooseFileRequest = NativeRequest<ChooseFileInput>;

export const parseChooseFileRequest = (input: unknown): ChooseFileRequest =>
  parseNativeRequest(chooseFileInputSchema, input);

/** Options of the open dialog: one existing file. */
export const openFileDialogOptions = (req: ChooseFileInput) => ({
  ...dialogBase(req),
  properties: ['openFile' as const, 'dontAddToRecent' as const],
});

/** Options of the save dialog: a new file (the dialog asks before replacing one; the core refuses to). */
export const saveFileDialogOptions = (req: ChooseFileInput) => ({
  ...dialogBase(req),
  properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const, 'dontAddToRecent' as const],
});

/** The dialog's answer (open: filePaths; save: filePath) as the reply; null when cancelled. */
export const fileDialogReply = (result: {
  canceled: boolean;
  filePaths?: string[];
  filePath?: string | undefined;
}): ChooseFileOutput => {
  const path = result.canceled ? null : (result.filePath ?? result.filePaths?.[0] ?? null);
  const checked = chooseFileOutputSchema.safeParse({ path });
  return checked.success ? checked.data : { path: null };
};
