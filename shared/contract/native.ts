import { z } from 'zod';
import { hostPathSchema } from './newvm.js';

/**
 * What only the desktop app can do: native dialogs. Not core calls (web mode has no native dialog for
 * the host's files), so they have their own IPC channel, validated the same way on the main side.
 */

/** The IPC channel of the ISO file chooser (the preload repeats it: it cannot import files). */
export const CHOOSE_ISO_CHANNEL = 'vd:chooseIso';

/** Ask for an ISO image on this machine: the dialog's title (translated) and where it opens. */
export const chooseIsoInputSchema = z
  .object({
    title: z.string().min(1).max(200),
    defaultPath: hostPathSchema.optional(),
  })
  .strict();
export type ChooseIsoInput = z.infer<typeof chooseIsoInputSchema>;

/** The chosen file, or null when the dialog was cancelled. */
export const chooseIsoOutputSchema = z.object({ path: hostPathSchema.nullable() }).strict();
export type ChooseIsoOutput = z.infer<typeof chooseIsoOutputSchema>;

/**
 * Is the daemon on this machine (so a file this machine sees is a file the host sees)? Only URIs without
 * a host over the local socket: `qemu:///system`, `qemu+unix:///session?socket=…`. `qemu://localhost/…`
 * goes through TCP/TLS and counts as remote: the safe answer when unsure.
 */
export const isLocalLibvirtUri = (uri: string): boolean => /^[a-z][a-z0-9]*(\+unix)?:\/\/\//i.test(uri);

/** The IPC channel of the upload/download file chooser of the Storage page (the preload repeats it). */
export const CHOOSE_FILE_CHANNEL = 'vd:chooseFile';

/**
 * Ask for a file on this machine: one to upload ('open') or a new one to download into ('save'). The
 * file is read or written by the main process, so any connection (local or remote) can use it.
 */
export const chooseFileInputSchema = z
  .object({
    title: z.string().min(1).max(200),
    mode: z.enum(['open', 'save']),
    defaultPath: hostPathSchema.optional(),
  })
  .strict();
export type ChooseFileInput = z.infer<typeof chooseFileInputSchema>;
export const chooseFileOutputSchema = chooseIsoOutputSchema;
export type ChooseFileOutput = ChooseIsoOutput;
