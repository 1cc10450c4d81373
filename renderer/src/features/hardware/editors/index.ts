/**
 * The Hardware tab's editors, one line each (the main process's side is electron/hardware/kinds/index.ts).
 * An editor names the item types it takes (`cpu`, or device element names such as `disk`); a device no
 * editor takes shows its XML read-only. Adders are the "Add hardware" choices.
 */
import { BootEditor } from './BootEditor.js';
import { CpuEditor } from './CpuEditor.js';
import { MemoryEditor } from './MemoryEditor.js';
import { AddDisk } from './AddDisk.js';
import { AddNic } from './AddNic.js';
import { DiskEditor } from './DiskEditor.js';
import { NicEditor } from './NicEditor.js';
import { AddDevice } from './display/AddDevice.js';
import {
  InputEditor,
  RngEditor,
  SoundEditor,
  TpmEditor,
  VideoEditor,
  WatchdogEditor,
} from './display/DeviceEditors.js';
import { GraphicsEditor } from './display/GraphicsEditor.js';
import { AddChannel } from './passthrough/AddChannel.js';
import { AddController } from './passthrough/AddController.js';
import { AddFilesystem } from './passthrough/AddFilesystem.js';
import { AddHostdev } from './passthrough/AddHostdev.js';
import { AddSerial } from './passthrough/AddSerial.js';
import { ChannelEditor } from './passthrough/ChannelEditor.js';
import { ControllerEditor } from './passthrough/ControllerEditor.js';
import { FilesystemEditor } from './passthrough/FilesystemEditor.js';
import { HostdevEditor } from './passthrough/HostdevEditor.js';
import { SerialEditor } from './passthrough/SerialEditor.js';
import type { HwAdderEntry, HwEditorEntry } from './types.js';

export const hwEditors: readonly HwEditorEntry[] = [
  { types: ['cpu'], component: CpuEditor, fixed: { id: 'cpu', titleKey: 'hw.item.cpu', order: 10 } },
  {
    types: ['memory'],
    component: MemoryEditor,
    fixed: { id: 'memory', titleKey: 'hw.item.memory', order: 20 },
  },
  { types: ['boot'], component: BootEditor, fixed: { id: 'boot', titleKey: 'hw.item.boot', order: 30 } },
  { types: ['disk'], component: DiskEditor },
  { types: ['interface'], component: NicEditor },
  { types: ['graphics'], component: GraphicsEditor },
  { types: ['video'], component: VideoEditor },
  { types: ['sound'], component: SoundEditor },
  { types: ['input'], component: InputEditor },
  { types: ['tpm'], component: TpmEditor },
  { types: ['rng'], component: RngEditor },
  { types: ['watchdog'], component: WatchdogEditor },
  { types: ['channel'], component: ChannelEditor },
  { types: ['serial', 'console'], component: SerialEditor },
  { types: ['controller'], component: ControllerEditor },
  { types: ['filesystem'], component: FilesystemEditor },
  { types: ['hostdev'], component: HostdevEditor },
];

export const hwAdders: readonly HwAdderEntry[] = [
  { id: 'disk', titleKey: 'hwd.add.disk', order: 10, component: AddDisk },
  { id: 'nic', titleKey: 'hwd.add.nic', order: 20, component: AddNic },
  { id: 'device', titleKey: 'hwdisp.add', order: 30, component: AddDevice },
  { id: 'channel', titleKey: 'hwp.add.channel', order: 50, component: AddChannel },
  { id: 'serial', titleKey: 'hwp.add.serial', order: 51, component: AddSerial },
  { id: 'controller', titleKey: 'hwp.add.controller', order: 52, component: AddController },
  { id: 'filesystem', titleKey: 'hwp.add.filesystem', order: 53, component: AddFilesystem },
  { id: 'hostdev', titleKey: 'hwp.add.hostdev', order: 54, component: AddHostdev },
];
