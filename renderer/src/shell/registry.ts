import type { ComponentType } from 'react';
import type { ConnectionEntry } from '../../../shared/contract/index.js';
import type { Route } from '../store/route.js';
import type { IconName } from '../ui/icon-paths.js';
import type { DialogContribution } from './dialogs.js';

/**
 * What a feature adds to the UI. Each feature folder (renderer/src/features/<name>/) exports one
 * `contribution`; features/index.ts lists them and the app root hands that list to `installFeatures`.
 * The shell only ever reads the merged registry below — it never imports a feature.
 */
export interface FeatureContribution {
  /** Short name of the feature, for error messages. */
  id: string;
  vmTabs?: VmTab[];
  hostPages?: HostPage[];
  dialogs?: DialogContribution[];
  shortcuts?: Shortcut[];
  mainMenu?: MainMenuEntry[];
  /** Named places of the shell's layout; each may be filled by one feature only. */
  slots?: Partial<Slots>;
}

export interface VmTabProps {
  connectionId: string;
  vmUuid: string;
  vmName: string;
  /** libvirt domain state name: 'running', 'paused', 'shutoff', … */
  state: string;
  active: boolean;
}

/** A tab of the VM page after Overview; tabs are shown by ascending `order`. */
export interface VmTab {
  id: string;
  /** i18n key of the tab title */
  titleKey: string;
  order: number;
  component: ComponentType<VmTabProps>;
  /** Shown after the title (e.g. a count of changes waiting for a restart); renders nothing when empty. */
  badge?: ComponentType<{ connectionId: string; vmUuid: string; state: string }>;
}

export interface HostPageProps {
  connectionId: string;
}

/** A page of a connection in the sidebar (below "Virtual Machines"), by ascending `order`. */
export interface HostPage {
  id: string;
  titleKey: string;
  order: number;
  /** Its symbol in the sidebar (a server when none is given). */
  icon?: IconName;
  component: ComponentType<HostPageProps>;
}

/** Props of cells the VM list leaves to features (one per row, fixed size 84×24 px). */
export interface VmListCellProps {
  connectionId: string;
  vmUuid: string;
}

/**
 * A global keyboard shortcut (ignored while a dialog is open), listed in the shortcuts dialog by
 * ascending `order`. Entries without `match` are only listed: the view that owns them handles the keys.
 */
export interface Shortcut {
  /** Keys as shown in the shortcuts dialog, e.g. ['Ctrl', 'Shift', 'N']. */
  keys: string[];
  /** i18n key of the description. */
  labelKey: string;
  order: number;
  match?: (e: KeyboardEvent) => boolean;
  /** Runs the shortcut; returning false leaves the key to the browser (nothing to do here). */
  run?: (route: Route) => boolean | void;
}

/** An item of the main (hamburger) menu, before the language choice, by ascending `order`. */
export interface MainMenuEntry {
  labelKey: string;
  shortcut?: string;
  order: number;
  onSelect: () => void;
}

/** Parts of the layout the shell leaves to features. */
export interface Slots {
  /** Route `{ kind: 'vms' }`: the VM list of a connection. */
  vmList: ComponentType<{ connectionId: string }>;
  /** Route `{ kind: 'vm' }`: one VM's page. */
  vmPage: ComponentType<{ connectionId: string; uuid: string; tab: string }>;
  /** Shown instead of everything when no connection is saved. */
  firstRun: ComponentType;
  /** Shown instead of a page that needs the connection while it is not connected. */
  notConnected: ComponentType<{ connection: ConnectionEntry }>;
  /** Above the page: the connection is connecting, reconnecting or lost. */
  connectionBanner: ComponentType<{ connection: ConnectionEntry }>;
  /** The sidebar's header button(s) at its start. */
  sidebarStart: ComponentType;
  /** The sidebar's content: the connections and their pages. */
  sidebarContent: ComponentType;
  /** The CPU column of each VM-list row; when absent the row keeps an empty 84×24 px placeholder. */
  vmListCpuCell: ComponentType<VmListCellProps>;
}

export interface Registry {
  vmTabs: readonly VmTab[];
  hostPages: readonly HostPage[];
  dialogs: ReadonlyMap<string, DialogContribution>;
  shortcuts: readonly Shortcut[];
  mainMenu: readonly MainMenuEntry[];
  slots: Partial<Slots>;
}

const byOrder = <T extends { order: number }>(list: T[]): T[] => list.sort((a, b) => a.order - b.order);

/** Merges contributions; the same tab, page, dialog or slot claimed twice is a programming error. */
export const buildRegistry = (features: readonly FeatureContribution[]): Registry => {
  const dialogs = new Map<string, DialogContribution>();
  const slots: Partial<Slots> = {};
  const taken = (what: string, id: string, seen: Set<string>): void => {
    if (seen.has(id)) throw new Error(`${what} "${id}" is contributed twice`);
    seen.add(id);
  };
  const tabIds = new Set<string>(['overview']);
  const pageIds = new Set<string>();
  for (const f of features) {
    for (const tab of f.vmTabs ?? []) taken('VM tab', tab.id, tabIds);
    for (const page of f.hostPages ?? []) taken('Host page', page.id, pageIds);
    for (const d of f.dialogs ?? []) {
      // Read as a plain string: where no feature declares dialog kinds (unit tests), the union is empty.
      const kind = (d as { kind: string }).kind;
      if (dialogs.has(kind)) throw new Error(`Dialog "${kind}" is contributed twice (${f.id})`);
      dialogs.set(kind, d);
    }
    for (const [name, component] of Object.entries(f.slots ?? {})) {
      if (name in slots) throw new Error(`Slot "${name}" is filled twice (${f.id})`);
      (slots as Record<string, unknown>)[name] = component;
    }
  }
  return {
    vmTabs: byOrder(features.flatMap((f) => f.vmTabs ?? [])),
    hostPages: byOrder(features.flatMap((f) => f.hostPages ?? [])),
    dialogs,
    shortcuts: byOrder(features.flatMap((f) => f.shortcuts ?? [])),
    mainMenu: byOrder(features.flatMap((f) => f.mainMenu ?? [])),
    slots,
  };
};

let registry: Registry = buildRegistry([]);

/** Called once by the app root, before the first render, with features/index.ts's list. */
export const installFeatures = (features: readonly FeatureContribution[]): void => {
  registry = buildRegistry(features);
};

/** The merged contributions (fixed after start-up, so reading it during render is fine). */
export const getRegistry = (): Registry => registry;
