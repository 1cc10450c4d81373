/**
 * A canonical form of an XML element for "means the same" assertions that, unlike xmlMeaning
 * (xml-tree.ts), also holds comments, processing instructions and the text of mixed content: everything a
 * round trip through the app could lose. Names are namespace URI + local name (a prefix is only a
 * spelling), attributes are sorted and namespace declarations left out (they only bind prefixes), text and
 * CDATA next to each other are one text, and text beside child elements is trimmed (indentation; dropped
 * when only whitespace); any other text is kept exactly.
 */
import type { XmlElement } from '../../electron/libvirt-xml/dom.js';

export type CanonicalNode =
  | { el: string; attrs: [string, string][]; children: CanonicalNode[] }
  | { text: string }
  | { comment: string }
  | { pi: string; data: string };

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const PI = 7;
const COMMENT = 8;
const XMLNS = 'http://www.w3.org/2000/xmlns/';

interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
}

const qname = (ns: string | null | undefined, local: string): string => (ns ? `{${ns}}${local}` : local);

export const canonical = (el: XmlElement): CanonicalNode => {
  const attrs: [string, string][] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i)!;
    if (a.namespaceURI === XMLNS || a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    attrs.push([qname(a.namespaceURI, a.localName ?? a.name), a.value]);
  }
  attrs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: CanonicalNode[] = [];
  const nodes = el.childNodes as unknown as ArrayLike<DomNode>;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.nodeType === TEXT || n.nodeType === CDATA) {
      const last = out[out.length - 1];
      if (last && 'text' in last) last.text += n.nodeValue ?? '';
      else out.push({ text: n.nodeValue ?? '' });
    } else if (n.nodeType === ELEMENT) out.push(canonical(n as unknown as XmlElement));
    else if (n.nodeType === COMMENT) out.push({ comment: n.nodeValue ?? '' });
    else if (n.nodeType === PI) out.push({ pi: n.nodeName, data: n.nodeValue ?? '' });
  }
  const hasElements = out.some((c) => 'el' in c);
  // Beside child elements, whitespace at either end of a text is indentation (a removed element leaves
  // its neighbours' indentation merged): compared trimmed, and left out when nothing else.
  const children = hasElements
    ? out.flatMap((c): CanonicalNode[] =>
        'text' in c ? (c.text.trim() ? [{ text: c.text.trim() }] : []) : [c],
      )
    : out;
  return { el: qname(el.namespaceURI, el.localName ?? el.nodeName), attrs, children };
};
