/** Video: the model of a video device, from the host's domain capabilities, at next boot. */
import type { VideoChange } from '../../../shared/contract/hardware.js';
import { setVideoModel, videoDetails } from '../../libvirt-xml/index.js';
import { deviceOffered, listPending, missing, notOffered } from './display-common.js';
import type { HardwareEditor, HwIssue } from './types.js';

export const videoEditor: HardwareEditor<'video', VideoChange> = {
  key: 'video',
  changeKinds: ['video.model'],
  read: videoDetails,
  pending: (config, live) => listPending('video', 'Video', config, live, (v) => v.model ?? 'default'),

  check(change, { config, limits }) {
    const issues: HwIssue[] = [...missing(videoDetails(config), change.index, 'video device')];
    if (!deviceOffered(limits, 'video'))
      issues.push({ path: ['model'], message: 'This host offers no video devices for this VM.' });
    else issues.push(...notOffered(limits.videoModels, change.model, ['model'], 'the video model'));
    return issues;
  },

  editConfig: (xml, change) => void setVideoModel(xml, change.index, change.model),
  liveStep: () => null,
};
