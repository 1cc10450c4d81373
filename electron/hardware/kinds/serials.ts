/**
 * Serial ports and consoles (pty). A virtio console plugs in and out of a running VM through libvirt's
 * device calls; an ISA serial port cannot (QEMU has no ISA hotplug), so its changes go the define way and
 * wait for the next boot. Removing serial port 0 also removes the console libvirt mirrors it with.
 */
import type { SerialChange, SerialView } from '../../../shared/contract/hardware.js';
import {
  addSerialTo,
  findSerial,
  freeSerialPort,
  hasVirtioSerial,
  readSerials,
  removeSerialFrom,
  serialDeviceXml,
  serialElementXml,
  type DomainXml,
} from '../../libvirt-xml/index.js';
import { attachDevice, readDomainState } from '../devices/apply.js';
import { detachEach } from '../devices/detach-each.js';
import { deviceStep } from '../devices/step.js';
import { listPending } from './device-list.js';
import type { HardwareEditor, HwIssue } from './types.js';

/** QEMU's ISA serial ports (COM1–COM4). */
const MAX_ISA_SERIAL = 4;

const read = (xml: DomainXml): SerialView[] =>
  readSerials(xml).map(({ device, port, type, targetType, path, mirrorsSerial }) => ({
    device,
    port,
    type,
    targetType,
    path,
    mirrorsSerial,
  }));

const label = (s: SerialView) => `${s.device === 'serial' ? 'serial port' : 'console'} ${s.port} (${s.type})`;

export const serialEditor: HardwareEditor<'serial', SerialChange> = {
  key: 'serial',
  changeKinds: ['serial.add', 'serial.remove'],
  read,
  pending: (config, live) =>
    listPending(
      'serial',
      // A running VM's pty path is not a difference worth a restart.
      config.map((s) => ({ ...s, path: null })),
      live.map((s) => ({ ...s, path: null })),
      (s) => `${s.device}:${s.port}`,
      label,
    ),

  check(change, { config }) {
    const issues: HwIssue[] = [];
    if (
      change.kind === 'serial.add' &&
      change.device === 'serial' &&
      freeSerialPort(config, 'serial') >= MAX_ISA_SERIAL
    )
      issues.push({
        path: ['device'],
        message: `QEMU has ${MAX_ISA_SERIAL} serial ports, and this VM uses them all.`,
      });
    if (
      change.kind === 'serial.remove' &&
      change.device === 'serial' &&
      !findSerial(config, 'serial', change.port)
    )
      issues.push({ path: ['port'], message: `The VM's configuration has no serial port ${change.port}.` });
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'serial.add') addSerialTo(xml, change.device, freeSerialPort(xml, change.device));
    else if (findSerial(xml, change.device, change.port)) removeSerialFrom(xml, change.device, change.port);
  },

  liveStep: () => null,

  deviceStep(change) {
    if (change.device === 'serial') return null;
    if (change.kind === 'serial.add')
      return deviceStep(async (client, dom) => {
        const s = await readDomainState(client, dom);
        // A port free in both, so the config and the running VM agree on it.
        const port = Math.max(...[s.live, s.config].map((x) => (x ? freeSerialPort(x, 'console') : 0)));
        const notLive =
          s.live && !hasVirtioSerial(s.live)
            ? 'The running VM has no virtio-serial controller for the console (one cannot be added while it runs)'
            : undefined;
        return attachDevice(client, s, serialDeviceXml('console', port), notLive);
      });
    return deviceStep(async (client, dom) => {
      const s = await readDomainState(client, dom);
      const alias = s.live
        ? (readSerials(s.live).find((x) => x.device === 'console' && x.port === change.port)?.alias ?? null)
        : null;
      return detachEach(client, s, {
        has: (x) => !!findSerial(x, 'console', change.port),
        xmlFor: (x) => serialElementXml(x, 'console', change.port),
        alias,
        label: `console ${change.port}`,
      });
    });
  },
};
