import { defineDialog } from '../../shell/dialogs.js';
import type { FeatureContribution } from '../../shell/registry.js';
import { DeleteNetworkDialog } from './DeleteNetworkDialog.js';
import { NetworksPage } from './NetworksPage.js';
import { NewNetworkDialog } from './NewNetworkDialog.js';

/** A connection's virtual networks: list, details with leases and host entries, New network, delete. */
export const contribution: FeatureContribution = {
  id: 'networks',
  hostPages: [
    { id: 'networks', titleKey: 'networks.page', order: 40, icon: 'network', component: NetworksPage },
  ],
  dialogs: [defineDialog('newNetwork', NewNetworkDialog), defineDialog('deleteNetwork', DeleteNetworkDialog)],
};
