import type { FeatureContribution } from '../shell/registry.js';
import { contribution as stats } from './stats/index.js';
import { contribution as host } from './host/index.js';
import { contribution as consoles } from './consoles/index.js';
import { contribution as snapshots } from './snapshots/index.js';
import { contribution as vms } from './vms/index.js';
import { contribution as connections } from './connections/index.js';
import { contribution as newvm } from './newvm/index.js';
import { contribution as clone } from './clone/index.js';
import { contribution as migration } from './migration/index.js';
import { contribution as hardware } from './hardware/index.js';
import { contribution as xmleditor } from './xmleditor/index.js';
import { contribution as networks } from './networks/index.js';
import { contribution as storage } from './storage/index.js';
import { contribution as tuning } from './tuning/index.js';
import { contribution as hostmem } from './hostmem/index.js';

/**
 * Every feature of the UI, in one list: the app root installs it into the shell's registry. Adding a
 * feature = a folder exporting `contribution` + one line here. Tabs, pages, shortcuts and menu entries
 * are placed by their `order`, not by their position in this list.
 */
export const features: readonly FeatureContribution[] = [
  stats,
  host,
  consoles,
  snapshots,
  vms,
  connections,
  newvm,
  clone,
  migration,
  hardware,
  xmleditor,
  networks,
  storage,
  tuning,
  hostmem,
];
