/**
 * Controllers: USB, SCSI and virtio-serial ones added and removed, USB and SCSI models changed. QEMU
 * hot-plugs SCSI controllers only, so a new SCSI controller goes through libvirt's device call (live and
 * config); everything else is a next-boot edit of the configuration. A controller that devices sit on is
 * not removed (libvirt would move them or put it back); the last USB controller becomes model 'none'.
 */
import {
  CONTROLLER_MODELS,
  type ControllerChange,
  type ControllerView,
} from '../../../shared/contract/hardware.js';
import {
  addControllerTo,
  controllerDeviceXml,
  controllerUsers,
  findController,
  freeControllerIndex,
  readControllers,
  removeControllerFrom,
  setControllerModel,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import { attachDevice, readDomainState } from '../devices/apply.js';
import { deviceStep } from '../devices/step.js';
import { listPending } from './device-list.js';
import type { HardwareEditor, HwIssue } from './types.js';

const read = (xml: DomainXml): ControllerView[] =>
  readControllers(xml).map(({ type, index, model }) => ({ type, index, model }));

const label = (c: ControllerView) => `${c.type} controller ${c.index}${c.model ? ` (${c.model})` : ''}`;

const modelFor = (type: keyof typeof CONTROLLER_MODELS, model: string | undefined): string | null =>
  model ?? CONTROLLER_MODELS[type][0] ?? null;

/** A disabled USB controller (model 'none') that a new USB controller takes the place of. */
const disabledUsb = (xml: DomainXml) =>
  readControllers(xml).find((c) => c.type === 'usb' && c.model === 'none');

export const controllerEditor: HardwareEditor<'controller', ControllerChange> = {
  key: 'controller',
  changeKinds: ['controller.add', 'controller.model', 'controller.remove'],
  read,
  pending: (config, live) => listPending('controller', config, live, (c) => `${c.type}:${c.index}`, label),

  check(change, { config }) {
    const issues: HwIssue[] = [];
    if (change.kind === 'controller.add') {
      if (change.type === 'virtio-serial' && change.model)
        issues.push({ path: ['model'], message: 'A virtio-serial controller has no model to choose.' });
      return issues;
    }
    const el = findController(config, change.type, change.index);
    if (!el || (change.type === 'usb' && el.getAttribute('model') === 'none')) {
      issues.push({
        path: ['index'],
        message: `The VM's configuration has no ${change.type} controller ${change.index}.`,
      });
      return issues;
    }
    if (change.kind === 'controller.remove') {
      const users = controllerUsers(config, change.type, change.index);
      if (users.length > 0)
        issues.push({
          path: ['index'],
          message: `The ${change.type} controller ${change.index} is in use by ${users.join(', ')}; remove ${users.length === 1 ? 'it' : 'them'} first.`,
        });
    }
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'controller.add') {
      const off = change.type === 'usb' ? disabledUsb(xml) : undefined;
      const model = modelFor(change.type, change.model);
      if (off && model) setControllerModel(xml, 'usb', off.index, model);
      else addControllerTo(xml, { type: change.type, index: freeControllerIndex(xml, change.type), model });
    } else if (change.kind === 'controller.model')
      setControllerModel(xml, change.type, change.index, change.model);
    else removeControllerFrom(xml, change.type, change.index);
  },

  liveStep: () => null,

  deviceStep(change) {
    if (change.kind !== 'controller.add' || change.type !== 'scsi') return null;
    return deviceStep(async (client, dom) => {
      const s = await readDomainState(client, dom);
      const index = Math.max(...[s.live, s.config].map((x) => (x ? freeControllerIndex(x, 'scsi') : 0)));
      return attachDevice(
        client,
        s,
        controllerDeviceXml({ type: 'scsi', index, model: modelFor('scsi', change.model) }),
      );
    });
  },
};
