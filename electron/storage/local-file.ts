/**
 * The local side of an upload or download: a file on the machine the main process runs on (this
 * computer in the desktop app, the server in web mode). Checked before any volume is made, in words.
 */
import { constants } from 'node:fs';
import { access, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoreError } from '../base/errors.js';

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return (e as Error).message;
};

/** Opens a regular, readable file for an upload; returns it with its size. */
export async function openSourceFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'it is a symbolic link (choose the file it points to)' : reason(e);
    throw new CoreError('invalid-input', `Cannot read ${path}: ${why}.`, [
      { path: ['localPath'], message: `Cannot read this file: ${why}` },
    ]);
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new CoreError('invalid-input', `${path} is not a regular file.`, [
      { path: ['localPath'], message: 'Not a regular file' },
    ]);
  }
  if (st.size === 0) {
    await handle.close();
    throw new CoreError('invalid-input', `${path} is empty: there is nothing to upload.`, [
      { path: ['localPath'], message: 'The file is empty' },
    ]);
  }
  return { handle, size: st.size };
}

/** Checks a download's destination: a new file in an existing, writable folder (never an overwrite). */
export async function checkDestination(path: string): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new CoreError('invalid-input', `${path} exists already; choose a new file name.`, [
      { path: ['localPath'], message: 'This file exists already' },
    ]);
  const dir = dirname(path);
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new CoreError('invalid-input', `Cannot write into ${dir}: ${reason(e)}.`, [
      { path: ['localPath'], message: `Cannot write into this folder: ${reason(e)}` },
    ]);
  }
}
