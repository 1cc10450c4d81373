/**
 * The one place that touches the XML DOM (@xmldom/xmldom): a safe parse, serialization, and small typed
 * helpers for reading and editing libvirt's documents. Editing works on the parsed tree, so whatever
 * this code does not know about (elements, attributes, namespaced metadata, comments) stays as it was.
 *
 * Protections, on top of a standards parser: no DTDs (no DOCTYPE, so no entity declarations), at most
 * MAX_XML_CHARS of input, and character references and raw characters restricted to XML's Char
 * production (xmldom would quietly turn `&#x110000;` into broken UTF-16). Every failure is an XmlError
 * with a plain message.
 */
import {
  DOMImplementation,
  DOMParser,
  XMLSerializer,
  type Document,
  type Element,
  type Node,
} from '@xmldom/xmldom';

/** An element of a parsed or built document. */
export type XmlElement = Element;

/** Malformed or refused XML; `message` is plain words ("Invalid XML: …"). */
export class XmlError extends Error {
  override name = 'XmlError';
  constructor(
    message: string,
    /** Where the parser stopped (1-based), when it knows: shown beside the message in the XML editor. */
    readonly position?: { line: number; column: number },
  ) {
    super(message);
  }
}

/** libvirt never sends a longer string (REMOTE_STRING_MAX), and no osinfo-db file comes near it. */
export const MAX_XML_CHARS = 4 * 1024 * 1024;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const XMLNS = 'http://www.w3.org/2000/xmlns/';

const invalid = (detail: string) => new XmlError(`Invalid XML: ${detail}`);

/** XML 1.0 Char production (surrogate pairs are checked separately on raw text). */
const isXmlChar = (c: number): boolean =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

const isHexDigit = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Index just past a comment, CDATA section or processing instruction starting at `i` (else i + 1). */
const skipLiteralMarkup = (xml: string, i: number): number => {
  const close = xml.startsWith('<!--', i)
    ? '-->'
    : xml.startsWith('<![CDATA[', i)
      ? ']]>'
      : xml.startsWith('<?', i)
        ? '?>'
        : null;
  if (!close) return i + 1;
  const end = xml.indexOf(close, i + 2);
  return end < 0 ? xml.length : end + close.length; // unterminated: the parser reports it
};

/**
 * Checks raw characters and numeric character references against the Char production. References are
 * only decoded in text and attribute values, so comments, CDATA and processing instructions are skipped
 * for them; a malformed reference is left to the parser, which reports it.
 */
const checkCharacters = (xml: string): void => {
  const n = xml.length;
  for (let i = 0; i < n;) {
    const c = xml.charCodeAt(i);
    if (c === 0x3c /* < */) {
      const next = skipLiteralMarkup(xml, i);
      for (let j = i + 1; j < next;) j = checkRaw(xml, j);
      i = next;
      continue;
    }
    if (c === 0x26 /* & */ && xml.charCodeAt(i + 1) === 0x23 /* # */) {
      i = checkReference(xml, i);
      continue;
    }
    i = checkRaw(xml, i);
  }
};

