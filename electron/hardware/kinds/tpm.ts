/**
 * TPM: an emulated TPM 2.0 (swtpm), its interface model, removal — all at next boot (a TPM cannot be
 * plugged into a running VM). Refused before libvirt is called when the host cannot emulate one.
 */
import type { TpmChange } from '../../../shared/contract/hardware.js';
import { addTpmTo, removeDeviceAt, setTpmModel, tpmDetails } from '../../libvirt-xml/index.js';
import { deviceOffered, listPending, missing, notOffered } from './display-common.js';
import type { HardwareEditor, HwIssue } from './types.js';

export const tpmEditor: HardwareEditor<'tpm', TpmChange> = {
  key: 'tpm',
  changeKinds: ['tpm.add', 'tpm.model', 'tpm.remove'],
  read: tpmDetails,
  pending: (config, live) =>
    listPending('tpm', 'TPM', config, live, (t) =>
      `${t.model ?? ''} ${t.backend ?? ''} ${t.version ?? ''}`.trim(),
    ),

  check(change, { config, limits }) {
    const tpms = tpmDetails(config);
    if (change.kind !== 'tpm.add') {
      const gone = missing(tpms, change.index, 'TPM');
      if (gone.length > 0 || change.kind === 'tpm.remove') return gone;
    }
    const issues: HwIssue[] = [];
    if (!deviceOffered(limits, 'tpm'))
      return [
        { path: ['model'], message: 'This host cannot give this VM a TPM (its hypervisor offers none).' },
      ];
    issues.push(...notOffered(limits.tpmModels, change.model, ['model'], 'the TPM model'));
    if (change.kind === 'tpm.add') {
      if (limits.tpmBackends.length > 0 && !limits.tpmBackends.includes('emulator'))
        issues.push({
          path: ['model'],
          message: 'This host cannot emulate a TPM: install swtpm (libvirt then offers the emulator).',
        });
      issues.push(...notOffered(limits.tpmVersions, change.version, ['version'], 'TPM version'));
      if (tpms.some((t) => t.backend === 'emulator'))
        issues.push({ path: ['model'], message: 'This VM already has an emulated TPM.' });
    }
    return issues;
  },

  editConfig(xml, change) {
    if (change.kind === 'tpm.add') addTpmTo(xml, { model: change.model, version: change.version });
    else if (change.kind === 'tpm.model') setTpmModel(xml, change.index, change.model);
    else removeDeviceAt(xml, 'tpm', change.index);
  },
  liveStep: () => null,
};
