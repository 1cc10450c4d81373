import { useT } from '../../i18n/index.js';

/**
 * The config XML before and after a change, side by side.
 * TODO(XmlDiffView): use renderer/src/ui/XmlDiffView.tsx (`{ before, after }`) once main has it.
 */
export const XmlChanges = ({ before, after }: { before: string; after: string }) => {
  const t = useT();
  return (
    <div className="hw-xml-diff" data-testid="hw-xml-diff">
      <div>
        <div className="dim">{t('hw.xml.before')}</div>
        <pre className="xml">{before}</pre>
      </div>
      <div>
        <div className="dim">{t('hw.xml.after')}</div>
        <pre className="xml">{after}</pre>
      </div>
    </div>
  );
};
