/**
 * Channels: the QEMU guest agent's and the SPICE agent's virtio-serial ports, added and removed through
 * libvirt's device calls (live and config in one; a running VM takes them when it has a virtio-serial
 * controller, which libvirt adds to the config by itself).
 */
import type { ChannelChange, ChannelView } from '../../../shared/contract/hardware.js';
import {
  addChannelTo,
  channelDeviceXml,
  channelElementXml,
  channelPortOf,
  findChannel,
  hasVirtioSerial,
  readChannels,
  removeChannelFrom,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import { attachDevice, readDomainState } from '../devices/apply.js';
import { detachEach } from '../devices/detach-each.js';
import { deviceStep } from '../devices/step.js';
import { listPending } from './device-list.js';
import type { HardwareEditor, HwIssue } from './types.js';

const read = (xml: DomainXml): ChannelView[] =>
  readChannels(xml).map(({ type, targetType, name, state, path }) => ({
    type,
    targetType,
    name,
    state,
    path,
  }));

const channelLabel = (c: ChannelView) => `channel ${c.name ?? c.type}`;

/** The running VM cannot take a virtio port without a virtio-serial controller (none is hot-pluggable). */
export const NO_VIRTIO_SERIAL =
  'The running VM has no virtio-serial controller to plug the channel into (one cannot be added while it runs)';

export const channelEditor: HardwareEditor<'channel', ChannelChange> = {
  key: 'channel',
  changeKinds: ['channel.add', 'channel.remove'],
  read,
  pending: (config, live) =>
    listPending(
      'channel',
      config,
      live,
      (c) => c.name ?? c.type,
      (c) => channelLabel(c) + ` (${c.type})`,
    ),

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    if (change.kind !== 'channel.add') return issues;
    const port = channelPortOf(change.preset);
    if (findChannel(config, port))
      issues.push({ path: ['preset'], message: `This VM already has the channel ${port}.` });
    else if (change.preset === 'spice-agent' && !limits.graphicsTypes.includes('spice'))
      issues.push({
        path: ['preset'],
        message: 'The SPICE agent talks to a SPICE display, and this host’s QEMU has no SPICE support.',
      });
    else if (change.preset === 'spice-agent' && !config.graphics.some((g) => g.type === 'spice'))
      issues.push({
        path: ['preset'],
        message:
          'The SPICE agent talks to a SPICE display, and this VM has none: give it a SPICE display first.',
      });
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'channel.add') addChannelTo(xml, change.preset);
    else if (findChannel(xml, change.name)) removeChannelFrom(xml, change.name);
  },

  liveStep: () => null,

  deviceStep(change) {
    if (change.kind === 'channel.add')
      return deviceStep(async (client, dom) => {
        const s = await readDomainState(client, dom);
        const notLive = s.live && !hasVirtioSerial(s.live) ? NO_VIRTIO_SERIAL : undefined;
        return attachDevice(client, s, channelDeviceXml(change.preset), notLive);
      });
    return deviceStep(async (client, dom) => {
      const s = await readDomainState(client, dom);
      const alias = s.live ? (readChannels(s.live).find((c) => c.name === change.name)?.alias ?? null) : null;
      return detachEach(client, s, {
        has: (x) => !!findChannel(x, change.name),
        xmlFor: (x) => channelElementXml(x, change.name),
        alias,
        label: `the channel ${change.name}`,
      });
    });
  },
};
