/**
 * Every editor kind of the main process, one line each (the contract's side is
 * shared/contract/hardware/index.ts; the renderer's, renderer/src/features/hardware/editors/index.ts).
 */
import { bootEditor } from './boot.js';
import { cpuEditor } from './cpu.js';
import { memoryEditor } from './memory.js';
import { diskEditor } from './disks.js';
import { nicEditor } from './nics.js';
import { graphicsEditor } from './graphics.js';
import { videoEditor } from './video.js';
import { soundEditor } from './sound.js';
import { inputEditor } from './input.js';
import { tpmEditor } from './tpm.js';
import { rngEditor } from './rng.js';
import { watchdogEditor } from './watchdog.js';
import { channelEditor } from './channels.js';
import { serialEditor } from './serials.js';
import { controllerEditor } from './controllers.js';
import { filesystemEditor } from './filesystems.js';
import { hostdevEditor } from './hostdevs.js';
import type { AnyHardwareEditor } from './types.js';

export const hardwareEditors: readonly AnyHardwareEditor[] = [
  cpuEditor,
  memoryEditor,
  bootEditor,
  diskEditor,
  nicEditor,
  graphicsEditor,
  videoEditor,
  soundEditor,
  inputEditor,
  tpmEditor,
  rngEditor,
  watchdogEditor,
  channelEditor,
  serialEditor,
  controllerEditor,
  filesystemEditor,
  hostdevEditor,
];

/** The editor taking a change kind (`'cpu'`, `'disk.add'`, …). */
export const editorFor = (changeKind: string): AnyHardwareEditor | undefined =>
  hardwareEditors.find((e) => e.changeKinds.includes(changeKind));
