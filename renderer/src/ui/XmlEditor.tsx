/**
 * An XML code editor (CodeMirror 6): syntax highlighting, line numbers, folding, search (Ctrl+F, with
 * Enter/Shift+Enter for next/previous and Escape to close), undo history, bracket matching, read-only mode,
 * the app's light/dark colours. Tab leaves the editor (no focus trap); Ctrl+S calls `onSave`.
 *
 *   <XmlEditor value={xml} onChange={setXml} ariaLabel="Domain XML" onSave={review} />
 *   <XmlEditor value={liveXml} readOnly ariaLabel="Running XML" />
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { xml } from '@codemirror/lang-xml';
import { bracketMatching, foldGutter, foldKeymap, indentOnInput } from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { useT } from '../i18n/index.js';
import { stopHandledKeys, xmlLook, xmlPhrases } from './xml-theme.js';

export interface XmlEditorProps {
  /** The document. A new value replaces the text (keeping the undo history); typing calls `onChange`. */
  value: string;
  onChange?: (value: string) => void;
  /** No typing; search, selection and copy still work. */
  readOnly?: boolean;
  /** The accessible name of the text area. */
  ariaLabel: string;
  /** Ctrl+S (Cmd+S) inside the editor. */
  onSave?: () => void;
  /** Focus the text once it is shown. */
  autoFocus?: boolean;
  testId?: string;
  className?: string;
}

const editableExtensions = (readOnly: boolean) => [
  EditorState.readOnly.of(readOnly),
  EditorView.editable.of(true), // focusable and searchable even when read-only
  EditorView.contentAttributes.of({ 'aria-readonly': String(readOnly) }),
];

export const XmlEditor = ({
  value,
  onChange,
  readOnly = false,
  ariaLabel,
  onSave,
  autoFocus = false,
  testId,
  className,
}: XmlEditorProps) => {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const mode = useRef(new Compartment());
  const label = useRef(new Compartment());
  // The latest callbacks, read by the editor's listeners (created once).
  const handlers = useRef({ onChange, onSave });
  useEffect(() => {
    handlers.current = { onChange, onSave };
  });

  useEffect(() => {
    const look = xmlLook(() => view.current);
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          foldGutter(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          search({ top: true }),
          xml(),
          look.extension,
          xmlPhrases(t),
          keymap.of([
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                handlers.current.onSave?.();
                return true;
              },
            },
            ...searchKeymap,
            ...historyKeymap,
            ...foldKeymap,
            ...defaultKeymap,
          ]),
          mode.current.of(editableExtensions(readOnly)),
          label.current.of(EditorView.contentAttributes.of({ 'aria-label': ariaLabel })),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) handlers.current.onChange?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    if (autoFocus) v.focus();
    return () => {
      look.dispose();
      v.destroy();
      view.current = undefined;
    };
    // Created once; later prop changes are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: mode.current.reconfigure(editableExtensions(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    view.current?.dispatch({
      effects: label.current.reconfigure(EditorView.contentAttributes.of({ 'aria-label': ariaLabel })),
    });
  }, [ariaLabel]);

  return (
    <div
      ref={host}
      className={`xml-editor ${className ?? ''}`}
      data-testid={testId}
      onKeyDown={stopHandledKeys}
    />
  );
};
