/**
 * Watchdogs: add and remove (plugged in and out of a running VM for the PCI i6300esb; others at next
 * boot), and the action when it fires — saved for next boot and set on the running VM (update-device).
 */
import {
  HOTPLUG_WATCHDOGS,
  offeredWatchdogModels,
  type WatchdogChange,
} from '../../../shared/contract/hardware.js';
import { DomainAffect } from '../../libvirt/index.js';
import {
  addWatchdogTo,
  DomainXml,
  findWatchdogElement,
  removeDeviceAt,
  setWatchdogAction,
  watchdogDetails,
  watchdogDeviceXml,
  watchdogElementXml,
} from '../../libvirt-xml/index.js';
import { plugDevice, unplugDevice } from '../devices/display.js';
import { deviceStep } from '../devices/step.js';
import { listPending, missing } from './display-common.js';
import type { HardwareEditor, HwIssue } from './types.js';

const notLive = (model: string): string | undefined =>
  HOTPLUG_WATCHDOGS.includes(model) ? undefined : `A ${model} watchdog cannot be plugged into a running VM`;

export const watchdogEditor: HardwareEditor<'watchdog', WatchdogChange> = {
  key: 'watchdog',
  changeKinds: ['watchdog.add', 'watchdog.action', 'watchdog.remove'],
  read: watchdogDetails,
  pending: (config, live) =>
    listPending('watchdog', 'Watchdog', config, live, (w) => `${w.model} (${w.action})`),

  check(change, { config, limits }) {
    if (change.kind !== 'watchdog.add') return missing(watchdogDetails(config), change.index, 'watchdog');
    const issues: HwIssue[] = [];
    if (change.model === 'itco' && !/q35/.test(config.machine ?? ''))
      issues.push({
        path: ['model'],
        message: `The iTCO watchdog is part of the Q35 chipset; this VM's machine is ${config.machine ?? 'not Q35'}.`,
      });
    // After the Q35 reason: on a non-Q35 VM that one is what the user can act on.
    if (!offeredWatchdogModels(limits).includes(change.model))
      issues.push({
        path: ['model'],
        message: `This host's libvirt does not offer the ${change.model} watchdog.`,
      });
    if (findWatchdogElement(config, change.model))
      issues.push({ path: ['model'], message: `This VM already has a ${change.model} watchdog.` });
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'watchdog.add') addWatchdogTo(xml, { model: change.model, action: change.action });
    else if (change.kind === 'watchdog.action') setWatchdogAction(xml, change.index, change.action);
    else removeDeviceAt(xml, 'watchdog', change.index);
  },

  liveStep(change) {
    if (change.kind !== 'watchdog.action') return null;
    return async (client, dom) => {
      const live = DomainXml.parse(await client.domainGetXMLDesc(dom, 0));
      const w = watchdogDetails(live)[change.index];
      if (!w) throw new Error('The running VM has no such watchdog; it gets one at next boot');
      await client.domainUpdateDeviceFlags(
        dom,
        watchdogElementXml(live, w.model, change.action),
        DomainAffect.LIVE,
      );
    };
  },

  deviceStep(change) {
    if (change.kind === 'watchdog.action') return null;
    if (change.kind === 'watchdog.add') {
      const spec = { model: change.model, action: change.action };
      return deviceStep((client, dom) =>
        plugDevice(client, dom, watchdogDeviceXml(spec), notLive(spec.model)),
      );
    }
    const { index } = change;
    return deviceStep((client, dom) =>
      unplugDevice(client, dom, (s) => {
        const model = s.config ? watchdogDetails(s.config)[index]?.model : undefined;
        return {
          xmlIn: (x) => (model && findWatchdogElement(x, model) ? watchdogElementXml(x, model) : null),
          label: `the ${model ?? ''} watchdog`.replace('  ', ' '),
          ...(model && notLive(model) ? { notLive: notLive(model)! } : {}),
        };
      }),
    );
  },
};