/** Checks the raw character at i; returns the index after it. */
const checkRaw = (xml: string, i: number): number => {
  const c = xml.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const lo = xml.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return i + 2;
    throw invalid(`broken character (unpaired UTF-16 surrogate) at offset ${i}`);
  }
  if (!isXmlChar(c))
    throw invalid(`character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
  return i + 1;
};

/** Checks `&#…;` at i; returns the index after it. */
const checkReference = (xml: string, i: number): number => {
  const hex = xml.charCodeAt(i + 2) === 0x78; /* x */
  let j = i + (hex ? 3 : 2);
  let value = 0;
  const start = j;
  for (; j < xml.length; j++) {
    const d = xml.charCodeAt(j);
    if (!(hex ? isHexDigit(d) : isDigit(d))) break;
    // Stop growing once out of range: the value only has to be known to be too large.
    if (value <= 0x10ffff) value = value * (hex ? 16 : 10) + parseInt(xml[j]!, 16);
  }
  if (j === start || xml.charCodeAt(j) !== 0x3b /* ; */) return i + 1; // not a reference: parser's job
  if (!isXmlChar(value))
    throw invalid(`the character reference ${xml.slice(i, j + 1)} is not a valid XML character`);
  return j + 1;
};

/**
 * XML 1.0 end-of-line handling (\r\n and lone \r become \n). xmldom's default also rewrites U+0085,
 * U+2028 and U+2029 (XML 1.1 rules), which would change text such as a VM description that contains them.
 */
const normalizeLineEndings = (xml: string): string =>
  xml.includes('\r') ? xml.split('\r\n').join('\n').split('\r').join('\n') : xml;

/** xmldom reports this as a warning; U+FFFD is a legal character, so it is no reason to refuse. */
const HARMLESS_WARNING = 'Unicode replacement character';

/** Parses a complete document; throws XmlError. */
export const parseDocument = (xml: string): Document => {
  if (typeof xml !== 'string') throw invalid('not a string');
  if (xml.length > MAX_XML_CHARS)
    throw invalid(`the document is too large (${xml.length} characters, at most ${MAX_XML_CHARS})`);
  checkCharacters(xml);
  let refused: XmlError | null = null;
  const parser = new DOMParser({
    locator: true,
    normalizeLineEndings,
    onError: (level, message, context) => {
      if (level === 'warning' && message.startsWith(HARMLESS_WARNING)) return;
      const ctx = context as { doc?: Document; locator?: { lineNumber?: number; columnNumber?: number } };
      const { lineNumber: line, columnNumber: column } = ctx?.locator ?? {};
      refused = ctx?.doc?.doctype
        ? dtdRefused()
        : new XmlError(`Invalid XML: ${message}`, line && column ? { line, column } : undefined);
      throw refused;
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(xml, 'text/xml');
  } catch (e) {
    throw refused ?? invalid(e instanceof Error ? e.message : String(e));
  }
  if (doc.doctype) throw dtdRefused();
  if (!doc.documentElement) throw invalid('the document is empty');
  return doc;
};

const dtdRefused = () => invalid('DTDs (DOCTYPE and entity declarations) are not allowed');

/** Parses a complete document and returns its root element; throws XmlError. */
export const parseXml = (xml: string): Element => parseDocument(xml).documentElement!;

/**
 * The element as XML (namespace declarations it needs included); throws XmlError for unwritable text.
 * A carriage return in text (read from `&#13;`, or set by an edit) is written as `&#13;`: written raw, the
 * next parse would turn it into a line feed (end-of-line handling). Parsed markup never holds a raw one.
 */
export const serializeXml = (el: Element): string => {
  try {
    const xml = new XMLSerializer().serializeToString(el, { requireWellFormed: true });
    return xml.includes('\r') ? xml.split('\r').join('&#13;') : xml;
  } catch (e) {
    throw invalid(`cannot write the document: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/** The root element of a new, empty document. */
export const newDocument = (rootName: string, attrs: Attrs = {}): Element => {
  const root = new DOMImplementation().createDocument(null, rootName, null).documentElement!;
  setAttrs(root, attrs);
  return root;
};

/** Attribute values to set; undefined and null ones are skipped. */
export type Attrs = Readonly<Record<string, string | number | null | undefined>>;

const isElement = (n: Node | null | undefined): n is Element => n?.nodeType === ELEMENT_NODE;

/** The child elements of `el`, in document order. */
export const elements = (el: Element | undefined | null): Element[] => {
  const out: Element[] = [];
  for (let n = el?.firstChild; n; n = n.nextSibling) if (isElement(n)) out.push(n);
  return out;
};

/** First descendant matching a '/'-separated path of (qualified) names, e.g. 'os/type'. */
export const child = (el: Element | undefined | null, path: string): Element | undefined => {
  let cur: Element | undefined = el ?? undefined;
  for (const part of path.split('/')) {
    if (!cur) return undefined;
    let found: Element | undefined;
    for (let n = cur.firstChild; n && !found; n = n.nextSibling)
      if (isElement(n) && n.nodeName === part) found = n;
    cur = found;
  }
  return cur;
};

/** All elements matching the path (the last segment may match several siblings). */
export const children = (el: Element | undefined | null, path: string): Element[] => {
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? el : child(el, path.slice(0, slash));
  const last = path.slice(slash + 1);
  return elements(parent).filter((c) => c.nodeName === last);
};

/** Every element named `name` below `el` (any depth), in document order. */
export const descendants = (el: Element | undefined | null, name: string): Element[] => {
  const out: Element[] = [];
  const walk = (e: Element) => {
    for (const c of elements(e)) {
      if (c.nodeName === name) out.push(c);
      walk(c);
    }
  };
  if (el) walk(el);
  return out;
};

/** The element's own text (text and CDATA children, not descendants'), untrimmed. */
export const ownText = (el: Element | undefined | null): string => {
  let s = '';
  for (let n = el?.firstChild; n; n = n.nextSibling)
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) s += n.nodeValue ?? '';
  return s;
};

/** Trimmed own text of the element at path ('' = the element itself), or null when there is none. */
export const text = (el: Element | undefined | null, path = ''): string | null => {
  const e = path ? child(el, path) : el;
  return e ? ownText(e).trim() : null;
};

/** An attribute's value, or null when absent. */
export const attr = (el: Element | undefined | null, name: string): string | null =>
  el?.hasAttribute(name) ? el.getAttribute(name) : null;

/** All attributes (namespace declarations included) by qualified name, in document order. */
export const attributes = (el: Element): Record<string, string> => {
  const out: Record<string, string> = {};
  const list = el.attributes;
  for (let i = 0; i < list.length; i++) {
    const a = list.item(i);
    if (a) out[a.name] = a.value;
  }
  return out;
};

/** The name without a namespace prefix ('libosinfo:os' → 'os'). */
export const localName = (el: Element): string => el.localName ?? el.nodeName;

/** A number from an attribute or text, or null when absent or not a number. */
export const intOf = (s: string | null | undefined): number | null => {
  if (s == null || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

// libvirt's scaled-integer units (docs: formatdomain "Memory Allocation"); KiB when none is given.
const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
  p: 1024 ** 5,
  pib: 1024 ** 5,
  pb: 1000 ** 5,
  e: 1024 ** 6,
  eib: 1024 ** 6,
  eb: 1000 ** 6,
};

/**
 * A libvirt sized element (`<memory unit='KiB'>…</memory>`) in bytes; null when absent or the unit is
 * unknown. `defaultUnit` is the unit when none is given: KiB for domain memory, bytes for storage sizes.
 */
export const bytesOf = (el: Element | undefined | null, defaultUnit = 'KiB'): number | null => {
  const n = intOf(ownText(el));
  if (n === null || !el) return null;
  const factor = UNIT_BYTES[(attr(el, 'unit') ?? defaultUnit).toLowerCase()];
  return factor === undefined ? null : n * factor;
};

/** Refuses a value XML cannot hold (the serializer checks text, but not attribute values). */
const checkValue = (s: string): string => {
  for (let i = 0; i < s.length;) i = checkRaw(s, i);
  return s;
};

/** Sets (or, for null/undefined, removes) attributes; throws XmlError for characters XML cannot hold. */
export const setAttrs = (el: Element, attrs: Attrs): Element => {
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) checkValue(String(v));
    if (v === null || v === undefined) el.removeAttribute(k);
    else if (k === 'xmlns' || k.startsWith('xmlns:')) el.setAttributeNS(XMLNS, k, String(v));
    else el.setAttribute(k, String(v));
  }
  return el;
};

/** Replaces the element's content with `value` as text; throws XmlError for characters XML cannot hold. */
export const setText = (el: Element, value: string | number): Element => {
  const s = checkValue(String(value));
  while (el.firstChild) el.removeChild(el.firstChild);
  if (s) el.appendChild(el.ownerDocument!.createTextNode(s));
  return el;
};

/** Appends a new child element (namespaced when `ns` is given), with attributes and optional text. */
export const add = (
  parent: Element,
  name: string,
  attrs: Attrs = {},
  value?: string | number,
  ns?: string,
): Element => {
  const doc = parent.ownerDocument!;
  const el = ns ? doc.createElementNS(ns, name) : doc.createElement(name);
  setAttrs(el, attrs);
  if (value !== undefined) setText(el, value);
  parent.appendChild(el);
  return el;
};

/** The first child named `name`, appended when missing. */
export const ensureChild = (parent: Element, name: string): Element =>
  child(parent, name) ?? add(parent, name);

/** Moves `el` before `ref` (a child of the same parent), or to the end when ref is undefined. */
export const insertBefore = (el: Element, ref: Element | undefined): Element => {
  const parent = ref?.parentNode ?? el.parentNode;
  if (parent) parent.insertBefore(el, ref ?? null);
  return el;
};

/** Removes the element, and the indentation before it so the document stays tidy. */
export const remove = (el: Element): void => {
  const parent = el.parentNode;
  if (!parent) return;
  const before = el.previousSibling;
  if (before?.nodeType === TEXT_NODE && (before.nodeValue ?? '').trim() === '') parent.removeChild(before);
  parent.removeChild(el);
};

/** Removes every child element named `name`. */
export const removeChildren = (parent: Element | undefined | null, name: string): void => {
  for (const c of children(parent, name)) remove(c);
};
