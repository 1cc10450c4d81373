import type { storageCalls } from '../../shared/contract/storage.js';
import type { HandlerMap } from '../base/handlers.js';
import type { IsoLibrary } from './iso-library.js';
import type { StorageService } from './service.js';
import type { TransferService } from './transfers.js';

export const storageHandlers = (
  svc: StorageService,
  transfers: TransferService,
  isoLibrary: IsoLibrary,
): HandlerMap<typeof storageCalls> => ({
  'storage.pools': ({ connectionId }) => svc.pools(connectionId),
  'storage.isos': ({ connectionId }) => isoLibrary.list(connectionId),
  'storage.poolTypes': ({ connectionId }) => svc.poolTypes(connectionId),
  'storage.createPool': (input) => svc.createPool(input),
  'storage.findPoolSources': (input) => svc.findPoolSources(input),
  'storage.poolAction': ({ connectionId, pool, action }) => svc.poolAction(connectionId, pool, action),
  'storage.poolAutostart': ({ connectionId, pool, autostart }) =>
    svc.setAutostart(connectionId, pool, autostart),
  'storage.deletePool': ({ connectionId, pool }) => svc.deletePool(connectionId, pool),
  'storage.volumes': ({ connectionId, pool }) => svc.volumes(connectionId, pool),
  'storage.createVolume': (input) => svc.createVolume(input),
  'storage.resizeVolume': ({ connectionId, pool, volume, capacity }) =>
    svc.resizeVolume(connectionId, pool, volume, capacity),
  'storage.cloneVolume': ({ connectionId, pool, volume, newName }) =>
    svc.cloneVolume(connectionId, pool, volume, newName),
  'storage.wipeVolume': ({ connectionId, pool, volume, force }) =>
    svc.wipeVolume(connectionId, pool, volume, force),
  'storage.deleteVolume': ({ connectionId, pool, volume, force }) =>
    svc.deleteVolume(connectionId, pool, volume, force),
  'storage.upload': (input, { session }) => transfers.upload(session, input),
  'storage.download': (input, { session }) => transfers.download(session, input),
  'storage.cancelTransfer': ({ transferId }, { session }) =>
    Promise.resolve(transfers.cancel(session, transferId)),
});
