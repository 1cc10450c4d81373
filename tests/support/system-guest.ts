/**
 * The tiny guest's kernel and initrd copied where a system-mode daemon's QEMU (running as its own user,
 * in the daemon's mount namespace) may read them: a world-readable folder under the daemon's scratch
 * folder. The build cache they come from is not readable to that user.
 */
import fs from 'node:fs';
import path from 'node:path';
import { testEnv } from './env.js';

/** Copies the tiny guest into `<scratchDir>/<folder>` (once; the files do not change within a run). */
export function stageTinyGuest(
  scratchDir: string,
  folder = 'tiny-guest',
): { kernel: string; initrd: string } {
  const { guestKernel, guestInitrd } = testEnv();
  const dir = path.join(scratchDir, folder);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const kernel = path.join(dir, 'vmlinuz');
  const initrd = path.join(dir, 'initrd.img');
  if (!fs.existsSync(kernel)) fs.copyFileSync(guestKernel, kernel);
  if (!fs.existsSync(initrd)) fs.copyFileSync(guestInitrd, initrd);
  return { kernel, initrd };
}
