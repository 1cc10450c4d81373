/**
 * Host devices passed through (USB by vendor/product, PCI by address, managed by libvirt): added and
 * removed through libvirt's device calls, live and in the config where libvirt can.
 */
import type { HostdevChange, HostdevView } from '../../../shared/contract/hardware.js';
import {
  addHostdevTo,
  findHostdev,
  hostdevDeviceXml,
  hostdevElementXml,
  hostdevKey,
  readHostdevs,
  removeHostdevFrom,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import { attachDevice, detachDevice, readDomainState } from '../devices/apply.js';
import { deviceStep } from '../devices/step.js';
import { listPending } from './device-list.js';
import type { HardwareEditor, HwIssue } from './types.js';

const read = (xml: DomainXml): HostdevView[] =>
  readHostdevs(xml).map(({ type, managed, key, source }) => ({
    type,
    managed,
    key,
    source: source
      ? source.type === 'usb'
        ? {
            type: 'usb',
            vendor: source.vendor,
            product: source.product,
            ...(source.bus !== undefined && source.device !== undefined
              ? { bus: source.bus, device: source.device }
              : {}),
          }
        : source
      : null,
  }));

export const hostdevEditor: HardwareEditor<'hostdev', HostdevChange> = {
  key: 'hostdev',
  changeKinds: ['hostdev.add', 'hostdev.remove'],
  read,
  pending: (config, live) =>
    listPending(
      'hostdev',
      config,
      live,
      (h) => h.key,
      (h) => `host device ${h.key}`,
    ),

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    if (change.kind !== 'hostdev.add') return issues;
    const key = hostdevKey(change.source);
    if (findHostdev(config, key))
      issues.push({ path: ['source'], message: `This VM has the host device ${key} already.` });
    else if (limits.hostdevTypes.length > 0 && !limits.hostdevTypes.includes(change.source.type))
      issues.push({
        path: ['source'],
        message: `This host cannot pass ${change.source.type.toUpperCase()} devices through to a VM.`,
      });
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'hostdev.add') addHostdevTo(xml, change.source);
    else if (findHostdev(xml, change.key)) removeHostdevFrom(xml, change.key);
  },

  liveStep: () => null,

  deviceStep(change) {
    if (change.kind === 'hostdev.add')
      return deviceStep(async (client, dom) =>
        attachDevice(client, await readDomainState(client, dom), hostdevDeviceXml(change.source)),
      );
    return deviceStep(async (client, dom) => {
      const s = await readDomainState(client, dom);
      const alias = s.live ? (readHostdevs(s.live).find((h) => h.key === change.key)?.alias ?? null) : null;
      return detachDevice(client, s, {
        has: (x) => !!findHostdev(x, change.key),
        xmlFor: (x) => hostdevElementXml(x, change.key),
        alias,
        label: `the host device ${change.key}`,
      });
    });
  },
};
