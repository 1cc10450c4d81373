import type { ChooseIsoInput } from '../../../../shared/contract/native.js';
import { isLocalLibvirtUri } from '../../../../shared/contract/native.js';

/** The part of the Electron bridge the chooser needs (absent in web mode). */
export interface IsoChooserBridge {
  chooseIso?: ((input: ChooseIsoInput) => Promise<{ path: string | null }>) | undefined;
}

/**
 * The native "Choose…" for the ISO field, or null when there is none: only in the desktop app (web mode
 * cannot open the host's files in a browser dialog) and only for a daemon on this machine (a file chosen
 * here is a file the host sees).
 */
export const isoChooserFor = (
  bridge: IsoChooserBridge | undefined,
  connectionUri: string | undefined,
): ((input: ChooseIsoInput) => Promise<string | null>) | null => {
  const choose = bridge?.chooseIso;
  if (!choose || !connectionUri || !isLocalLibvirtUri(connectionUri)) return null;
  return async (input) => (await choose(input)).path;
};

/** Where the dialog opens: the folder of the path typed so far, if it is absolute. */
export const chooserStart = (typed: string): string | undefined => {
  const dir = typed.startsWith('/') ? typed.slice(0, typed.lastIndexOf('/') + 1) : '';
  return dir.length > 1 ? dir : undefined;
};
