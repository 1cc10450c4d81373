/**
 * A small, strict-enough XML reader for libvirt's own XML (domain, pool, volume descriptions). libvirt
 * produces well-formed XML without DTDs; we support elements, attributes, text, CDATA, comments,
 * processing instructions and the predefined/numeric entities. No external entities are ever resolved.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated direct text content (entity-decoded). */
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const decode = (s: string): string =>
  s.includes('&')
    ? s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
        if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
        if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
        return ENTITIES[e] ?? m;
      })
    : s;

export class XmlParseError extends Error {
  override name = 'XmlParseError';
}

export const parseXml = (xml: string): XmlElement => {
  let i = 0;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const nameRe = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
  const attrRe = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.text += decode(xml.slice(i));
      break;
    }
    if (lt > i) top.text += decode(xml.slice(i, lt));
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlParseError('Unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new XmlParseError('Unterminated CDATA');
      top.text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw new XmlParseError('Unterminated processing instruction');
      i = end + 2;
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlParseError('DTDs are not supported');
    } else if (xml.startsWith('</', lt)) {
      const end = xml.indexOf('>', lt);
      if (end < 0) throw new XmlParseError('Unterminated end tag');
      const name = xml.slice(lt + 2, end).trim();
      if (stack.length < 2 || top.name !== name) throw new XmlParseError(`Unexpected </${name}>`);
      stack.pop();
      i = end + 1;
    } else {
      nameRe.lastIndex = lt + 1;
      const m = nameRe.exec(xml);
      if (!m) throw new XmlParseError(`Bad tag at ${lt}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      let j = nameRe.lastIndex;
      for (;;) {
        attrRe.lastIndex = j;
        const a = attrRe.exec(xml);
        if (!a) break;
        el.attrs[a[1]!] = decode(a[3] ?? a[4] ?? '');
        j = attrRe.lastIndex;
      }
      while (j < xml.length && /\s/.test(xml[j]!)) j++;
      top.children.push(el);
      if (xml.startsWith('/>', j)) {
        i = j + 2;
      } else if (xml[j] === '>') {
        stack.push(el);
        i = j + 1;
      } else {
        throw new XmlParseError(`Malformed tag <${el.name}> at ${lt}`);
      }
    }
  }
  if (stack.length !== 1) throw new XmlParseError(`Unclosed <${stack[stack.length - 1]!.name}>`);
  const doc = root.children[0];
  if (!doc) throw new XmlParseError('Empty document');
  return doc;
};

/** First child element matching a '/'-separated path of names (e.g. 'os/type'). */
export const child = (el: XmlElement | undefined, path: string): XmlElement | undefined => {
  let cur = el;
  for (const part of path.split('/')) {
    if (!cur) return undefined;
    cur = cur.children.find((c) => c.name === part);
  }
  return cur;
};

/** All elements matching the path (the last segment may match several siblings). */
export const children = (el: XmlElement | undefined, path: string): XmlElement[] => {
  const parts = path.split('/');
  const last = parts.pop()!;
  const parent = parts.length ? child(el, parts.join('/')) : el;
  return parent ? parent.children.filter((c) => c.name === last) : [];
};

/** Trimmed text of the element at path, or null. */
export const textOf = (el: XmlElement | undefined, path: string): string | null => {
  const e = child(el, path);
  return e ? e.text.trim() : null;
};

/** Text made safe for XML element content and attribute values (either quote). */
export const escapeXml = (s: string): string =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );

/**
 * Writes an element back as XML (escaped, no indentation). Enough for libvirt's own documents, whose
 * elements hold either text or child elements: the text of an element with children is whitespace.
 */
export const serializeXml = (el: XmlElement): string => {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const text = el.children.length ? '' : escapeXml(el.text);
  if (!text && !el.children.length) return `<${el.name}${attrs}/>`;
  return `<${el.name}${attrs}>${text}${el.children.map(serializeXml).join('')}</${el.name}>`;
};

/** Local name without a namespace prefix ('libosinfo:os' → 'os'). */
export const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** An integer attribute or text, or null when absent or not a number. */
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
};

/** A libvirt sized element (`<memory unit='KiB'>…</memory>`) in bytes; null when absent or unknown. */
export const bytesOf = (el: XmlElement | undefined): number | null => {
  const n = intOf(el?.text);
  if (n === null || !el) return null;
  const factor = UNIT_BYTES[(el.attrs.unit ?? 'KiB').toLowerCase()];
  return factor === undefined ? null : n * factor;
};
