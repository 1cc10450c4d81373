/**
 * Random number generators (VirtIO, fed from /dev/urandom): plugged in and out of the running VM and the
 * config in one libvirt call; models and backends the host does not offer are refused first.
 */
import type { RngChange } from '../../../shared/contract/hardware.js';
import {
  addRngTo,
  matchingRng,
  removeDeviceAt,
  rngDetails,
  rngDeviceXml,
  rngElementXml,
} from '../../libvirt-xml/index.js';
import { plugDevice, unplugDevice } from '../devices/display.js';
import { deviceStep } from '../devices/step.js';
import { deviceOffered, listPending, missing, notOffered } from './display-common.js';
import type { HardwareEditor, HwIssue } from './types.js';

export const rngEditor: HardwareEditor<'rng', RngChange> = {
  key: 'rng',
  changeKinds: ['rng.add', 'rng.remove'],
  read: rngDetails,
  pending: (config, live) =>
    listPending('rng', 'RNG', config, live, (r) => `${r.model} ${r.source ?? r.backend ?? ''}`.trim()),

  check(change, { config, limits }) {
    if (change.kind === 'rng.remove')
      return missing(rngDetails(config), change.index, 'random number generator');
    if (!deviceOffered(limits, 'rng'))
      return [{ path: ['model'], message: 'This host cannot give this VM a random number generator.' }];
    const issues: HwIssue[] = [...notOffered(limits.rngModels, change.model, ['model'], 'the RNG model')];
    if (limits.rngBackends.length > 0 && !limits.rngBackends.includes('random'))
      issues.push({ path: ['source'], message: 'This host cannot feed an RNG from a host file.' });
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'rng.add') addRngTo(xml, { model: change.model, source: change.source });
    else removeDeviceAt(xml, 'rng', change.index);
  },
  liveStep: () => null,

  deviceStep(change) {
    if (change.kind === 'rng.add')
      return deviceStep((client, dom) =>
        plugDevice(client, dom, rngDeviceXml({ model: change.model, source: change.source })),
      );
    const { index } = change;
    return deviceStep((client, dom) =>
      unplugDevice(client, dom, (s) => ({
        // The n-th of the configuration; in the running VM, the one with the same model and source.
        xmlIn: (x) => {
          const i = x === s.config || !s.config ? index : matchingRng(s.config, index, x);
          return i >= 0 && i < rngDetails(x).length ? rngElementXml(x, i) : null;
        },
        label: 'the random number generator',
      })),
    );
  },
};
