/**
 * A plain-object view of an XML document for assertions (name, attributes, child elements, own text),
 * read through the app's libvirt-XML layer.
 */
import { attributes, elements, ownText, parseXml, type XmlElement } from '../../electron/libvirt-xml/dom.js';

export interface XmlTree {
  name: string;
  /** Namespace URI, null for libvirt's own (namespace-less) elements. */
  ns: string | null;
  attrs: Record<string, string>;
  children: XmlTree[];
  /** The element's own text, untrimmed. */
  text: string;
}

const view = (el: XmlElement): XmlTree => ({
  name: el.nodeName,
  ns: el.namespaceURI ?? null,
  attrs: attributes(el),
  children: elements(el).map(view),
  text: ownText(el),
});

/** Parses with the app's parser (same refusals) and returns the root as a plain tree. */
export const xmlTree = (xml: string): XmlTree => view(parseXml(xml));

/** First element matching a '/'-separated path of names. */
export const treeChild = (el: XmlTree | undefined, path: string): XmlTree | undefined => {
  let cur = el;
  for (const part of path.split('/')) cur = cur?.children.find((c) => c.name === part);
  return cur;
};

/** All elements matching the path (the last segment may match several siblings). */
export const treeChildren = (el: XmlTree | undefined, path: string): XmlTree[] => {
  const parts = path.split('/');
  const last = parts.pop()!;
  const parent = parts.length ? treeChild(el, parts.join('/')) : el;
  return parent ? parent.children.filter((c) => c.name === last) : [];
};

/** Trimmed text of the element at path, or null. */
export const treeText = (el: XmlTree | undefined, path: string): string | null => {
  const e = treeChild(el, path);
  return e ? e.text.trim() : null;
};

/** The tree without indentation: whitespace-only text between child elements carries no meaning. */
const withoutIndentation = (t: XmlTree): XmlTree => ({
  ...t,
  text: t.children.length && t.text.trim() === '' ? '' : t.text,
  children: t.children.map(withoutIndentation),
});

/** What a document means to libvirt: its tree, indentation and quoting style aside. */
export const xmlMeaning = (xml: string): XmlTree => withoutIndentation(xmlTree(xml));
