/**
 * Input devices (tablet, keyboard, mouse on USB or VirtIO): plugged in and out of the running VM and the
 * config in one libvirt call. PS/2 ones come with an x86 machine: libvirt adds them itself, so they are
 * neither added nor removed.
 */
import type { InputChange } from '../../../shared/contract/hardware.js';
import {
  addInputTo,
  findInputElement,
  inputDetails,
  inputDeviceXml,
  inputElementXml,
  removeInputFrom,
} from '../../libvirt-xml/index.js';
import { plugDevice, unplugDevice } from '../devices/display.js';
import { deviceStep } from '../devices/step.js';
import { listPending } from './display-common.js';
import type { HardwareEditor, HwIssue } from './types.js';

const BUS_NAMES: Record<string, string> = { usb: 'USB', virtio: 'VirtIO', ps2: 'PS/2' };

export const inputEditor: HardwareEditor<'input', InputChange> = {
  key: 'input',
  changeKinds: ['input.add', 'input.remove'],
  read: inputDetails,
  pending: (config, live) => listPending('input', 'Input', config, live, (i) => `${i.type} (${i.bus})`),

  check(change, { config }) {
    const issues: HwIssue[] = [];
    const name = `${change.type} on the ${BUS_NAMES[change.bus] ?? change.bus} bus`;
    const has = !!findInputElement(config, change);
    if (change.bus === 'ps2')
      issues.push({
        path: ['bus'],
        message: 'The PS/2 keyboard and mouse are part of the machine; libvirt adds them itself.',
      });
    else if (change.kind === 'input.add' && has)
      issues.push({ path: ['type'], message: `This VM already has a ${name}.` });
    else if (change.kind === 'input.remove' && !has)
      issues.push({ path: ['type'], message: `The VM's configuration has no ${name}.` });
    return issues;
  },

  editConfig(xml, change) {
    const spec = { type: change.type, bus: change.bus };
    if (change.kind === 'input.add') addInputTo(xml, spec);
    else if (findInputElement(xml, spec)) removeInputFrom(xml, spec);
  },
  liveStep: () => null,

  deviceStep(change) {
    const spec = { type: change.type, bus: change.bus };
    if (change.kind === 'input.add')
      return deviceStep((client, dom) => plugDevice(client, dom, inputDeviceXml(spec)));
    return deviceStep((client, dom) =>
      unplugDevice(client, dom, () => ({
        xmlIn: (x) => (findInputElement(x, spec) ? inputElementXml(x, spec) : null),
        label: `the ${change.type} (${BUS_NAMES[change.bus]})`,
      })),
    );
  },
};
