/**
 * What the XML editor and the XML diff view share: CodeMirror's look in the app's (Adwaita-like) colours,
 * taken from styles.css variables so it follows the light/dark theme without rebuilding the editor, and
 * the syntax colours of xml-editor.css.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { KeyboardEvent } from 'react';
import './xml-editor.css';

const highlight = HighlightStyle.define([
  { tag: [tags.tagName], color: 'var(--xml-tag-color)' },
  { tag: [tags.attributeName], color: 'var(--xml-attribute-color)' },
  { tag: [tags.attributeValue, tags.string], color: 'var(--xml-value-color)' },
  { tag: [tags.comment, tags.blockComment], color: 'var(--xml-comment-color)', fontStyle: 'italic' },
  { tag: [tags.angleBracket, tags.definitionOperator], color: 'var(--dim-fg-color)' },
  { tag: [tags.character, tags.processingInstruction, tags.documentMeta], color: 'var(--xml-meta-color)' },
  { tag: tags.invalid, color: 'var(--error-color)', textDecoration: 'underline wavy' },
]);

const look = EditorView.theme({
  '&': {
    color: 'var(--view-fg-color)',
    backgroundColor: 'var(--view-bg-color)',
    fontSize: '13px',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.45' },
  '.cm-content': { caretColor: 'var(--accent-color)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent-color)', borderLeftWidth: '2px' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
    { backgroundColor: 'var(--selected-bg)' },
  '.cm-activeLine': { backgroundColor: 'var(--hover-bg)' },
  '.cm-gutters': {
    backgroundColor: 'var(--window-bg-color)',
    color: 'var(--dim-fg-color)',
    borderRight: '1px solid var(--border-color)',
  },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-bg)', color: 'var(--view-fg-color)' },
  '.cm-searchMatch': { backgroundColor: 'var(--xml-match-bg)', outline: '1px solid var(--warning-bg-color)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'var(--xml-match-selected-bg)' },
  '.cm-selectionMatch': { backgroundColor: 'var(--selected-bg)' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--selected-hover-bg)', outline: 'none' },
  '.cm-panels': {
    backgroundColor: 'var(--headerbar-bg-color)',
    color: 'var(--headerbar-fg-color)',
    fontFamily: 'var(--font)',
  },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--border-color)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--border-color)' },
  '.cm-textfield': {
    backgroundColor: 'var(--entry-bg)',
    color: 'inherit',
    border: '1px solid var(--border-color)',
    borderRadius: 'var(--radius-s)',
    padding: '3px 6px',
  },
  '.cm-button': {
    backgroundImage: 'none',
    backgroundColor: 'var(--button-bg)',
    color: 'inherit',
    border: 'none',
    borderRadius: 'var(--radius-s)',
    padding: '3px 10px',
  },
  '.cm-foldPlaceholder': {
    backgroundColor: 'var(--button-bg)',
    color: 'var(--dim-fg-color)',
    border: 'none',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--popover-bg-color)',
    color: 'var(--view-fg-color)',
    border: '1px solid var(--border-color)',
  },
  // The diff view: deleted/inserted lines and their changed text, in the app's success/error colours.
  '&.cm-merge-a .cm-changedLine, .cm-deletedChunk': { backgroundColor: 'var(--xml-deleted-bg)' },
  '&.cm-merge-b .cm-changedLine, .cm-inlineChangedLine': { backgroundColor: 'var(--xml-inserted-bg)' },
  '&.cm-merge-a .cm-changedText, .cm-deletedChunk .cm-deletedText': {
    background: 'var(--xml-deleted-text-bg)',
  },
  '&.cm-merge-b .cm-changedText': { background: 'var(--xml-inserted-text-bg)' },
  '&.cm-merge-a .cm-changedLineGutter': { backgroundColor: 'var(--destructive-bg-color)' },
  '&.cm-merge-b .cm-changedLineGutter': { backgroundColor: 'var(--success-bg-color)' },
  '& .cm-content .cm-collapsedLines': {
    color: 'var(--dim-fg-color)',
    backgroundColor: 'var(--window-bg-color)',
    backgroundImage: 'none',
    fontFamily: 'var(--font)',
    padding: '4px 12px',
    cursor: 'pointer',
  },
  // CodeMirror frames the label with ⦚, which common UI fonts lack (it shows as a box).
  '& .cm-content .cm-collapsedLines:before, & .cm-content .cm-collapsedLines:after': { content: '""' },
});

const prefersDark = (): boolean =>
  typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;

/**
 * The look of an XML editor, plus a listener that tells CodeMirror whether the theme is dark (its own
 * defaults, e.g. of the search panel, depend on it). Returns the extension and a disposer.
 */
export const xmlLook = (
  view: () => EditorView | undefined,
): { extension: Extension; dispose: () => void } => {
  const dark = new Compartment();
  const mode = () => EditorView.theme({}, { dark: prefersDark() });
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const onChange = () => view()?.dispatch({ effects: dark.reconfigure(mode()) });
  media?.addEventListener('change', onChange);
  return {
    extension: [look, dark.of(mode()), syntaxHighlighting(highlight)],
    dispose: () => media?.removeEventListener('change', onChange),
  };
};

/**
 * Keys the editor acted on (Ctrl+F search, Alt+← by syntax, Ctrl+S…) end here: the app's global
 * shortcuts listen on window and would act on them too (Alt+← would leave the page mid-edit).
 */
export const stopHandledKeys = (e: KeyboardEvent): void => {
  if (e.defaultPrevented) e.stopPropagation();
};

/** CodeMirror's own words (search panel, folding, the diff's collapsed lines) in the app's language. */
const PHRASES: Record<string, string> = {
  Find: 'xmlcm.find',
  Replace: 'xmlcm.replaceField',
  next: 'xmlcm.next',
  previous: 'xmlcm.previous',
  all: 'xmlcm.all',
  'match case': 'xmlcm.matchCase',
  regexp: 'xmlcm.regexp',
  'by word': 'xmlcm.byWord',
  replace: 'xmlcm.replace',
  'replace all': 'xmlcm.replaceAll',
  close: 'xmlcm.close',
  'current match': 'xmlcm.currentMatch',
  'on line': 'xmlcm.onLine',
  'replaced $ matches': 'xmlcm.replacedMatches',
  'replaced match on line $': 'xmlcm.replacedOnLine',
  'Go to line': 'xmlcm.goToLine',
  go: 'xmlcm.go',
  'folded code': 'xmlcm.foldedCode',
  unfold: 'xmlcm.unfold',
  'Control character': 'xmlcm.controlCharacter',
  '$ unchanged lines': 'xmlcm.unchangedLines',
};

export const xmlPhrases = (t: (key: string) => string): Extension =>
  EditorState.phrases.of(Object.fromEntries(Object.entries(PHRASES).map(([cm, key]) => [cm, t(key)])));
