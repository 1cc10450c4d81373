/**
 * Two versions of an XML document side by side (CodeMirror's merge view), read-only: removed lines on the
 * left, added ones on the right, changed text marked, long unchanged stretches collapsed (click a
 * "⦚ N unchanged lines ⦚" bar to open it). For "review before apply" of any change to a libvirt object:
 *
 *   <XmlDiffView before={currentXml} after={editedXml} />
 *
 * It fills its container's height (give the container one) and scrolls both sides together.
 */
import { xml } from '@codemirror/lang-xml';
import { MergeView } from '@codemirror/merge';
import { search, searchKeymap } from '@codemirror/search';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { useT } from '../i18n/index.js';
import { stopHandledKeys, xmlLook, xmlPhrases } from './xml-theme.js';

export const XmlDiffView = ({ before, after }: { before: string; after: string }) => {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const same = before === after;
  const beforeLabel = t('xmldiff.before');
  const afterLabel = t('xmldiff.after');

  useEffect(() => {
    if (same) return;
    // The looks follow the light/dark theme of the two editors made below.
    const looks: ReturnType<typeof xmlLook>[] = [xmlLook(() => merge.a), xmlLook(() => merge.b)];
    const side = (doc: string, i: 0 | 1, name: string) => ({
      doc,
      extensions: [
        lineNumbers(),
        xml(),
        search({ top: true }),
        keymap.of(searchKeymap),
        looks[i]!.extension,
        xmlPhrases(t),
        EditorState.readOnly.of(true),
        EditorView.contentAttributes.of({ 'aria-label': name, 'aria-readonly': 'true' }),
      ],
    });
    const merge: MergeView = new MergeView({
      a: side(before, 0, beforeLabel),
      b: side(after, 1, afterLabel),
      parent: host.current!,
      collapseUnchanged: { margin: 3, minSize: 6 },
      highlightChanges: true,
      gutter: true,
    });
    return () => {
      for (const l of looks) l.dispose();
      merge.destroy();
    };
  }, [before, after, same, beforeLabel, afterLabel, t]);

  return (
    <div className="xml-diff" data-testid="xml-diff">
      <div className="xml-diff-heads" aria-hidden="true">
        <span>{beforeLabel}</span>
        <span>{afterLabel}</span>
      </div>
      {same ? (
        <p className="xml-diff-same dim" role="status">
          {t('xmldiff.same')}
        </p>
      ) : (
        <div className="xml-diff-body" ref={host} onKeyDown={stopHandledKeys} />
      )}
    </div>
  );
};
