/** Boot order, boot menu, firmware (BIOS/UEFI, Secure Boot) and direct kernel boot: all at next boot. */
import type { BootChange, BootView } from '../../../shared/contract/hardware.js';
import {
  readBoot,
  setBootMenu,
  setBootOrder,
  setDirectKernel,
  setFirmware,
  setSecureBoot,
} from '../../libvirt-xml/index.js';
import { differs, pendingItem, type HardwareEditor, type HwIssue } from './types.js';

const orderOf = (v: BootView): string[] => v.devices.filter((d) => d.order !== null).map((d) => d.id);
const fwName = (v: BootView): string =>
  v.firmware === 'efi' ? (v.secureBoot ? 'UEFI with Secure Boot' : 'UEFI') : 'BIOS';

export const bootEditor: HardwareEditor<'boot', BootChange> = {
  key: 'boot',
  changeKinds: ['boot'],
  read: readBoot,

  pending(config, live) {
    const out = [];
    const labels = (v: BootView) =>
      v.devices
        .filter((d) => d.order !== null)
        .map((d) => d.label)
        .join(', ') || v.legacyOrder.join(', ');
    if (differs(orderOf(config), orderOf(live)) || differs(config.legacyOrder, live.legacyOrder))
      out.push(pendingItem('boot', 'bootOrder', 'Boot order', labels(live), labels(config)));
    if (config.menu !== live.menu)
      out.push(
        pendingItem('boot', 'bootMenu', 'Boot menu', live.menu ? 'on' : 'off', config.menu ? 'on' : 'off'),
      );
    if (fwName(config) !== fwName(live))
      out.push(pendingItem('boot', 'firmware', 'Firmware', fwName(live), fwName(config)));
    if (differs(config.kernel, live.kernel))
      out.push(
        pendingItem(
          'boot',
          'kernel',
          'Direct kernel boot',
          live.kernel?.kernel ?? 'off',
          config.kernel?.kernel ?? 'off',
        ),
      );
    return out;
  },

  check(change, { config, limits }) {
    const issues: HwIssue[] = [];
    const now = readBoot(config);
    const ids = new Set(now.devices.map((d) => d.id));
    change.order?.forEach((id, i) => {
      if (!ids.has(id)) issues.push({ path: ['order', i], message: `There is no bootable device ${id}.` });
    });
    const fw = change.firmware ?? now.firmware;
    if (change.firmware === 'efi' && now.firmware !== 'efi' && !limits.firmware.choices.includes('efi'))
      issues.push({
        path: ['firmware'],
        message: 'This host has no UEFI firmware for this VM (install OVMF).',
      });
    if (change.secureBoot === true) {
      if (fw !== 'efi') issues.push({ path: ['secureBoot'], message: 'Secure Boot needs UEFI firmware.' });
      else if (!limits.firmware.secureBoot)
        issues.push({ path: ['secureBoot'], message: 'This host has no UEFI firmware with Secure Boot.' });
    }
    return issues;
  },

  editConfig(xml, change) {
    const now = readBoot(xml);
    if (change.order !== undefined && (differs(change.order, orderOf(now)) || now.legacyOrder.length > 0))
      setBootOrder(xml, change.order);
    if (change.menu !== undefined && change.menu !== now.menu) setBootMenu(xml, change.menu);
    if (change.firmware !== undefined && change.firmware !== now.firmware) setFirmware(xml, change.firmware);
    if (change.secureBoot !== undefined && change.secureBoot !== now.secureBoot)
      setSecureBoot(xml, change.secureBoot);
    if (change.kernel !== undefined && differs(change.kernel, now.kernel))
      setDirectKernel(xml, change.kernel);
  },

  liveStep: () => null,
};
