/**
 * A device change (electron/hardware/devices) as the Hardware service's device step: its outcome in the
 * terms of `hardware.apply`, a refusal on the change's fields, libvirt's refusal as "nothing was changed"
 * with libvirt's own words.
 */
import { CoreError } from '../../base/errors.js';
import { isLibvirtError, type DomainRef, type LibvirtClient } from '../../libvirt/index.js';
import type { DeviceStep, DeviceStepResult } from '../kinds/types.js';
import type { DeviceChangeResult } from './apply.js';

const toStepResult = (r: DeviceChangeResult): DeviceStepResult => ({
  live: r.live,
  config: r.config === 'transient' ? 'unchanged' : r.config,
  ...(r.message ? { message: r.message, detail: r.message } : {}),
});

export const deviceStep =
  (run: (client: LibvirtClient, dom: DomainRef) => Promise<DeviceChangeResult>): DeviceStep =>
  async (client, dom) => {
    try {
      return toStepResult(await run(client, dom));
    } catch (e) {
      if (e instanceof CoreError && e.issues)
        throw new CoreError(
          e.code,
          e.message,
          e.issues.map((i) => ({ ...i, path: ['change', ...i.path] })),
        );
      // Every device call is one libvirt call for live and config together (and a new volume goes again
      // when the attach fails), so a refusal leaves the VM as it was.
      if (isLibvirtError(e))
        return {
          live: 'unchanged',
          config: 'failed',
          message: `libvirt refused the change to ${dom.name}; nothing was changed.`,
          detail: e.message,
        };
      throw e;
    }
  };
