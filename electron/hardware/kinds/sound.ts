/** Sound cards: add, remove and model, at next boot (QEMU cannot plug sound cards into a running VM). */
import type { SoundChange } from '../../../shared/contract/hardware.js';
import { addSoundTo, removeDeviceAt, setSoundModel, soundDetails } from '../../libvirt-xml/index.js';
import { listPending, missing } from './display-common.js';
import type { HardwareEditor } from './types.js';

export const soundEditor: HardwareEditor<'sound', SoundChange> = {
  key: 'sound',
  changeKinds: ['sound.add', 'sound.model', 'sound.remove'],
  read: soundDetails,
  pending: (config, live) => listPending('sound', 'Sound', config, live, (s) => s.model),

  check: (change, { config }) =>
    change.kind === 'sound.add' ? [] : missing(soundDetails(config), change.index, 'sound card'),

  editConfig(xml, change) {
    if (change.kind === 'sound.add') addSoundTo(xml, change.model);
    else if (change.kind === 'sound.model') setSoundModel(xml, change.index, change.model);
    else removeDeviceAt(xml, 'sound', change.index);
  },
  liveStep: () => null,
};
