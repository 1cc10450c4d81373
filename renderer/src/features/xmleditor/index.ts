import type { FeatureContribution } from '../../shell/registry.js';
import { XmlTab } from './XmlTab.js';

/** A VM's domain XML: the next-boot definition in a code editor, reviewed as a diff before it is applied. */
export const contribution: FeatureContribution = {
  id: 'xmleditor',
  vmTabs: [{ id: 'xml', titleKey: 'xmleditor.tab', order: 90, component: XmlTab }],
  // Handled by the XML tab itself (listed in the shortcuts dialog only).
  shortcuts: [
    { keys: ['Ctrl', 'S'], labelKey: 'shortcuts.xmlReview', order: 200 },
    { keys: ['Ctrl', 'F'], labelKey: 'shortcuts.xmlSearch', order: 210 },
  ],
};
