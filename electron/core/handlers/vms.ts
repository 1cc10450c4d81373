import type { vmCalls } from '../../../shared/contract/vms.js';
import type { Core } from '../core.js';
import type { HandlerMap } from '../handler-types.js';
import { CloneService } from '../clone.js';

export const vmHandlers = (core: Core): HandlerMap<typeof vmCalls> => {
  const clones = new CloneService(core.connections);
  return {
    'vms.list': async ({ connectionId }) => core.vms.list(connectionId),
    'vms.details': async ({ connectionId, uuid }) => core.vms.details(connectionId, uuid),
    'vms.xml': async ({ connectionId, uuid, inactive }) => ({
      xml: await core.vms.xml(connectionId, uuid, inactive),
    }),
    'vms.action': async (input) => core.vms.action(input),
    'vms.volumes': async ({ connectionId, uuid }) => core.vms.volumes(connectionId, uuid),
    'vms.clone': (input) => clones.clone(input),
  };
};
