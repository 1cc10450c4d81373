import type { vmCalls } from '../../shared/contract/vms.js';
import type { HandlerMap } from '../base/handlers.js';
import type { CloneService } from './clone.js';
import type { VmService } from './vm-service.js';

export const vmHandlers = (vms: VmService, clones: CloneService): HandlerMap<typeof vmCalls> => ({
  'vms.list': async ({ connectionId }) => vms.list(connectionId),
  'vms.details': async ({ connectionId, uuid }) => vms.details(connectionId, uuid),
  'vms.xml': async ({ connectionId, uuid, inactive }) => ({
    xml: await vms.xml(connectionId, uuid, inactive),
  }),
  'vms.action': async (input) => vms.action(input),
  'vms.volumes': async ({ connectionId, uuid }) => vms.volumes(connectionId, uuid),
  'vms.clone': (input) => clones.clone(input),
});
