/** Checks a security label change against the host's drivers before libvirt is asked (pure). */
import type { SecurityChange, SecurityView } from './tuning-security.js';

export interface SecurityIssue {
  path: string[];
  message: string;
}

/** What a static label of each driver looks like. */
const LABEL_SHAPES: Readonly<Record<string, { re: RegExp; example: string }>> = {
  dac: {
    re: /^\+?[A-Za-z0-9_][A-Za-z0-9_.-]*:\+?[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
    example: '+107:+107 or qemu:kvm',
  },
  selinux: { re: /^[^:\s]+:[^:\s]+:[^:\s]+(:\S+)?$/, example: 'system_u:system_r:svirt_t:s0:c10,c20' },
  apparmor: { re: /^\S+$/, example: 'libvirt-<uuid>' },
};

export const checkSecurityChange = (
  change: Pick<SecurityChange, 'model' | 'mode' | 'label' | 'relabel'>,
  hostDrivers: SecurityView['hostDrivers'],
): SecurityIssue[] => {
  const models = hostDrivers.map((d) => d.model).filter((m) => m !== 'none');
  if (!models.includes(change.model))
    return [
      {
        path: ['model'],
        message:
          models.length === 0
            ? 'This host has no security driver: there is no label to set.'
            : `This host has no ${change.model} security driver (it has ${models.join(', ')}).`,
      },
    ];
  if (change.mode !== 'static') return [];
  const label = (change.label ?? '').trim();
  if (label === '') return [{ path: ['label'], message: 'A static label needs the label itself.' }];
  const shape = LABEL_SHAPES[change.model];
  if (shape && !shape.re.test(label))
    return [{ path: ['label'], message: `A ${change.model} label looks like ${shape.example}.` }];
  return [];
};
