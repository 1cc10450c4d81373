import { XmlDiffView } from '../../ui/XmlDiffView.js';

/** The config XML before and after a change, side by side (the XML tab's diff view, unchanged parts folded). */
export const XmlChanges = ({ before, after }: { before: string; after: string }) => (
  <div className="hw-xml-diff" data-testid="hw-xml-diff">
    <XmlDiffView before={before} after={after} />
  </div>
);
