import type { FeatureContribution } from '../../shell/registry.js';
import { StoragePage } from './StoragePage.js';

/** A connection's storage pools and volumes, with uploads and downloads. */
export const contribution: FeatureContribution = {
  id: 'storage',
  hostPages: [
    { id: 'storage', titleKey: 'storage.page', order: 30, icon: 'storage', component: StoragePage },
  ],
};
